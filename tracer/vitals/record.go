package vitals

import (
	"context"
	"math"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// SpanName is the name of the span recorded per report.
const SpanName = "web-vital"

// Attribute keys of a web-vital span.
const (
	AttrName           = attribute.Key("web_vital.name")
	AttrValue          = attribute.Key("web_vital.value")
	AttrDelta          = attribute.Key("web_vital.delta")
	AttrRating         = attribute.Key("web_vital.rating")
	AttrNavigationType = attribute.Key("web_vital.navigation_type")
	AttrTarget         = attribute.Key("web_vital.target")
)

// Recorder records metrics as spans.
type Recorder struct {
	// Tracer records the spans.
	Tracer trace.Tracer
	// TimeOrigin is performance.timeOrigin (ms since the Unix epoch).
	TimeOrigin float64
	// Parent, if not nil, returns the context the spans start in (for
	// example the page's document load span). Default: each report is
	// the root of its own trace.
	Parent func() context.Context
}

// Time converts a DOMHighResTimeStamp into wall-clock time.
func Time(origin, ms float64) time.Time {
	whole := math.Floor(origin)
	return time.Unix(0, int64(whole)*1e6+int64(math.Round((origin-whole+ms)*1e6)))
}

// Record records m as a span named [SpanName] from m.Start to m.End with
// the web_vital.* attributes.
func (r *Recorder) Record(m Metric) {
	ctx := context.Background()
	if r.Parent != nil {
		ctx = r.Parent()
	}
	attrs := []attribute.KeyValue{
		AttrName.String(m.Name),
		AttrValue.Float64(m.Value),
		AttrDelta.Float64(m.Delta),
		AttrRating.String(m.Rating),
		AttrNavigationType.String(m.NavigationType),
	}
	if m.Target != "" {
		attrs = append(attrs, AttrTarget.String(m.Target))
	}
	_, s := r.Tracer.Start(ctx, SpanName, trace.WithTimestamp(Time(r.TimeOrigin, m.Start)),
		trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(attrs...))
	s.End(trace.WithTimestamp(Time(r.TimeOrigin, math.Max(m.End, m.Start))))
}
