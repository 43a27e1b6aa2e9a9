package viewer_test

import (
	"testing"
	"time"

	"github.com/spanfall/spanfall/cache"
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
