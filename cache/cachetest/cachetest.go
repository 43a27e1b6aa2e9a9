// Package cachetest is the conformance suite every [cache.Store] passes:
// the memory store on the host and the IndexedDB store in a browser run the
// same tests, so the two cannot drift apart.
package cachetest

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

// NewStore returns a new, empty store configured by opts. It may register
// cleanups on t (they run after the store is closed).
type NewStore func(t *testing.T, opts ...cache.Option) cache.Store

// Run runs the conformance suite as subtests of t: the basic contract with
// default options, then the eviction policy under "Eviction" with the caps
// and clock of each case. Run closes every store it gets.
func Run(t *testing.T, newStore NewStore) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, s cache.Store)
	}{
		{"Kind", testKind},
		{"Empty", testEmpty},
		{"PutPendingOrderAndLimit", testPutPending},
		{"PutEmptyBatch", testPutEmpty},
		{"PutCancelledStoresNothing", testPutCancelled},
		{"PutInvalidStoresNothing", testPutInvalid},
		{"MarkExported", testMarkExported},
		{"TraceRoundTrip", testTraceRoundTrip},
		{"TraceHead", testTraceHead},
		{"TraceAfter", testTraceAfter},
		{"ResourceWithoutID", testResourceWithoutID},
		{"Traces", testTraces},
		{"Stats", testStats},
		{"SeqIncreasing", testSeqIncreasing},
		{"CancelledContext", testCancelledContext},
		{"Closed", testClosed},
		{"ConcurrentSafePuts", testConcurrentPuts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run(t, open(t, newStore))
		})
	}
	t.Run("Eviction", func(t *testing.T) { runEviction(t, newStore) })
}

