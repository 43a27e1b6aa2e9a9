package engine

import (
	"context"
	"unsafe"

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
// trace.ContextWithSpan(parent, s) would make it. It is the ctx field of
// the span, which it finds from its own address.
type spanCtx struct {
	context.Context
}

// ctxOffset is the offset of the ctx field in a recSpan.
const ctxOffset = unsafe.Offsetof(recSpan{}.ctx)

// span returns the span c is the ctx field of: pointer arithmetic within
// one allocation, which unsafe.Pointer allows.
func (c *spanCtx) span() *recSpan {
	return (*recSpan)(unsafe.Add(unsafe.Pointer(c), -int(ctxOffset)))
}

// Value returns the span for the trace package's span key and asks the
// parent for every other key.
func (c *spanCtx) Value(k any) any {
	if k == spanKey {
		return c.span()
	}
	return c.Context.Value(k)
}

// withSpan returns ctx with s as its current span.
func withSpan(ctx context.Context, s *recSpan) context.Context {
	if spanKey == nil {
		return trace.ContextWithSpan(ctx, s)
	}
	s.ctx = spanCtx{Context: ctx}
	return &s.ctx
}
