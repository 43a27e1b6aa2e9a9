package viewer_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
	"github.com/spanfall/spanfall/viewer"
)

func TestTraceChanged(t *testing.T) {
	base := []cache.Record{rec("r", "", 0, 10), rec("a", "r", 1, 2)}
	base[0].Seq, base[1].Seq = 1, 2
	rows, _, _ := viewer.Layout(base)
	clone := func(f func([]cache.Record) []cache.Record) []cache.Record {
		c := append([]cache.Record(nil), base...)
		return f(c)
	}
	tests := []struct {
		name string
		recs []cache.Record
		want bool
	}{
		{name: "same", recs: clone(func(c []cache.Record) []cache.Record { return c }), want: false},
		{name: "same, other order", recs: clone(func(c []cache.Record) []cache.Record { return []cache.Record{c[1], c[0]} }), want: false},
		{name: "one more", recs: clone(func(c []cache.Record) []cache.Record { return append(c, rec("b", "r", 3, 4)) }), want: true},
		{name: "one evicted", recs: clone(func(c []cache.Record) []cache.Record { return c[:1] }), want: true},
		{name: "exported since", recs: clone(func(c []cache.Record) []cache.Record { c[1].Exported = true; return c }), want: true},
		{name: "replaced, same count", recs: clone(func(c []cache.Record) []cache.Record { c[1] = rec("z", "r", 1, 2); return c }), want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := viewer.TraceChanged(rows, tt.recs); got != tt.want {
				t.Errorf("TraceChanged = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestListDue(t *testing.T) {
	t0 := time.Unix(1000, 0)
	tests := []struct {
		name                    string
		since                   time.Duration
		statsChanged, traceOpen bool
		want                    bool
	}{
		{name: "nothing changed", since: time.Hour, statsChanged: false, want: false},
		{name: "list in view, changed", since: 0, statsChanged: true, traceOpen: false, want: true},
		{name: "trace open, changed recently read", since: 3 * time.Second, statsChanged: true, traceOpen: true, want: false},
		{name: "trace open, changed, interval passed", since: viewer.ListInterval, statsChanged: true, traceOpen: true, want: true},
	}
	for _, tt := range tests {
		if got := viewer.ListDue(t0, t0.Add(tt.since), tt.statsChanged, tt.traceOpen); got != tt.want {
			t.Errorf("%s: ListDue = %v, want %v", tt.name, got, tt.want)
		}
	}
	a := cache.Stats{Spans: 1}
	b := a
	if viewer.StatsChanged(a, b) {
		t.Error("equal stats changed")
	}
	b.Evicted.Age = 1
	if !viewer.StatsChanged(a, b) {
		t.Error("an eviction is a change")
	}
}

func TestTraceDue(t *testing.T) {
	t0 := time.Unix(1000, 0)
	tests := []struct {
		name         string
		since, cost  time.Duration
		statsChanged bool
		want         bool
	}{
		{name: "no change in the store", since: time.Hour, cost: time.Millisecond, statsChanged: false, want: false},
		{name: "cheap trace, a tick later", since: viewer.LiveInterval, cost: 20 * time.Millisecond, statsChanged: true, want: true},
		{name: "cheap trace, too soon", since: time.Second, cost: 20 * time.Millisecond, statsChanged: true, want: false},
		{name: "costly trace backs off", since: 4 * time.Second, cost: 1400 * time.Millisecond, statsChanged: true, want: false},
		{name: "costly trace, after five times its cost", since: 7 * time.Second, cost: 1400 * time.Millisecond, statsChanged: true, want: true},
	}
	for _, tt := range tests {
		if got := viewer.TraceDue(t0, tt.cost, t0.Add(tt.since), tt.statsChanged); got != tt.want {
			t.Errorf("%s: TraceDue = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestLiveTailMatchesTrace reads the spans stored after the rows of an
// open trace, as the live refresh does, and checks that the rows with them
// are what reading the whole trace gives.
func TestLiveTailMatchesTrace(t *testing.T) {
	ctx := t.Context()
	store := cache.NewMemory()
	tid := "0123456789abcdef0123456789abcdef"
	mk := func(id, parent, start int) span.Span {
		s := span.Span{TraceID: tid, SpanID: fmt.Sprintf("%016x", id), Name: fmt.Sprint("s", id),
			StartTimeUnixNano: uint64(start), EndTimeUnixNano: uint64(start + 5)}
		if parent != 0 {
			s.ParentSpanID = fmt.Sprintf("%016x", parent)
		}
		return s
	}
	if err := store.Put(ctx, []span.Span{mk(1, 0, 10), mk(2, 1, 30), mk(3, 1, 20)}); err != nil {
		t.Fatal(err)
	}
	first, err := store.Trace(ctx, tid)
	if err != nil {
		t.Fatal(err)
	}
	rows, _, _ := viewer.Layout(first)
	if _, ok := viewer.TailFrom(store, rows, true); ok {
		t.Error("TailFrom on a full read")
	}
	if _, ok := viewer.TailFrom(store, nil, false); ok {
		t.Error("TailFrom with no rows")
	}
	from, ok := viewer.TailFrom(store, rows, false)
	if !ok || from != viewer.MaxSeq(rows) || from != 3 {
		t.Fatalf("TailFrom = %d, %v; want 3, true", from, ok)
	}
	// New spans, one starting before all, one of another trace between.
	other := mk(9, 0, 0)
	other.TraceID = "ffffffffffffffffffffffffffffffff"
	if err := store.Put(ctx, []span.Span{mk(4, 1, 5), other, mk(5, 3, 25)}); err != nil {
		t.Fatal(err)
	}
	tail, err := store.TraceAfter(ctx, tid, from)
	if err != nil || len(tail) != 2 {
		t.Fatalf("TraceAfter = %d records, %v; want 2", len(tail), err)
	}
	got := viewer.AppendTail(rows, tail)
	want, err := store.Trace(ctx, tid)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows and tail\n%+v\nwant the trace\n%+v", got, want)
	}
	if !viewer.TraceChanged(rows, got) {
		t.Error("the tail is no change")
	}
}
