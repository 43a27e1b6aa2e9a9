//go:build js && wasm

package idb_test

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"strings"
	"syscall/js"
	"testing"
	"time"

	goidb "github.com/hack-pad/go-indexeddb/idb"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/cache/idb"
	"github.com/spanfall/spanfall/tracer/span"
)

// TestStoredShape reads the stores without package idb, as a service
// worker in plain JS would, and checks they hold OTLP-shaped JS objects.
func TestStoredShape(t *testing.T) {
	ctx := t.Context()
	now := time.Date(2030, 1, 2, 3, 4, 5, 6_000_000, time.UTC)
	s, name := openFresh(t, cache.WithClock(func() time.Time { return now }))
	defer s.Close()
	sp := testSpan(1)
	sp.Attributes = []span.KeyValue{span.Int("n", 7)}
	sp.Scope = span.Scope{Name: "spanfall/test", Version: "1"}
	sp.Status = span.Status{Code: span.StatusError}
	if err := s.Put(ctx, []span.Span{sp}); err != nil {
		t.Fatalf("Put: %v", err)
	}
	batch, err := cache.EncodeBatch([]span.Span{sp}, now)
	if err != nil {
		t.Fatal(err)
	}

	req, err := goidb.Global().Open(ctx, name, 0, func(*goidb.Database, uint, uint) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	db, err := req.Await(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	txn, err := db.Transaction(goidb.TransactionReadOnly, "spans", "resources", "meta", "errorTraces")
	if err != nil {
		t.Fatal(err)
	}
	spans, err := txn.ObjectStore("spans")
	if err != nil {
		t.Fatal(err)
	}
	getReq, err := spans.Get(js.ValueOf(1))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := getReq.Await(ctx)
	if err != nil {
		t.Fatal(err)
	}
	resources, err := txn.ObjectStore("resources")
	if err != nil {
		t.Fatal(err)
	}
	resReq, err := resources.Get(js.ValueOf("r"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := resReq.Await(ctx)
	if err != nil {
		t.Fatal(err)
	}
	read := func(store string, key any) js.Value {
		t.Helper()
		st, err := txn.ObjectStore(store)
		if err != nil {
			t.Fatal(err)
		}
		req, err := st.Get(js.ValueOf(key))
		if err != nil {
			t.Fatal(err)
		}
		v, err := req.Await(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v.IsUndefined() {
			t.Fatalf("%s has nothing under %v", store, key)
		}
		return v
	}
	totals := read("meta", "totals")
	evicted := read("meta", "evicted")
	errTrace := read("errorTraces", sp.TraceID)
	indexes, err := spans.IndexNames()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(indexes, "class") {
		t.Errorf("spans indexes = %v, want a class index", indexes)
	}

	checks := []struct {
		name string
		got  js.Value
		want any
	}{
		{"seq", rec.Get("seq"), 1},
		{"exported", rec.Get("exported"), 0},
		{"class", rec.Get("class"), int(cache.ClassPendingError)},
		{"stored", rec.Get("stored"), now.UnixMilli()},
		{"size", rec.Get("size"), batch.Records[0].Size},
		{"traceId", rec.Get("traceId"), sp.TraceID},
		{"resource", rec.Get("resource"), "r"},
		{"scope.name", rec.Get("scope").Get("name"), "spanfall/test"},
		{"span.spanId", rec.Get("span").Get("spanId"), sp.SpanID},
		{"span.startTimeUnixNano", rec.Get("span").Get("startTimeUnixNano"), "1"},
		{"span.attributes[0].value.intValue", rec.Get("span").Get("attributes").Index(0).Get("value").Get("intValue"), "7"},
		{"resource id", res.Get("id"), "r"},
		{"resource attributes[0].key", res.Get("attributes").Index(0).Get("key"), "service.name"},
		{"meta totals.spans", totals.Get("spans"), 1},
		{"meta totals.bytes", totals.Get("bytes"), batch.Bytes},
		{"meta totals.oldest", totals.Get("oldest"), now.UnixMilli()},
		{"meta evicted.count", evicted.Get("count"), 0},
		{"errorTraces traceId", errTrace.Get("traceId"), sp.TraceID},
		{"errorTraces spans", errTrace.Get("spans"), 1},
	}
	for _, c := range checks {
		if !c.got.Equal(js.ValueOf(c.want)) {
			t.Errorf("stored %s = %v (%s), want %v", c.name, c.got, c.got.Type(), c.want)
		}
	}
	if typ := rec.Get("start").Type(); typ != js.TypeNumber {
		t.Errorf("stored start is a %s, want a number", typ)
	}
}

// TestPutCancelledMidTransaction cancels a Put while it waits for its
// transaction: either all spans are stored and Put says so, or none is.
func TestPutCancelledMidTransaction(t *testing.T) {
	s, _ := openFresh(t)
	defer s.Close()
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { errc <- s.Put(ctx, []span.Span{testSpan(1), testSpan(2), testSpan(3)}) }()
	// js/wasm runs one goroutine at a time: Put runs until it waits for
	// the transaction, then this one cancels.
	runtime.Gosched()
	cancel()
	err := <-errc
	st, serr := s.Stats(t.Context())
	if serr != nil {
		t.Fatalf("Stats: %v", serr)
	}
	switch {
	case err == nil && st.Spans == 3:
		t.Log("the transaction committed before the cancel")
	case errors.Is(err, context.Canceled) && st.Spans == 0:
	default:
		t.Errorf("Put = %v with %d spans stored, want all stored and nil or none and context.Canceled", err, st.Spans)
	}
}

// TestErrorsKeepDOMNames deletes the database under an open store: the
// library closes the connection, and the next Put fails with the DOM
// exception of the browser, named in the error and matched by errors.Is.
func TestErrorsKeepDOMNames(t *testing.T) {
	s, name := openFresh(t)
	defer s.Close()
	if err := idb.Delete(t.Context(), name); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	err := s.Put(t.Context(), []span.Span{testSpan(1)})
	if !errors.Is(err, goidb.NewDOMException("InvalidStateError")) {
		t.Fatalf("Put on a deleted database = %v, want InvalidStateError", err)
	}
	const prefix = "cache/idb: put 1 spans: begin transaction: "
	if msg := err.Error(); !strings.HasPrefix(msg, prefix) || !strings.Contains(msg, "InvalidStateError") {
		t.Errorf("Put error = %q, want prefix %q and the DOM name", msg, prefix)
	}
	t.Logf("Put error: %v", err)
}