// open returns a store of newStore that is closed after the test.
func open(t *testing.T, newStore NewStore, opts ...cache.Option) cache.Store {
	t.Helper()
	s := newStore(t, opts...)
	t.Cleanup(func() {
		if err := s.Close(); err != nil && !errors.Is(err, cache.ErrClosed) {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func testKind(t *testing.T, s cache.Store) {
	if s.Kind() == "" {
		t.Error("Kind() is empty")
	}
}

func testEmpty(t *testing.T, s cache.Store) {
	ctx := t.Context()
	if recs := pending(t, s, 10); len(recs) != 0 {
		t.Errorf("Pending = %d records, want 0", len(recs))
	}
	if sums := traces(t, s); len(sums) != 0 {
		t.Errorf("Traces = %d summaries, want 0", len(sums))
	}
	recs, err := s.Trace(ctx, traceID(1))
	if err != nil || len(recs) != 0 {
		t.Errorf("Trace = %d records, %v; want none, nil", len(recs), err)
	}
	if st := stats(t, s); st != (cache.Stats{}) {
		t.Errorf("Stats = %+v, want zero", st)
	}
}

func testPutPending(t *testing.T, s cache.Store) {
	put(t, s, plain(1, 1, 0, "a", 50, 1), plain(1, 2, 1, "b", 10, 1), plain(2, 3, 0, "c", 0, 1))
	put(t, s, plain(3, 4, 0, "d", 5, 1), plain(1, 5, 1, "e", 1, 1))

	recs := pending(t, s, 10)
	if got := names(recs); !reflect.DeepEqual(got, []string{"a", "b", "c", "d", "e"}) {
		t.Errorf("Pending(10) names = %v, want Put order a..e", got)
	}
	for i, r := range recs {
		if r.Exported {
			t.Errorf("Pending record %d is Exported", i)
		}
		if i > 0 && r.Seq <= recs[i-1].Seq {
			t.Errorf("Pending Seqs not increasing: %d after %d", r.Seq, recs[i-1].Seq)
		}
	}
	if got := names(pending(t, s, 2)); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("Pending(2) names = %v, want [a b]", got)
	}
	for _, limit := range []int{0, -1} {
		if got := pending(t, s, limit); len(got) != 0 {
			t.Errorf("Pending(%d) = %d records, want 0", limit, len(got))
		}
	}
}

func testPutEmpty(t *testing.T, s cache.Store) {
	if err := s.Put(t.Context(), nil); err != nil {
		t.Fatalf("Put(nil): %v", err)
	}
	if st := stats(t, s); st != (cache.Stats{}) {
		t.Errorf("Stats = %+v, want zero", st)
	}
}

func testPutCancelled(t *testing.T, s cache.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := s.Put(ctx, []span.Span{plain(1, 1, 0, "a", 0, 1), plain(1, 2, 1, "b", 0, 1)})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Put with cancelled ctx = %v, want context.Canceled", err)
	}
	if st := stats(t, s); st != (cache.Stats{}) {
		t.Errorf("Stats after cancelled Put = %+v, want zero", st)
	}
}

func testPutInvalid(t *testing.T, s cache.Store) {
	badID := plain(1, 3, 0, "bad id", 0, 1)
	badID.SpanID = "not-hex"
	badParent := plain(1, 4, 0, "bad parent", 0, 1)
	badParent.ParentSpanID = "0000000000000000"
	nan := plain(1, 5, 0, "nan", 0, 1)
	nan.Events = []span.Event{{Name: "e", Attributes: []span.KeyValue{span.Float("x", math.NaN())}}}
	inf := plain(1, 6, 0, "inf", 0, 1)
	inf.Resource.Attributes = append(inf.Resource.Attributes, span.Float("y", math.Inf(1)))
	zeroTrace := plain(1, 7, 0, "zero trace", 0, 1)
	zeroTrace.TraceID = traceID(0)

	for _, bad := range []span.Span{badID, badParent, nan, inf, zeroTrace} {
		err := s.Put(t.Context(), []span.Span{plain(1, 1, 0, "ok", 0, 1), bad, plain(1, 2, 1, "ok too", 0, 1)})
		if !errors.Is(err, cache.ErrInvalidSpan) {
			t.Errorf("Put with span %q = %v, want cache.ErrInvalidSpan", bad.Name, err)
		}
	}
	if st := stats(t, s); st != (cache.Stats{}) {
		t.Errorf("Stats after invalid Puts = %+v, want zero", st)
	}
}

func testMarkExported(t *testing.T, s cache.Store) {
	put(t, s, plain(1, 1, 0, "a", 0, 1), plain(1, 2, 1, "b", 1, 1), plain(1, 3, 1, "c", 2, 1), plain(1, 4, 1, "d", 3, 1))
	recs := pending(t, s, 10)
	if len(recs) != 4 {
		t.Fatalf("Pending = %d records, want 4", len(recs))
	}
	unknown := recs[3].Seq + 1<<40
	mark(t, s, recs[1].Seq, recs[3].Seq, unknown)
	if got := names(pending(t, s, 10)); !reflect.DeepEqual(got, []string{"a", "c"}) {
		t.Errorf("Pending after MarkExported = %v, want [a c]", got)
	}
	want := cache.Stats{Spans: 4, Pending: 2, Exported: 2, Traces: 1}
	if st := counts(stats(t, s)); st != want {
		t.Errorf("Stats = %+v, want %+v", st, want)
	}
	// Marking again, or nothing, changes nothing.
	mark(t, s, recs[1].Seq)
	mark(t, s)
	if st := counts(stats(t, s)); st != want {
		t.Errorf("Stats after marking again = %+v, want %+v", st, want)
	}
	got, err := s.Trace(t.Context(), traceID(1))
	if err != nil {
		t.Fatalf("Trace: %v", err)
	}
	for _, r := range got {
		wantExported := r.Span.Name == "b" || r.Span.Name == "d"
		if r.Exported != wantExported {
			t.Errorf("Trace record %q Exported = %v, want %v", r.Span.Name, r.Exported, wantExported)
		}
	}
	mark(t, s, recs[0].Seq, recs[2].Seq)
	if got := pending(t, s, 10); len(got) != 0 {
		t.Errorf("Pending after marking all = %v, want none", names(got))
	}
}

func testTraceRoundTrip(t *testing.T, s cache.Store) {
	root := rich()
	child := plain(7, 71, 70, "child", 500, 10)
	child.Resource = workerResource()
	child.Kind = span.KindServer
	child.Attributes = []span.KeyValue{span.Int("n", 1)}
	noResource := plain(7, 72, 71, "no resource", 300, 10)
	noResource.Resource = nil
	noResource.Scope = span.Scope{}
	sameStart := plain(7, 73, 71, "same start as child", 500, 10)
	other := plain(8, 81, 0, "other trace", 0, 1)

	// Out of start order, and across two Puts.
	put(t, s, child, other, root)
	put(t, s, sameStart, noResource)

	got, err := s.Trace(t.Context(), traceID(7))
	if err != nil {
		t.Fatalf("Trace: %v", err)
	}
	want := []span.Span{root, noResource, child, sameStart}
	if len(got) != len(want) {
		t.Fatalf("Trace = %v, want %d records", names(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i].Span, want[i]) {
			t.Errorf("Trace record %d:\n got %s\nwant %s", i, dump(got[i].Span), dump(want[i]))
		}
		if got[i].Seq == 0 || got[i].Exported {
			t.Errorf("Trace record %d: Seq %d Exported %v, want Seq > 0 and pending", i, got[i].Seq, got[i].Exported)
		}
	}
	if got[2].Seq >= got[3].Seq {
		t.Errorf("spans with equal start not ordered by Seq: %d, %d", got[2].Seq, got[3].Seq)
	}

	// Pending restores the same values.
	byName := make(map[string]span.Span)
	for _, w := range append(want, other) {
		byName[w.Name] = w
	}
	for _, r := range pending(t, s, 10) {
		if w := byName[r.Span.Name]; !reflect.DeepEqual(r.Span, w) {
			t.Errorf("Pending record %q:\n got %s\nwant %s", r.Span.Name, dump(r.Span), dump(w))
		}
	}

	// Returned values are copies: changing them changes nothing stored.
	got[0].Span.Attributes[0].Value.Str = "changed"
	got[0].Span.Resource.Attributes[0].Value.Str = "changed"
	again, err := s.Trace(t.Context(), traceID(7))
	if err != nil {
		t.Fatalf("Trace: %v", err)
	}
	if !reflect.DeepEqual(again[0].Span, root) {
		t.Errorf("stored span changed through a returned record:\n got %s\nwant %s", dump(again[0].Span), dump(root))
	}
}

// testTraceHead checks TraceHead, for stores that have it, against Trace:
// its first n records, whatever n, for spans stored out of order across
// Puts, with equal starts, and beside another trace.
func testTraceHead(t *testing.T, s cache.Store) {
	h, ok := s.(cache.TraceHeader)
	if !ok {
		t.Skipf("%s store has no TraceHead", s.Kind())
	}
	var batch []span.Span
	for i := range 40 {
		// Starts 0, 10, …, 190 twice over, in a shuffled order.
		k := (i * 7) % 40
		parent := 0
		if k > 0 {
			parent = 100 + k/2
		}
		batch = append(batch, plain(9, 100+k, parent, fmt.Sprint("s", k), uint64(k%20)*10, 5))
	}
	put(t, s, batch[:25]...)
	put(t, s, plain(10, 200, 0, "other trace", 0, 1))
	put(t, s, batch[25:]...)
	all, err := s.Trace(t.Context(), traceID(9))
	if err != nil || len(all) != 40 {
		t.Fatalf("Trace = %d records, %v", len(all), err)
	}
	for _, n := range []int{-1, 0, 1, 7, 20, 39, 40, 41, 1000} {
		got, err := h.TraceHead(t.Context(), traceID(9), n)
		if err != nil {
			t.Fatalf("TraceHead(%d): %v", n, err)
		}
		want := all[:max(0, min(n, len(all)))]
		if len(got) != len(want) {
			t.Fatalf("TraceHead(%d) = %d records, want %d", n, len(got), len(want))
		}
		for i := range want {
			if got[i].Seq != want[i].Seq || !reflect.DeepEqual(got[i].Span, want[i].Span) {
				t.Errorf("TraceHead(%d) record %d = %s (seq %d), want %s (seq %d)", n, i, dump(got[i].Span), got[i].Seq, dump(want[i].Span), want[i].Seq)
			}
		}
	}
	if got, err := h.TraceHead(t.Context(), traceID(11), 5); err != nil || len(got) != 0 {
		t.Errorf("TraceHead of an unknown trace = %d records, %v; want none", len(got), err)
	}
}

// testTraceAfter checks TraceAfter, for stores that have it: the records
// of the trace above a Seq, in Seq order, across Puts and beside another
// trace, without the evicted ones.
func testTraceAfter(t *testing.T, s cache.Store) {
	tl, ok := s.(cache.TraceTailer)
	if !ok {
		t.Skipf("%s store has no TraceAfter", s.Kind())
	}
	put(t, s, plain(9, 1, 0, "a", 50, 1), plain(9, 2, 1, "b", 10, 1))
	put(t, s, plain(10, 3, 0, "other trace", 0, 1))
	put(t, s, plain(9, 4, 1, "c", 0, 1), plain(9, 5, 1, "d", 70, 1))
	all, err := s.Trace(t.Context(), traceID(9))
	if err != nil || len(all) != 4 {
		t.Fatalf("Trace = %d records, %v", len(all), err)
	}
	bySeq := slices.Clone(all)
	slices.SortFunc(bySeq, func(a, b cache.Record) int { return cmp.Compare(a.Seq, b.Seq) })
	for i := range len(bySeq) + 1 {
		after := uint64(0)
		if i > 0 {
			after = bySeq[i-1].Seq
		}
		got, err := tl.TraceAfter(t.Context(), traceID(9), after)
		if err != nil {
			t.Fatalf("TraceAfter(%d): %v", after, err)
		}
		if want := bySeq[i:]; len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
			t.Errorf("TraceAfter(%d) = %v, want %v", after, names(got), names(want))
		}
	}
	if got, err := tl.TraceAfter(t.Context(), traceID(11), 0); err != nil || len(got) != 0 {
		t.Errorf("TraceAfter of an unknown trace = %d records, %v; want none", len(got), err)
	}
}

func testResourceWithoutID(t *testing.T, s cache.Store) {
	a := plain(1, 1, 0, "a", 0, 1)
	a.Resource = &span.Resource{Attributes: []span.KeyValue{span.String("service.name", "anon")}}
	b := plain(1, 2, 1, "b", 1, 1)
	b.Resource = &span.Resource{Attributes: []span.KeyValue{span.String("service.name", "anon")}}
	put(t, s, a, b)
	got, err := s.Trace(t.Context(), traceID(1))
	if err != nil {
		t.Fatalf("Trace: %v", err)
	}
	if len(got) != 2 {
		t.Fatalf("Trace = %d records, want 2", len(got))
	}
	wantID := cache.ResourceID(a.Resource)
	for _, r := range got {
		if r.Span.Resource == nil || r.Span.Resource.ID != wantID ||
			!reflect.DeepEqual(r.Span.Resource.Attributes, a.Resource.Attributes) {
			t.Errorf("record %q Resource = %+v, want ID %q and the attributes", r.Span.Name, r.Span.Resource, wantID)
		}
	}
}

func testTraces(t *testing.T, s cache.Store) {
	// Trace 1: root, an error child, a child in another service.
	t1root := plain(1, 10, 0, "checkout", 100, 50)
	t1err := plain(1, 11, 10, "pay", 110, 60)
	t1err.Status = span.Status{Code: span.StatusError, Message: "declined"}
	t1worker := plain(1, 12, 10, "sync", 120, 5)
	t1worker.Resource = workerResource()
	// Trace 2: root not stored; the earliest span stands in.
	t2late := plain(2, 21, 20, "late", 300, 10)
	t2early := plain(2, 22, 20, "early", 200, 10)
	t2early.Resource = nil
	t2early.Status.Code = span.StatusError
	// Trace 3: a lone worker root, exported.
	t3 := plain(3, 30, 0, "job", 400, 1)
	t3.Resource = workerResource()

	put(t, s, t1root, t1err, t2late)
	put(t, s, t1worker, t2early, t3)
	recs := pending(t, s, 10)
	var exportSeqs []uint64
	for _, r := range recs {
		if r.Span.Name == "job" || r.Span.Name == "pay" {
			exportSeqs = append(exportSeqs, r.Seq)
		}
	}
	mark(t, s, exportSeqs...)

	want := []cache.TraceSummary{
		{TraceID: traceID(3), RootName: "job", Service: "shop-worker", Start: base + 400, End: base + 401, Spans: 1, Exported: 1},
		{TraceID: traceID(2), RootName: "early", RootMissing: true, Service: "shop", Start: base + 200, End: base + 310, Spans: 2, Errors: 1, Pending: 2},
		{TraceID: traceID(1), RootName: "checkout", Service: "shop", Start: base + 100, End: base + 170, Spans: 3, Errors: 1, Pending: 2, Exported: 1},
	}
	if got := traces(t, s); !reflect.DeepEqual(got, want) {
		t.Errorf("Traces:\n got %+v\nwant %+v", got, want)
	}
}

func testStats(t *testing.T, s cache.Store) {
	put(t, s, plain(1, 1, 0, "a", 0, 1), plain(2, 2, 0, "b", 0, 1), plain(2, 3, 2, "c", 0, 1))
	put(t, s, plain(3, 4, 0, "d", 0, 1))
	recs := pending(t, s, 1)
	mark(t, s, recs[0].Seq)
	want := cache.Stats{Spans: 4, Pending: 3, Exported: 1, Traces: 3}
	st := stats(t, s)
	if got := counts(st); got != want {
		t.Errorf("Stats = %+v, want %+v", got, want)
	}
	if st.Bytes <= 0 {
		t.Errorf("Stats.Bytes = %d for 4 spans, want > 0", st.Bytes)
	}
}

// counts returns st without Bytes, which depends on the clock.
func counts(st cache.Stats) cache.Stats {
	st.Bytes = 0
	return st
}

func testSeqIncreasing(t *testing.T, s cache.Store) {
	var last uint64
	for round := 1; round <= 3; round++ {
		for i := range 3 {
			id := round*10 + i
			put(t, s, plain(round, id, 0, fmt.Sprint(id), 0, 1), plain(round, id+100, id, "child", 0, 1))
		}
		recs := pending(t, s, 100)
		if len(recs) != 6 {
			t.Fatalf("round %d: Pending = %d records, want 6", round, len(recs))
		}
		seqs := make([]uint64, len(recs))
		for i, r := range recs {
			if r.Seq <= last {
				t.Fatalf("round %d: Seq %d not above %d", round, r.Seq, last)
			}
			last = r.Seq
			seqs[i] = r.Seq
		}
		// Exported records keep their Seqs; new Puts go above them.
		mark(t, s, seqs...)
	}
}

func testCancelledContext(t *testing.T, s cache.Store) {
	put(t, s, plain(1, 1, 0, "a", 0, 1))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	errs := map[string]error{}
	_, errs["Pending"] = s.Pending(ctx, 10)
	errs["MarkExported"] = s.MarkExported(ctx, []uint64{1})
	_, errs["Traces"] = s.Traces(ctx)
	_, errs["Trace"] = s.Trace(ctx, traceID(1))
	_, errs["Stats"] = s.Stats(ctx)
	for name, err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with cancelled ctx = %v, want context.Canceled", name, err)
		}
	}
	if got := pending(t, s, 10); len(got) != 1 {
		t.Errorf("Pending after cancelled MarkExported = %d records, want 1", len(got))
	}
}

