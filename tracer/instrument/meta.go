package instrument

import (
	"context"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// RemoteParent returns ctx carrying the remote span context that a
// server-rendered page names in <meta name="traceparent"> (and
// <meta name="tracestate">), so the page's document load joins the
// server's trace. ok is false, and ctx is returned unchanged, when
// traceparent is empty or not a valid W3C traceparent.
func RemoteParent(ctx context.Context, traceparent, tracestate string) (_ context.Context, ok bool) {
	if traceparent == "" {
		return ctx, false
	}
	c := propagation.MapCarrier{"traceparent": traceparent}
	if tracestate != "" {
		c["tracestate"] = tracestate
	}
	out := propagation.TraceContext{}.Extract(ctx, c)
	if !trace.SpanContextFromContext(out).IsValid() {
		return ctx, false
	}
	return out, true
}
