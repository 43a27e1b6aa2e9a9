package tracer_test

import (
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer"
)

// BenchmarkSpan is the cost of one span (start, 5 attributes, end) through
// the store processor into the memory store, persisted included, with the
// lean engine (the default) and with the stock SDK.
func BenchmarkSpan(b *testing.B) {
	for _, bc := range []struct {
		name string
		opts []tracer.Option
	}{
		{"engine", nil},
		{"sdk", []tracer.Option{tracer.WithStockSDK()}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			store := cache.NewMemory(cache.WithLimits(cache.Limits{MaxSpans: -1, MaxBytes: -1}))
			tp := tracer.NewProvider(store, bc.opts...)
			t := tp.Tracer("bench")
			ctx := b.Context()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				_, s := t.Start(ctx, "bench", trace.WithAttributes(
					attribute.String("a", "x"), attribute.String("b", "y"),
					attribute.Int("i", i), attribute.Int("j", 2), attribute.Bool("ok", true)))
				s.End()
				i++
			}
			if err := tp.ForceFlush(ctx); err != nil {
				b.Fatal(err)
			}
		})
	}
}