func testClosed(t *testing.T, s cache.Store) {
	put(t, s, plain(1, 1, 0, "a", 0, 1))
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	ctx := t.Context()
	errs := map[string]error{}
	errs["Put"] = s.Put(ctx, []span.Span{plain(1, 2, 0, "b", 0, 1)})
	_, errs["Pending"] = s.Pending(ctx, 10)
	errs["MarkExported"] = s.MarkExported(ctx, []uint64{1})
	_, errs["Traces"] = s.Traces(ctx)
	_, errs["Trace"] = s.Trace(ctx, traceID(1))
	_, errs["Stats"] = s.Stats(ctx)
	errs["Close"] = s.Close()
	for name, err := range errs {
		if !errors.Is(err, cache.ErrClosed) {
			t.Errorf("%s after Close = %v, want cache.ErrClosed", name, err)
		}
	}
	if s.Kind() == "" {
		t.Error("Kind() after Close is empty")
	}
}

// testConcurrentPuts puts from several goroutines while others read and
// mark exported, then checks nothing was lost or stored twice.
func testConcurrentPuts(t *testing.T, s cache.Store) {
	const writers, puts, perPut = 6, 10, 5
	ctx := t.Context()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for p := range puts {
				batch := make([]span.Span, perPut)
				for i := range batch {
					id := 1 + (w*puts+p)*perPut + i
					batch[i] = plain(1+w, id, 0, fmt.Sprint(id), uint64(id), 1)
				}
				if err := s.Put(ctx, batch); err != nil {
					t.Errorf("writer %d Put %d: %v", w, p, err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for range puts {
			recs, err := s.Pending(ctx, 7)
			if err != nil {
				t.Errorf("Pending: %v", err)
				return
			}
			seqs := cache.Seqs(recs)
			if err := s.MarkExported(ctx, seqs); err != nil {
				t.Errorf("MarkExported: %v", err)
				return
			}
			if _, err := s.Stats(ctx); err != nil {
				t.Errorf("Stats: %v", err)
				return
			}
			if _, err := s.Traces(ctx); err != nil {
				t.Errorf("Traces: %v", err)
				return
			}
		}
	})
	wg.Wait()
	if t.Failed() {
		return
	}

	const total = writers * puts * perPut
	st := stats(t, s)
	if st.Spans != total || st.Pending+st.Exported != total || st.Traces != writers {
		t.Errorf("Stats = %+v, want %d spans in %d traces", st, total, writers)
	}
	seqs := make(map[uint64]bool)
	spanIDs := make(map[string]bool)
	for w := range writers {
		recs, err := s.Trace(ctx, traceID(1+w))
		if err != nil {
			t.Fatalf("Trace: %v", err)
		}
		for _, r := range recs {
			if seqs[r.Seq] || spanIDs[r.Span.SpanID] {
				t.Errorf("record Seq %d span %s returned twice", r.Seq, r.Span.SpanID)
			}
			seqs[r.Seq], spanIDs[r.Span.SpanID] = true, true
		}
	}
	if len(spanIDs) != total {
		t.Errorf("Trace returned %d distinct spans, want %d", len(spanIDs), total)
	}
}

func put(t *testing.T, s cache.Store, spans ...span.Span) {
	t.Helper()
	if err := s.Put(t.Context(), spans); err != nil {
		t.Fatalf("Put %d spans: %v", len(spans), err)
	}
}

func mark(t *testing.T, s cache.Store, seqs ...uint64) {
	t.Helper()
	if err := s.MarkExported(t.Context(), seqs); err != nil {
		t.Fatalf("MarkExported %v: %v", seqs, err)
	}
}

func pending(t *testing.T, s cache.Store, limit int) []cache.Record {
	t.Helper()
	recs, err := s.Pending(t.Context(), limit)
	if err != nil {
		t.Fatalf("Pending(%d): %v", limit, err)
	}
	return recs
}

func traces(t *testing.T, s cache.Store) []cache.TraceSummary {
	t.Helper()
	sums, err := s.Traces(t.Context())
	if err != nil {
		t.Fatalf("Traces: %v", err)
	}
	return sums
}

func stats(t *testing.T, s cache.Store) cache.Stats {
	t.Helper()
	st, err := s.Stats(t.Context())
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	return st
}

func names(recs []cache.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.Span.Name
	}
	return out
}

// dump renders a span with its Resource and Scope for failure messages.
func dump(s span.Span) string {
	b, err := json.Marshal(struct {
		Span     span.Span
		Resource *span.Resource
		ResID    string
		Scope    span.Scope
	}{s, s.Resource, cache.ResourceID(s.Resource), s.Scope})
	if err != nil {
		return fmt.Sprintf("%+v", s)
	}
	return string(b)
}
