package engine

import (
	"context"

	"go.opentelemetry.io/otel/trace"
)

// spanKey is the key under which trace.ContextWithSpan stores a span,
// learnt once by letting trace.SpanFromContext ask a context for it. A span
// then serves as its own context (spanCtx, inside the span): Start makes
// one allocation instead of two.
var spanKey = func() any {
	var p keyProbe
	trace.SpanFromContext(&p)
	return p.key
}()

type keyProbe struct {
	context.Context
	key any
}

func (p *keyProbe) Value(k any) any {
	p.key = k
	return nil
}

// spanCtx is the context Start returns: its parent plus the span, as
// trace.ContextWithSpan(parent, s) would make it.
type spanCtx struct {
	context.Context
	s *recSpan
}

// Value returns the span for the trace package's span key and asks the
// parent for every other key.
func (c *spanCtx) Value(k any) any {
	if k == spanKey {
		return c.s
	}
	return c.Context.Value(k)
}

// withSpan returns ctx with s as its current span.
func withSpan(ctx context.Context, s *recSpan) context.Context {
	if spanKey == nil {
		return trace.ContextWithSpan(ctx, s)
	}
	s.ctx = spanCtx{Context: ctx, s: s}
	return &s.ctx
}
