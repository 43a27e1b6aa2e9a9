package tracer_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/span"
)

// sizesStore records the size of every Put; the first one waits for
// release, so that spans pile up in the processor's queue meanwhile.
type sizesStore struct {
	cache.Store
	release chan struct{}
	once    sync.Once
	mu      sync.Mutex
	sizes   []int
}

func (s *sizesStore) Put(ctx context.Context, spans []span.Span) error {
	s.once.Do(func() { <-s.release })
	s.mu.Lock()
	s.sizes = append(s.sizes, len(spans))
	s.mu.Unlock()
	return s.Store.Put(ctx, spans)
}

// TestStoreProcessorBatchesWhatQueued: spans ended while a write is in
// flight go to the store together, DefaultMaxPutBatch at most per write,
// and the lean engine's spans, converted by the writer, arrive whole.
func TestStoreProcessorBatchesWhatQueued(t *testing.T) {
	ctx := t.Context()
	mem := cache.NewMemory()
	store := &sizesStore{Store: mem, release: make(chan struct{})}
	tp := tracer.NewProvider(store)
	tr := tp.Tracer("t")
	_, first := tr.Start(ctx, "first")
	first.End()
	const n = 1200
	for i := range n {
		_, s := tr.Start(ctx, fmt.Sprintf("s%d", i), trace.WithAttributes(attribute.Int("i", i), attribute.String("k", "v")))
		s.SetAttributes(attribute.Int("i", -1), attribute.Bool("again", true)) // a duplicate key: the last value wins
		s.End()
	}
	close(store.release)
	if err := tp.ForceFlush(ctx); err != nil {
		t.Fatal(err)
	}
	store.mu.Lock()
	sizes := append([]int(nil), store.sizes...)
	store.mu.Unlock()
	total := 0
	for _, k := range sizes {
		if k > tracer.DefaultMaxPutBatch {
			t.Errorf("a Put of %d spans, want at most %d", k, tracer.DefaultMaxPutBatch)
		}
		total += k
	}
	if total != n+1 {
		t.Fatalf("Puts of %v spans = %d, want %d", sizes, total, n+1)
	}
	// Everything ended during the first write waits for one: the rest
	// goes in full batches, not span by span.
	if want := 1 + (n+tracer.DefaultMaxPutBatch-1)/tracer.DefaultMaxPutBatch; len(sizes) > want {
		t.Errorf("%d Puts %v for %d spans queued during the first, want at most %d", len(sizes), sizes, n, want)
	}
	recs, err := mem.Pending(ctx, n+10)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != n+1 {
		t.Fatalf("%d spans stored, want %d", len(recs), n+1)
	}
	for _, r := range recs {
		if r.Span.Name == "first" {
			continue
		}
		attrs := map[string]span.Value{}
		for _, kv := range r.Span.Attributes {
			if _, dup := attrs[kv.Key]; dup {
				t.Fatalf("span %s: attribute %q twice", r.Span.Name, kv.Key)
			}
			attrs[kv.Key] = kv.Value
		}
		if len(attrs) != 3 || attrs["i"].Int != -1 || attrs["k"].Str != "v" || !attrs["again"].Bool {
			t.Fatalf("span %s attributes = %+v, want i=-1, k=v, again=true", r.Span.Name, r.Span.Attributes)
		}
		if len(r.Span.TraceID) != 32 || len(r.Span.SpanID) != 16 || r.Span.Flags&1 == 0 || r.Span.EndTimeUnixNano < r.Span.StartTimeUnixNano {
			t.Fatalf("span %s: ids %q/%q, flags %x, %d..%d", r.Span.Name, r.Span.TraceID, r.Span.SpanID, r.Span.Flags, r.Span.StartTimeUnixNano, r.Span.EndTimeUnixNano)
		}
	}
	if err := tp.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
}
