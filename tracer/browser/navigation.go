package browser

import (
	"context"
	"math"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// NavigationTiming holds the fields of a PerformanceNavigationTiming entry
// that the document load span uses. Times are DOMHighResTimeStamps: ms
// since TimeOrigin; 0 means the browser did not record that moment.
type NavigationTiming struct {
	// TimeOrigin is performance.timeOrigin, ms since the Unix epoch.
	TimeOrigin float64

	URL                   string // entry.name
	Type                  string // navigate, reload, back_forward, prerender
	ResponseStatus        int
	TransferSize          int64
	EncodedBodySize       int64
	DecodedBodySize       int64
	FetchStart            float64
	DomainLookupStart     float64
	DomainLookupEnd       float64
	ConnectStart          float64
	ConnectEnd            float64
	RequestStart          float64
	ResponseStart         float64
	ResponseEnd           float64
	DomInteractive        float64
	DomContentLoadedStart float64
	DomComplete           float64
	LoadEventStart        float64
	LoadEventEnd          float64
}

// Complete reports whether the load event has ended, so every phase is known.
func (n NavigationTiming) Complete() bool { return n.LoadEventEnd > 0 }

// Time converts a DOMHighResTimeStamp into wall-clock time, rounded to the
// nanosecond.
func (n NavigationTiming) Time(ms float64) time.Time {
	// timeOrigin*1e6 is about 1.7e18, where float64 steps by 256: it would
	// lose the sub-millisecond part. Split off the whole milliseconds, exact
	// in int64, and round only the small fractional part (exact too:
	// timeOrigin minus its floor) plus ms; truncating ms*1e6 would also
	// turn 12.345678 (stored as 12.34567799…) into …677ns.
	whole := math.Floor(n.TimeOrigin)
	frac := n.TimeOrigin - whole
	return time.Unix(0, int64(whole)*1e6+int64(math.Round((frac+ms)*1e6)))
}

// Phase is one child span of the document load.
type Phase struct {
	Name       string
	Start, End float64
}

// Phases returns the document load's phases that the browser recorded, in
// order: dns, connect, request (request sent until the first byte),
// response (first to last byte), domProcessing (last byte until
// domComplete) and loadEvent.
func (n NavigationTiming) Phases() []Phase {
	all := []Phase{
		{"dns", n.DomainLookupStart, n.DomainLookupEnd},
		{"connect", n.ConnectStart, n.ConnectEnd},
		{"request", n.RequestStart, n.ResponseStart},
		{"response", n.ResponseStart, n.ResponseEnd},
		{"domProcessing", n.ResponseEnd, n.DomComplete},
		{"loadEvent", n.LoadEventStart, n.LoadEventEnd},
	}
	out := all[:0]
	for _, p := range all {
		if p.Start > 0 && p.End >= p.Start {
			out = append(out, p)
		}
	}
	return out
}

// RecordDocumentLoad records the document load as a root span named
// "documentLoad", from navigation start to the end of the load event, with
// one child span per [NavigationTiming.Phases], all timed by the browser's
// own timestamps. parent carries a remote parent (for example from a
// server's traceparent) or none. It returns the root span's context.
func RecordDocumentLoad(parent context.Context, t trace.Tracer, n NavigationTiming) trace.SpanContext {
	attrs := []attribute.KeyValue{
		attribute.String("url.full", n.URL),
		attribute.String("document.navigation.type", n.Type),
		attribute.Int64("http.response.body.size", n.EncodedBodySize),
		attribute.Int64("http.response.size", n.TransferSize),
	}
	if n.ResponseStatus > 0 {
		attrs = append(attrs, attribute.Int("http.response.status_code", n.ResponseStatus))
	}
	ctx, root := t.Start(parent, "documentLoad",
		trace.WithTimestamp(n.Time(0)),
		trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(attrs...),
	)
	root.AddEvent("fetchStart", trace.WithTimestamp(n.Time(n.FetchStart)))
	if n.DomInteractive > 0 {
		root.AddEvent("domInteractive", trace.WithTimestamp(n.Time(n.DomInteractive)))
	}
	if n.DomContentLoadedStart > 0 {
		root.AddEvent("domContentLoadedEventStart", trace.WithTimestamp(n.Time(n.DomContentLoadedStart)))
	}
	for _, p := range n.Phases() {
		_, s := t.Start(ctx, p.Name, trace.WithTimestamp(n.Time(p.Start)))
		s.End(trace.WithTimestamp(n.Time(p.End)))
	}
	end := n.LoadEventEnd
	if end == 0 {
		end = max(n.DomComplete, n.ResponseEnd)
	}
	root.End(trace.WithTimestamp(n.Time(end)))
	return root.SpanContext()
}
