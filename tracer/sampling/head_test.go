package sampling

import (
	"context"
	"encoding/binary"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// traceIDWithLow returns a trace id whose last 8 bytes are low.
func traceIDWithLow(low uint64) trace.TraceID {
	var id trace.TraceID
	id[0] = 0xab
	binary.BigEndian.PutUint64(id[8:], low)
	return id
}

func TestHeadDecisions(t *testing.T) {
	ts, _ := trace.ParseTraceState("k=v")
	parent := func(flags trace.TraceFlags, remote bool) context.Context {
		sc := trace.NewSpanContext(trace.SpanContextConfig{
			TraceID: traceIDWithLow(1), SpanID: trace.SpanID{1}, TraceFlags: flags, Remote: remote, TraceState: ts,
		})
		return trace.ContextWithSpanContext(context.Background(), sc)
	}
	half := uint64(1) << 62 // ratio 0.5 → bound 2⁶², compared with low>>1
	tests := []struct {
		name  string
		ratio float64
		ctx   context.Context
		low   uint64
		want  sdktrace.SamplingDecision
	}{
		{"root in ratio", 0.5, context.Background(), 2*half - 2, sdktrace.RecordAndSample},
		{"root at bound", 0.5, context.Background(), 2 * half, sdktrace.RecordOnly},
		{"root above ratio", 0.5, context.Background(), ^uint64(0), sdktrace.RecordOnly},
		{"ratio 0 never samples a root", 0, context.Background(), 0, sdktrace.RecordOnly},
		{"negative ratio is 0", -1, context.Background(), 0, sdktrace.RecordOnly},
		{"ratio 1 samples every root", 1, context.Background(), ^uint64(0), sdktrace.RecordAndSample},
		{"sampled local parent wins over ratio 0", 0, parent(trace.FlagsSampled, false), ^uint64(0), sdktrace.RecordAndSample},
		{"sampled remote parent", 0, parent(trace.FlagsSampled, true), ^uint64(0), sdktrace.RecordAndSample},
		{"unsampled parent wins over ratio 1", 1, parent(0, false), 0, sdktrace.RecordOnly},
		{"unsampled remote parent", 1, parent(0, true), 0, sdktrace.RecordOnly},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Head(tt.ratio).ShouldSample(sdktrace.SamplingParameters{
				ParentContext: tt.ctx, TraceID: traceIDWithLow(tt.low), Name: "x",
			})
			if res.Decision != tt.want {
				t.Fatalf("decision %v, want %v", res.Decision, tt.want)
			}
			if trace.SpanContextFromContext(tt.ctx).IsValid() && res.Tracestate.String() != "k=v" {
				t.Errorf("tracestate %q, want the parent's k=v", res.Tracestate.String())
			}
		})
	}
}

// Head agrees with sdktrace.TraceIDRatioBased on every root, so a Spanfall
// browser and an OpenTelemetry backend with the same ratio make the same
// call; and the decision depends on the trace id alone.
func TestHeadMatchesTraceIDRatioBased(t *testing.T) {
	for _, ratio := range []float64{0.001, 0.1, 0.25, 0.5, 0.9} {
		ours, theirs := Head(ratio), sdktrace.TraceIDRatioBased(ratio)
		sampled := 0
		for i := range uint64(20000) {
			// A spread of ids: multiply by a large odd constant.
			p := sdktrace.SamplingParameters{ParentContext: context.Background(), TraceID: traceIDWithLow(i * 0x9e3779b97f4a7c15)}
			a, b := ours.ShouldSample(p).Decision, theirs.ShouldSample(p).Decision
			if (a == sdktrace.RecordAndSample) != (b == sdktrace.RecordAndSample) {
				t.Fatalf("ratio %g id %v: ours %v, TraceIDRatioBased %v", ratio, p.TraceID, a, b)
			}
			if again := ours.ShouldSample(p).Decision; again != a {
				t.Fatalf("ratio %g id %v: %v then %v", ratio, p.TraceID, a, again)
			}
			if a == sdktrace.Drop {
				t.Fatalf("ratio %g: Drop; want RecordOnly", ratio)
			}
			if a == sdktrace.RecordAndSample {
				sampled++
			}
		}
		if got := float64(sampled) / 20000; got < ratio*0.8-0.001 || got > ratio*1.2+0.001 {
			t.Errorf("ratio %g: sampled %.4f of roots", ratio, got)
		}
	}
}

// Through a real SDK provider: head-dropped spans are recording, reach the
// processor unsampled, and children inherit the decision.
func TestHeadInProvider(t *testing.T) {
	var ended []sdktrace.ReadOnlySpan
	rec := recorder{onEnd: func(s sdktrace.ReadOnlySpan) { ended = append(ended, s) }}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(Head(0)), sdktrace.WithSpanProcessor(rec))
	tr := tp.Tracer("test")
	ctx, root := tr.Start(context.Background(), "root")
	_, child := tr.Start(ctx, "child")
	if !root.IsRecording() || root.SpanContext().IsSampled() {
		t.Fatalf("root recording %v sampled %v; want recording, unsampled", root.IsRecording(), root.SpanContext().IsSampled())
	}
	child.End()
	root.End()
	if len(ended) != 2 {
		t.Fatalf("processor saw %d spans, want 2", len(ended))
	}
	for _, s := range ended {
		if s.SpanContext().IsSampled() {
			t.Errorf("%s sampled", s.Name())
		}
	}
}

type recorder struct{ onEnd func(sdktrace.ReadOnlySpan) }

func (r recorder) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (r recorder) OnEnd(s sdktrace.ReadOnlySpan)                   { r.onEnd(s) }
func (r recorder) Shutdown(context.Context) error                  { return nil }
func (r recorder) ForceFlush(context.Context) error                { return nil }
