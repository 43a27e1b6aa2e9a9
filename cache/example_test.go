package cache_test

import (
	"context"
	"fmt"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

// A tracer persists ended spans first, then an exporter sends the pending
// ones and marks them exported after a 2xx; the viewer lists the traces.
func ExampleMemory() {
	ctx := context.Background()
	store := cache.NewMemory()
	defer store.Close()

	res := &span.Resource{ID: "r1", Attributes: []span.KeyValue{span.String("service.name", "shop")}}
	err := store.Put(ctx, []span.Span{
		{
			TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", SpanID: "00f067aa0ba902b7",
			Name: "GET /cart", StartTimeUnixNano: 1000, EndTimeUnixNano: 5000, Resource: res,
		},
		{
			TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", SpanID: "00f067aa0ba902b8", ParentSpanID: "00f067aa0ba902b7",
			Name: "render", StartTimeUnixNano: 2000, EndTimeUnixNano: 3000, Resource: res,
			Status: span.Status{Code: span.StatusError, Message: "boom"},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	batch, err := store.Pending(ctx, 100)
	if err != nil {
		fmt.Println(err)
		return
	}
	seqs := make([]uint64, 0, len(batch))
	for _, r := range batch {
		seqs = append(seqs, r.Seq) // sent to the collector here
	}
	if err := store.MarkExported(ctx, seqs[:1]); err != nil {
		fmt.Println(err)
		return
	}

	sums, err := store.Traces(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range sums {
		fmt.Printf("%s %s: %d spans, %d errors, %d pending, %d exported\n", s.Service, s.RootName, s.Spans, s.Errors, s.Pending, s.Exported)
	}
	// Output:
	// shop GET /cart: 2 spans, 1 errors, 1 pending, 1 exported
}

// A store capped at 3 spans evicts exported spans first, then the oldest
// pending ones; the error trace stays.
func ExampleWithLimits() {
	ctx := context.Background()
	store := cache.NewMemory(cache.WithLimits(cache.Limits{MaxSpans: 3}))
	defer store.Close()

	put := func(trace, spanID, name string, failed bool) {
		s := span.Span{TraceID: trace, SpanID: spanID, Name: name, StartTimeUnixNano: 1, EndTimeUnixNano: 2}
		if failed {
			s.Status.Code = span.StatusError
		}
		if err := store.Put(ctx, []span.Span{s}); err != nil {
			fmt.Println(err)
		}
	}
	put("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "checkout failed", true)
	put("4bf92f3577b34da6a3ce929d0e0e4737", "00f067aa0ba902b8", "load", false)
	if recs, err := store.Pending(ctx, 2); err == nil {
		_ = store.MarkExported(ctx, []uint64{recs[1].Seq}) // "load" was sent
	}
	put("4bf92f3577b34da6a3ce929d0e0e4738", "00f067aa0ba902b9", "click", false)
	put("4bf92f3577b34da6a3ce929d0e0e4739", "00f067aa0ba902ba", "scroll", false)
	put("4bf92f3577b34da6a3ce929d0e0e473a", "00f067aa0ba902bb", "resize", false)

	recs, _ := store.Pending(ctx, 10)
	for _, r := range recs {
		fmt.Println(r.Span.Name)
	}
	st, _ := store.Stats(ctx)
	fmt.Printf("evicted %d: %d exported, %d pending\n", st.Evicted.Total(), st.Evicted.Exported, st.Evicted.Pending)
	// Output:
	// checkout failed
	// scroll
	// resize
	// evicted 2: 1 exported, 1 pending
}
