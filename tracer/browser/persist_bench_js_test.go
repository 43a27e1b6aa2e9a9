//go:build js && wasm

package browser_test

import (
	"fmt"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/cache/idb"
	"github.com/spanfall/spanfall/tracer"
)

// BenchmarkPersistIDB is figure 1's real pipeline without the app: spans
// (start, 5 attributes, end) through the provider into IndexedDB, flushed
// every 4,096 spans, no export. Profile it with -cpuprofile to see where
// persisting goes (docs/benchmarks.md).
func BenchmarkPersistIDB(b *testing.B) {
	ctx := b.Context()
	store, err := idb.Open(ctx, fmt.Sprintf("spanfall-bench-%d", time.Now().UnixNano()),
		cache.WithLimits(cache.Limits{MaxSpans: -1, MaxBytes: -1, MaxAge: -1}))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	tp := tracer.NewProvider(store)
	t := tp.Tracer("bench")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_, s := t.Start(ctx, "bench", trace.WithAttributes(
			attribute.String("a", "x"), attribute.String("b", "y"),
			attribute.Int("i", i), attribute.Int("j", 2), attribute.Bool("ok", true)))
		s.End()
		i++
		if i%4096 == 0 {
			if err := tp.ForceFlush(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tp.ForceFlush(ctx); err != nil {
		b.Fatal(err)
	}
}
