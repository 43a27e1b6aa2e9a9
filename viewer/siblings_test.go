package viewer_test

import (
	"fmt"
	"testing"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
	"github.com/spanfall/spanfall/viewer"
)

// named builds a record like rec with a given span name and status.
func named(id, parent, name string, start, end uint64, failed bool) cache.Record {
	r := rec(id, parent, start, end)
	r.Span.Name = name
	if failed {
		r.Span.Status.Code = span.StatusError
	}
	return r
}

// runTrace is r with 6 × item (i0..i5, durations 10..60, i2 and i4
// errors, i1 has a child c that fails), then a "other", then 2 × item
// (too few), and a top level of 5 × "top".
func runTrace() []viewer.Row {
	recs := []cache.Record{named("r", "", "root", 0, 10000, false)}
	for k := 0; k < 6; k++ {
		recs = append(recs, named(fmt.Sprintf("i%d", k), "r", "item", uint64(100*k+1), uint64(100*k+1+10*(k+1)), k == 2 || k == 4))
	}
	recs = append(recs, named("c", "i1", "child", 105, 106, true))
	recs = append(recs, named("o", "r", "other", 700, 710, false))
	recs = append(recs, named("j0", "r", "item", 800, 810, false), named("j1", "r", "item", 900, 910, false))
	for k := 0; k < 4; k++ {
		recs = append(recs, named(fmt.Sprintf("t%d", k), "", "top", uint64(20000+k), uint64(20001+k), false))
	}
	rows, _, _ := viewer.Layout(recs)
	return rows
}

func TestSiblingRuns(t *testing.T) {
	rows := runTrace()
	runs := viewer.SiblingRuns(rows, 5)
	if len(runs) != 1 {
		t.Fatalf("got %d runs, want 1: %+v", len(runs), runs)
	}
	r := runs[0]
	if got := ids(rows, r.Rows); got != "i0 i1 i2 i3 i4 i5" {
		t.Errorf("run rows = %q", got)
	}
	if r.Name != "item" || r.Count() != 6 || r.P50 != 30 || r.Max != 60 || r.Errors != 2 || r.ErrorsBelow != 1 {
		t.Errorf("run = name %q count %d p50 %d max %d errors %d below %d", r.Name, r.Count(), r.P50, r.Max, r.Errors, r.ErrorsBelow)
	}
	if rows[r.End].SpanID() != "o" {
		t.Errorf("run ends before %q, want o", rows[r.End].SpanID())
	}
	// A lower minimum finds the top level's 4 × top and the 2 × item.
	runs = viewer.SiblingRuns(rows, 2)
	var got []string
	for _, r := range runs {
		got = append(got, fmt.Sprintf("%s×%d@%s", r.Name, r.Count(), rows[r.First].SpanID()))
	}
	if fmt.Sprint(got) != "[item×6@i0 item×2@j0 top×4@t0]" {
		t.Errorf("runs of 2+ = %v", got)
	}
}

func TestFoldRuns(t *testing.T) {
	rows := runTrace()
	runs := viewer.SiblingRuns(rows, 2)
	all := viewer.VisibleRows(rows, nil)
	tests := []struct {
		name     string
		visible  []int
		expanded viewer.IDSet
		want     string
		firsts   string
	}{
		{name: "all folded", visible: all, expanded: nil, want: "r i0 o j0 t0", firsts: "i0 j0 t0"},
		{name: "one expanded", visible: all, expanded: viewer.NewIDSet("i0"), want: "r i0 i1 c i2 i3 i4 i5 o j0 t0", firsts: "j0 t0"},
		{name: "all expanded", visible: all, expanded: viewer.NewIDSet("i0", "j0", "t0"), want: ids(rows, all), firsts: ""},
		{name: "within a collapsed parent", visible: viewer.VisibleRows(rows, viewer.NewIDSet("r")), expanded: nil, want: "r t0", firsts: "i0 j0 t0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vis, folded := viewer.FoldRuns(rows, tt.visible, runs, tt.expanded)
			if got := ids(rows, vis); got != tt.want {
				t.Errorf("visible = %q, want %q", got, tt.want)
			}
			var firsts []int
			for i := range rows {
				if _, ok := folded[i]; ok {
					firsts = append(firsts, i)
				}
			}
			if got := ids(rows, firsts); got != tt.firsts {
				t.Errorf("folded runs at %q, want %q", got, tt.firsts)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	for _, tt := range []struct {
		v    []uint64
		p    int
		want uint64
	}{{nil, 50, 0}, {[]uint64{7}, 50, 7}, {[]uint64{1, 2}, 50, 1}, {[]uint64{1, 2, 3}, 50, 2}, {[]uint64{1, 2, 3, 4}, 100, 4}, {[]uint64{1, 2, 3, 4}, 0, 1}} {
		if got := viewer.Percentile(tt.v, tt.p); got != tt.want {
			t.Errorf("Percentile(%v, %d) = %d, want %d", tt.v, tt.p, got, tt.want)
		}
	}
}
