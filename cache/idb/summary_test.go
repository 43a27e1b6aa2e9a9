//go:build js && wasm

package idb_test

import (
	"context"
	"fmt"
	"reflect"
	"syscall/js"
	"testing"

	goidb "github.com/hack-pad/go-indexeddb/idb"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/cache/idb"
	"github.com/spanfall/spanfall/tracer/span"
)

// allRecords reads every record of the traces s lists.
func allRecords(t *testing.T, s cache.Store) []cache.Record {
	t.Helper()
	sums, err := s.Traces(t.Context())
	if err != nil {
		t.Fatalf("Traces: %v", err)
	}
	var out []cache.Record
	for _, sum := range sums {
		recs, err := s.Trace(t.Context(), sum.TraceID)
		if err != nil {
			t.Fatalf("Trace: %v", err)
		}
		out = append(out, recs...)
	}
	return out
}

// checkSummaries checks Traces against Summarize of want.
func checkSummaries(t *testing.T, s cache.Store, want []cache.Record, what string) {
	t.Helper()
	got, err := s.Traces(t.Context())
	if err != nil {
		t.Fatalf("%s: Traces: %v", what, err)
	}
	if w := cache.Summarize(want); !reflect.DeepEqual(got, w) {
		t.Errorf("%s: Traces\n got %+v\nwant %+v", what, got, w)
	}
}

// TestUpgradeFromSchema3 opens a database written by schema version 3:
// Open summarises its traces once (the trace list then reads the
// summaries), and the summaries follow the Puts after it.
func TestUpgradeFromSchema3(t *testing.T) {
	ctx := t.Context()
	name := fmt.Sprintf("spanfall-test/%s/%d", t.Name(), dbCount.Add(1))
	t.Cleanup(func() {
		if err := idb.Delete(context.Background(), name); err != nil {
			t.Errorf("Delete: %v", err)
		}
	})
	var old []cache.Record
	for _, n := range []int{4, 2, 9, 1, 7} {
		s := spanOf(5, n, n == 7)
		s.StartTimeUnixNano = uint64(1_700_000_000_000_000_000 + n*1000)
		old = append(old, cache.Record{Span: s, Exported: n%2 == 0})
	}
	old = append(old, cache.Record{Span: spanOf(6, 3, false)})
	writeSchema(t, name, 3, old)

	s, err := idb.Open(ctx, name)
	if err != nil {
		t.Fatalf("Open a schema 3 database: %v", err)
	}
	defer s.Close()
	recs := allRecords(t, s)
	if len(recs) != len(old) {
		t.Fatalf("%d records after the upgrade, want %d", len(recs), len(old))
	}
	got, err := s.Traces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := cache.Summarize(recs); !reflect.DeepEqual(got, want) || len(got) != 2 || got[0].Pending != 3 || got[0].Errors != 1 {
		t.Errorf("Traces after the upgrade\n got %+v\nwant %+v (trace 5: 3 pending, 1 error)", got, want)
	}
	// The stored records are in the "traceSeq" index too.
	if tail, err := s.TraceAfter(ctx, old[0].Span.TraceID, 0); err != nil || len(tail) != 5 || tail[0].Span.Name != "t5/4" {
		t.Errorf("TraceAfter(0) after the upgrade = %d records, %v; want 5 from t5/4", len(tail), err)
	}
	if err := s.Put(ctx, []span.Span{spanOf(5, 10, true), spanOf(7, 1, false)}); err != nil {
		t.Fatal(err)
	}
	checkSummaries(t, s, allRecords(t, s), "after a Put")
	// A second connection (another tab) finds the summaries there.
	s2, err := idb.Open(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	checkSummaries(t, s2, allRecords(t, s), "from another connection")
}

// TestSummariesFollowOtherWriters changes the spans store as the service
// worker does (marks a record exported by rewriting it) and as another
// writer could (deletes a record) without touching the summaries: Traces
// still counts right.
func TestSummariesFollowOtherWriters(t *testing.T) {
	ctx := t.Context()
	s, name := openFresh(t)
	if err := s.Put(ctx, []span.Span{spanOf(1, 1, false), spanOf(1, 2, true), spanOf(1, 3, false), spanOf(2, 1, false)}); err != nil {
		t.Fatal(err)
	}
	checkSummaries(t, s, allRecords(t, s), "after a Put")

	req, err := goidb.Global().Open(ctx, name, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	db, err := req.Await(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rewrite := func(seq uint64, change func(store *goidb.ObjectStore, v js.Value) error) {
		t.Helper()
		txn, err := db.Transaction(goidb.TransactionReadWrite, "spans")
		if err != nil {
			t.Fatal(err)
		}
		store, _ := txn.ObjectStore("spans")
		greq, err := store.Get(js.ValueOf(seq))
		if err != nil {
			t.Fatal(err)
		}
		v, err := greq.Await(ctx)
		if err != nil || v.IsUndefined() {
			t.Fatalf("get %d: %v, %v", seq, v, err)
		}
		if err := change(store, v); err != nil {
			t.Fatal(err)
		}
		if err := txn.Await(ctx); err != nil {
			t.Fatal(err)
		}
	}
	recs := allRecords(t, s)
	byName := map[string]cache.Record{}
	for _, r := range recs {
		byName[r.Span.Name] = r
	}
	// The worker's mark: exported 1, the exported class.
	rewrite(byName["t1/1"].Seq, func(store *goidb.ObjectStore, v js.Value) error {
		v.Set("exported", 1)
		v.Set("class", int(cache.ClassOf(true, true)))
		_, err := store.Put(v)
		return err
	})
	checkSummaries(t, s, allRecords(t, s), "after the worker's mark")
	if sums, _ := s.Traces(ctx); len(sums) != 2 || sums[0].Exported+sums[1].Exported != 1 {
		t.Errorf("one span exported by the worker, Traces %+v", sums)
	}
	// The error span deleted behind the store's back.
	rewrite(byName["t1/2"].Seq, func(store *goidb.ObjectStore, _ js.Value) error {
		_, err := store.Delete(js.ValueOf(byName["t1/2"].Seq))
		return err
	})
	left := allRecords(t, s)
	if len(left) != 3 {
		t.Fatalf("%d records left, want 3", len(left))
	}
	checkSummaries(t, s, left, "after a delete")
	// And the last span of trace 2.
	rewrite(byName["t2/1"].Seq, func(store *goidb.ObjectStore, _ js.Value) error {
		_, err := store.Delete(js.ValueOf(byName["t2/1"].Seq))
		return err
	})
	checkSummaries(t, s, allRecords(t, s), "after trace 2's last span went")
	if sums, _ := s.Traces(ctx); len(sums) != 1 {
		t.Errorf("a trace with no span left is still listed: %+v", sums)
	}
}
