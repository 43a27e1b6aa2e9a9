package tracer

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/spanfall/spanfall/tracer/engine"
	"github.com/spanfall/spanfall/tracer/internal/benchutil"
)

// convertDrop is what the store processor did per span before the lean
// engine: convert the SDK span to span.Span; here it then drops it.
type convertDrop struct{ conv *converter }

func (c convertDrop) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (c convertDrop) OnEnd(s sdktrace.ReadOnlySpan)                   { _ = c.conv.Convert(s) }
func (convertDrop) Shutdown(context.Context) error                    { return nil }
func (convertDrop) ForceFlush(context.Context) error                  { return nil }

// BenchmarkEngineVsSDK alternates chunks of 10,000 spans (start, 5
// attributes, end, converted to span.Span and dropped) through the lean
// engine, the stock SDK as NewProvider configured it before the engine,
// and the API's no-op tracer (the floor: only the options and attributes
// the call builds), and reports each one's median ns per span.
func BenchmarkEngineVsSDK(b *testing.B) {
	ctx := b.Context()
	res := NewResource()
	lean := engine.New(func(e engine.Ended) { _ = e.Span() }, engine.WithResource(ConvertResource(res)))
	sdk := sdktrace.NewTracerProvider(sdktrace.WithResource(res), sdktrace.WithIDGenerator(newRandIDs()),
		sdktrace.WithSpanProcessor(convertDrop{newConverter()}))
	run := func(t trace.Tracer) func(int) {
		return func(n int) {
			for i := range n {
				_, s := t.Start(ctx, "bench", trace.WithAttributes(
					attribute.String("a", "x"), attribute.String("b", "y"),
					attribute.Int("i", i), attribute.Int("j", 2), attribute.Bool("ok", true)))
				s.End()
			}
		}
	}
	benchutil.Interleave(b, 10_000, []string{"engine", "sdk", "noop"}, []func(int){
		run(lean.Tracer("bench")), run(sdk.Tracer("bench")), run(noop.NewTracerProvider().Tracer("bench")),
	})
}
