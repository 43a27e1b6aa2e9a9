//go:build js && wasm

package idb_test

import (
	"fmt"
	"testing"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

// batchOf returns n spans of trace tr, each with a few attributes.
func batchOf(tr, n int) []span.Span {
	out := make([]span.Span, n)
	for i := range out {
		s := testSpan(tr*100_000 + i + 1)
		s.TraceID = fmt.Sprintf("%032x", tr)
		s.Attributes = []span.KeyValue{span.String("http.route", "/cart/{id}"), span.Int("http.status_code", 200), span.Float("ratio", 0.5)}
		out[i] = s
	}
	return out
}

func BenchmarkPut100(b *testing.B) {
	s, err := openBench(b)
	if err != nil {
		b.Fatal(err)
	}
	batch := batchOf(1, 100)
	for b.Loop() {
		if err := s.Put(b.Context(), batch); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPut100AtCap puts into a full store: every Put evicts 100
// spans, walking the class index.
func BenchmarkPut100AtCap(b *testing.B) {
	s, err := openBench(b, cache.WithLimits(cache.Limits{MaxSpans: 2000}))
	if err != nil {
		b.Fatal(err)
	}
	for tr := range 20 {
		if err := s.Put(b.Context(), batchOf(tr+1, 100)); err != nil {
			b.Fatal(err)
		}
	}
	batch := batchOf(99, 100)
	for b.Loop() {
		if err := s.Put(b.Context(), batch); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPut100ErrorTrace puts spans of a trace that has an error span:
// each Put reads and updates its errorTraces entry and reclasses the new
// records.
func BenchmarkPut100ErrorTrace(b *testing.B) {
	s, err := openBench(b)
	if err != nil {
		b.Fatal(err)
	}
	failed := batchOf(1, 1)
	failed[0].Status.Code = span.StatusError
	if err := s.Put(b.Context(), failed); err != nil {
		b.Fatal(err)
	}
	batch := batchOf(1, 100)
	for b.Loop() {
		if err := s.Put(b.Context(), batch); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPending512Of5000(b *testing.B) {
	s, err := openBench(b)
	if err != nil {
		b.Fatal(err)
	}
	for tr := range 50 {
		if err := s.Put(b.Context(), batchOf(tr+1, 100)); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if _, err := s.Pending(b.Context(), 512); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTraces5000(b *testing.B) {
	s, err := openBench(b)
	if err != nil {
		b.Fatal(err)
	}
	for tr := range 50 {
		if err := s.Put(b.Context(), batchOf(tr+1, 100)); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if _, err := s.Traces(b.Context()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarkExported512 marks one flush batch exported.
func BenchmarkMarkExported512(b *testing.B) {
	ctx := b.Context()
	s, err := openBench(b)
	if err != nil {
		b.Fatal(err)
	}
	for tr := 0; b.Loop(); tr++ {
		b.StopTimer()
		batch := batchOf(tr+1, 512)
		if err := s.Put(ctx, batch); err != nil {
			b.Fatal(err)
		}
		recs, err := s.Pending(ctx, 512)
		if err != nil {
			b.Fatal(err)
		}
		seqs := cache.Seqs(recs)
		b.StartTimer()
		if err := s.MarkExported(ctx, seqs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTrace5000 reads one trace of 5,000 spans (the viewer opening
// a big trace): 0.64-1.8 s with a cursor, 0.16 s with one getAll, one
// JSON.stringify and cache.DecodeRecords (see docs/viewer-performance.md).
func BenchmarkTrace5000(b *testing.B) {
	s, err := openBench(b)
	if err != nil {
		b.Fatal(err)
	}
	spans := batchOf(7, 5000)
	for i := 0; i < len(spans); i += 500 {
		if err := s.Put(b.Context(), spans[i:i+500]); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		recs, err := s.Trace(b.Context(), spans[0].TraceID)
		if err != nil || len(recs) != 5000 {
			b.Fatalf("Trace = %d records, %v", len(recs), err)
		}
	}
}
