package sampling_test

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/codes"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/sampling"
)

// Head sampling at ratio 0 keeps no trace by itself; the tail stage still
// keeps the one that failed, whole.
func Example() {
	ctx := context.Background()
	store := cache.NewMemory()
	tail := sampling.NewTail(sampling.TailConfig{KeepErrors: true, SlowRoot: 2 * time.Second})
	tp := tracer.NewProvider(store, tracer.WithSampler(sampling.Head(0)), tracer.WithTail(tail.Process))
	tr := tp.Tracer("example")

	for _, fail := range []bool{false, true} {
		rctx, click := tr.Start(ctx, "click")
		_, fetch := tr.Start(rctx, "GET")
		if fail {
			fetch.SetStatus(codes.Error, "503")
		}
		fetch.End()
		click.End()
	}
	_ = tp.ForceFlush(ctx)
	traces, _ := store.Traces(ctx)
	st := tail.Stats()
	fmt.Println("stored traces:", len(traces))
	fmt.Println("kept for an error:", st.Kept[sampling.ReasonError], "spans; dropped fast:", st.Dropped[sampling.ReasonFast], "spans")
	// Output:
	// stored traces: 1
	// kept for an error: 2 spans; dropped fast: 2 spans
}
