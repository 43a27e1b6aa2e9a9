//go:build js && wasm

package idb_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/cache/cachetest"
	"github.com/spanfall/spanfall/cache/idb"
	"github.com/spanfall/spanfall/tracer/span"
)

var dbCount atomic.Int64

// openFresh opens a new uniquely named database and deletes it after the
// test (after Run's Close, as cleanups run last-in first-out).
func openFresh(t *testing.T, opts ...cache.Option) (*idb.Store, string) {
	t.Helper()
	name := fmt.Sprintf("spanfall-test/%s/%d", t.Name(), dbCount.Add(1))
	t.Cleanup(func() {
		// t.Context is done by now.
		if err := idb.Delete(context.Background(), name); err != nil {
			t.Errorf("Delete: %v", err)
		}
	})
	s, err := idb.Open(t.Context(), name, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s, name
}

// openBench opens a new database for a benchmark and drops it after.
func openBench(b *testing.B, opts ...cache.Option) (*idb.Store, error) {
	name := fmt.Sprintf("spanfall-bench/%s/%d", b.Name(), dbCount.Add(1))
	b.Cleanup(func() {
		if err := idb.Delete(context.Background(), name); err != nil {
			b.Errorf("Delete: %v", err)
		}
	})
	s, err := idb.Open(b.Context(), name, opts...)
	if err == nil {
		b.Cleanup(func() { _ = s.Close() })
	}
	return s, err
}

func TestStore(t *testing.T) {
	cachetest.Run(t, func(t *testing.T, opts ...cache.Option) cache.Store {
		s, _ := openFresh(t, opts...)
		return s
	})
}

func TestKind(t *testing.T) {
	s, _ := openFresh(t)
	defer s.Close()
	if got := s.Kind(); got != "indexeddb" {
		t.Errorf("Kind() = %q, want indexeddb", got)
	}
}

func testSpan(n int) span.Span {
	return span.Span{
		TraceID:           fmt.Sprintf("%032x", 1),
		SpanID:            fmt.Sprintf("%016x", n),
		Name:              fmt.Sprint(n),
		StartTimeUnixNano: uint64(n),
		EndTimeUnixNano:   uint64(n + 1),
		Resource:          &span.Resource{ID: "r", Attributes: []span.KeyValue{span.String("service.name", "shop")}},
	}
}

func TestReopenKeepsRecordsAndSeqs(t *testing.T) {
	ctx := t.Context()
	s, name := openFresh(t)
	if err := s.Put(ctx, []span.Span{testSpan(1), testSpan(2)}); err != nil {
		t.Fatalf("Put: %v", err)
	}
	before, err := s.Pending(ctx, 10)
	if err != nil {
		t.Fatalf("Pending: %v", err)
	}
	if err := s.MarkExported(ctx, []uint64{before[1].Seq}); err != nil {
		t.Fatalf("MarkExported: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s, err = idb.Open(ctx, name)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	if want := (cache.Stats{Spans: 2, Pending: 1, Exported: 1, Traces: 1, Bytes: st.Bytes}); st != want || st.Bytes <= 0 {
		t.Errorf("Stats after reopen = %+v, want %+v", st, want)
	}
	if err := s.Put(ctx, []span.Span{testSpan(3)}); err != nil {
		t.Fatalf("Put after reopen: %v", err)
	}
	recs, err := s.Trace(ctx, fmt.Sprintf("%032x", 1))
	if err != nil {
		t.Fatalf("Trace: %v", err)
	}
	if len(recs) != 3 {
		t.Fatalf("Trace = %d records, want 3", len(recs))
	}
	if recs[0].Seq != before[0].Seq || recs[1].Seq != before[1].Seq || !recs[1].Exported {
		t.Errorf("records changed across reopen: %+v, before %+v", recs[:2], before)
	}
	if recs[2].Seq <= before[1].Seq {
		t.Errorf("Seq after reopen = %d, want above %d", recs[2].Seq, before[1].Seq)
	}
}

func TestOpenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	name := fmt.Sprintf("spanfall-test/%s", t.Name())
	t.Cleanup(func() {
		if err := idb.Delete(context.Background(), name); err != nil {
			t.Errorf("Delete: %v", err)
		}
	})
	if _, err := idb.Open(ctx, name); !errors.Is(err, context.Canceled) {
		t.Errorf("Open with cancelled ctx = %v, want context.Canceled", err)
	}
}

func TestErrorsNameTheStep(t *testing.T) {
	s, _ := openFresh(t)
	defer s.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := s.Put(ctx, []span.Span{testSpan(1)})
	if err == nil || !strings.HasPrefix(err.Error(), "cache/idb: put 1 spans: ") {
		t.Errorf("Put error = %q, want prefix %q", err, "cache/idb: put 1 spans: ")
	}
}
