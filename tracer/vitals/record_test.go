package vitals

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

func TestRecorder(t *testing.T) {
	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	r := &Recorder{Tracer: tp.Tracer("t"), TimeOrigin: 1_800_000_000_000.5}
	r.Record(Metric{Name: INP, Value: 250, Delta: 250, Rating: NeedsImprovement, NavigationType: "navigate", Start: 1000, End: 1250, Target: "pointerup"})
	spans := sr.Ended()
	if len(spans) != 1 {
		t.Fatalf("%d spans", len(spans))
	}
	s := spans[0]
	if s.Name() != SpanName || s.Parent().IsValid() {
		t.Fatalf("name %q parent %v", s.Name(), s.Parent())
	}
	start := time.Unix(1_800_000_001, 500_000)
	if !s.StartTime().Equal(start) || s.EndTime().Sub(s.StartTime()) != 250*time.Millisecond {
		t.Errorf("span %v..%v, want from %v for 250ms", s.StartTime(), s.EndTime(), start)
	}
	want := map[attribute.Key]attribute.Value{
		AttrName: attribute.StringValue("INP"), AttrValue: attribute.Float64Value(250),
		AttrRating: attribute.StringValue("needs-improvement"), AttrNavigationType: attribute.StringValue("navigate"),
		AttrTarget: attribute.StringValue("pointerup"), AttrDelta: attribute.Float64Value(250),
	}
	got := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes() {
		got[kv.Key] = kv.Value
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k].Emit(), v.Emit())
		}
	}

	// With a parent: the report joins the parent's trace.
	ctx, parent := tp.Tracer("t").Start(context.Background(), "documentLoad")
	r.Parent = func() context.Context { return ctx }
	r.Record(Metric{Name: CLS, Rating: Good, NavigationType: "navigate", Start: 5, End: 5})
	parent.End()
	if got := sr.Ended()[1]; got.Parent().SpanID() != parent.SpanContext().SpanID() {
		t.Errorf("parent %v, want %v", got.Parent().SpanID(), parent.SpanContext().SpanID())
	}
}
