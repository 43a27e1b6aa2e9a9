//go:build js && wasm

package idb_test

import (
	"context"
	"fmt"
	"reflect"
	"syscall/js"
	"testing"
	"time"

	goidb "github.com/hack-pad/go-indexeddb/idb"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/cache/idb"
	"github.com/spanfall/spanfall/tracer/span"
)

// TestUpgradeFromSchema2 opens a database written by schema version 2:
// Open adds the traceStart index over the stored records, whose shape does
// not change, so TraceHead reads them in start order at once, and the
// store keeps working.
func TestUpgradeFromSchema2(t *testing.T) {
	ctx := t.Context()
	name := fmt.Sprintf("spanfall-test/%s/%d", t.Name(), dbCount.Add(1))
	t.Cleanup(func() {
		if err := idb.Delete(context.Background(), name); err != nil {
			t.Errorf("Delete: %v", err)
		}
	})
	// Trace 5 stored out of start order, and another trace.
	var old []cache.Record
	for _, n := range []int{4, 2, 9, 1, 7} {
		s := spanOf(5, n, n == 7)
		s.StartTimeUnixNano = uint64(1_700_000_000_000_000_000 + n*1000)
		old = append(old, cache.Record{Span: s, Exported: n%2 == 0})
	}
	old = append(old, cache.Record{Span: spanOf(6, 3, false)})
	writeSchema2(t, name, old)

	s, err := idb.Open(ctx, name)
	if err != nil {
		t.Fatalf("Open a schema 2 database: %v", err)
	}
	defer s.Close()
	all, err := s.Trace(ctx, old[0].Span.TraceID)
	if err != nil || len(all) != 5 {
		t.Fatalf("Trace = %d records, %v", len(all), err)
	}
	var got []string
	for _, r := range all {
		got = append(got, r.Span.Name)
	}
	if want := []string{"t5/1", "t5/2", "t5/4", "t5/7", "t5/9"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Trace after upgrade = %v, want %v", got, want)
	}
	head, err := s.TraceHead(ctx, old[0].Span.TraceID, 3)
	if err != nil {
		t.Fatalf("TraceHead: %v", err)
	}
	if !reflect.DeepEqual(head, all[:3]) {
		t.Errorf("TraceHead(3) after upgrade = %+v, want %+v", head, all[:3])
	}
	if st := mustStats(t, s); st.Spans != 6 || st.Pending != 4 || st.Traces != 2 {
		t.Errorf("Stats after upgrade = %+v, want 6 spans, 4 pending, 2 traces", st)
	}
	// New spans join the index too.
	late := spanOf(5, 10, false)
	late.StartTimeUnixNano = 1_700_000_000_000_000_000
	if err := s.Put(ctx, []span.Span{late}); err != nil {
		t.Fatalf("Put: %v", err)
	}
	head, err = s.TraceHead(ctx, late.TraceID, 1)
	if err != nil || len(head) != 1 || head[0].Span.Name != "t5/10" {
		t.Errorf("TraceHead(1) after a Put = %+v, %v; want t5/10", head, err)
	}
}

// writeSchema2 creates the database name at version 2, with the schema of
// that version and its record shape (the current one), holding recs; the
// totals are left for Open to count.
func writeSchema2(t *testing.T, name string, recs []cache.Record) {
	t.Helper()
	ctx := t.Context()
	req, err := goidb.Global().Open(ctx, name, 2, func(db *goidb.Database, _, _ uint) error {
		spans, err := db.CreateObjectStore("spans", goidb.ObjectStoreOptions{KeyPath: js.ValueOf("seq"), AutoIncrement: true})
		if err != nil {
			return err
		}
		for _, index := range []string{"exported", "traceId", "class"} {
			if _, err := spans.CreateIndex(index, js.ValueOf(index), goidb.IndexOptions{}); err != nil {
				return err
			}
		}
		if _, err = db.CreateObjectStore("resources", goidb.ObjectStoreOptions{KeyPath: js.ValueOf("id")}); err != nil {
			return err
		}
		if _, err = db.CreateObjectStore("meta", goidb.ObjectStoreOptions{}); err != nil {
			return err
		}
		_, err = db.CreateObjectStore("errorTraces", goidb.ObjectStoreOptions{KeyPath: js.ValueOf("traceId")})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	db, err := req.Await(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	txn, err := db.Transaction(goidb.TransactionReadWrite, "spans", "resources")
	if err != nil {
		t.Fatal(err)
	}
	spans, _ := txn.ObjectStore("spans")
	resources, _ := txn.ObjectStore("resources")
	for _, r := range recs {
		rec, err := cache.EncodeRecord(r)
		if err != nil {
			t.Fatal(err)
		}
		rec.Stored = time.Now().UnixMilli()
		if _, err := spans.Add(jsonValue(t, rec)); err != nil {
			t.Fatal(err)
		}
		if _, err := resources.Put(jsonValue(t, cache.EncodeResource(r.Span.Resource))); err != nil {
			t.Fatal(err)
		}
	}
	if err := txn.Await(ctx); err != nil {
		t.Fatal(err)
	}
}
