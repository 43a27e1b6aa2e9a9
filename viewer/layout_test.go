package viewer_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
	"github.com/spanfall/spanfall/viewer"
)

const layoutTrace = "4bf92f3577b34da6a3ce929d0e0e4736"

// rec builds a record of span id with parent and times offset from a base
// of 1.7e18 ns.
func rec(id, parent string, start, end uint64) cache.Record {
	const base = 1_700_000_000_000_000_000
	return cache.Record{Span: span.Span{
		TraceID: layoutTrace, SpanID: id, ParentSpanID: parent, Name: "n-" + id,
		StartTimeUnixNano: base + start, EndTimeUnixNano: base + end,
	}}
}

// wantRow is a row as the test states it: the span id stands for the record.
type wantRow struct {
	id            string
	depth         int
	orphan        bool
	children      int
	offset, width float64
}

func rowsOf(rows []viewer.Row) []wantRow {
	out := make([]wantRow, len(rows))
	for i, r := range rows {
		out[i] = wantRow{r.Record.Span.SpanID, r.Depth, r.Orphan, r.Children, r.Offset, r.Width}
	}
	return out
}

func formatRows(rows []wantRow) string {
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "\n  %s%s depth=%d orphan=%v children=%d offset=%v width=%v",
			strings.Repeat("  ", r.depth), r.id, r.depth, r.orphan, r.children, r.offset, r.width)
	}
	return b.String()
}

func TestLayout(t *testing.T) {
	tests := []struct {
		name                string
		recs                []cache.Record
		want                []wantRow
		wantStart, wantSpan uint64 // start offset from the base, and end-start
	}{
		{
			name: "empty",
			recs: nil,
			want: nil,
		},
		{
			// Fractions are compared with ==: float64 division of the
			// integer nanoseconds is correctly rounded, and so is the
			// constant 0.1, so both are the double nearest n/1000.
			name: "tree, siblings by start time, input order shuffled",
			recs: []cache.Record{
				rec("c2", "root", 500, 750), // second child, listed first
				rec("gc", "c1", 125, 250),
				rec("root", "", 0, 1000),
				rec("c1", "root", 100, 400),
				rec("gc0", "c1", 100, 125), // starts before gc: comes first
			},
			want: []wantRow{
				{"root", 0, false, 2, 0, 1},
				{"c1", 1, false, 2, 0.1, 0.3},
				{"gc0", 2, false, 0, 0.1, 0.025},
				{"gc", 2, false, 0, 0.125, 0.125},
				{"c2", 1, false, 0, 0.5, 0.25},
			},
			wantStart: 0, wantSpan: 1000,
		},
		{
			name: "extent from the earliest start to the latest end, not the root's",
			recs: []cache.Record{
				rec("root", "", 200, 600),
				rec("late", "root", 500, 1200), // ends after its parent
				rec("early", "root", 0, 100),   // starts before its parent
			},
			want: []wantRow{
				{"root", 0, false, 2, 200.0 / 1200, 400.0 / 1200},
				{"early", 1, false, 0, 0, 100.0 / 1200},
				{"late", 1, false, 0, 500.0 / 1200, 700.0 / 1200},
			},
			wantStart: 0, wantSpan: 1200,
		},
		{
			name: "orphans kept as roots, ordered with the roots by start",
			recs: []cache.Record{
				rec("kid", "orphan", 300, 400),
				rec("orphan", "missing00000000", 250, 500),
				rec("root", "", 0, 1000),
				rec("child", "root", 100, 200),
			},
			want: []wantRow{
				{"root", 0, false, 1, 0, 1},
				{"child", 1, false, 0, 0.1, 0.1},
				{"orphan", 0, true, 1, 0.25, 0.25},
				{"kid", 1, false, 0, 0.3, 0.1},
			},
			wantStart: 0, wantSpan: 1000,
		},
		{
			name: "no root stored: every span is an orphan",
			recs: []cache.Record{
				rec("b", "gone", 500, 1000),
				rec("a", "gone", 0, 500),
			},
			want: []wantRow{
				{"a", 0, true, 0, 0, 0.5},
				{"b", 0, true, 0, 0.5, 0.5},
			},
			wantStart: 0, wantSpan: 1000,
		},
		{
			name: "parent cycle keeps every span",
			recs: []cache.Record{
				rec("root", "", 0, 1000),
				rec("a", "b", 250, 500),
				rec("b", "a", 500, 750),
				rec("c", "b", 750, 1000),
			},
			want: []wantRow{
				{"root", 0, false, 0, 0, 1},
				{"a", 0, true, 1, 0.25, 0.25},
				// a is b's parent in the tree, not also its child.
				{"b", 1, false, 1, 0.5, 0.25},
				{"c", 2, false, 0, 0.75, 0.25},
			},
			wantStart: 0, wantSpan: 1000,
		},
		{
			name: "span naming itself as parent",
			recs: []cache.Record{
				rec("self", "self", 0, 1000),
			},
			want: []wantRow{
				{"self", 0, true, 0, 0, 1},
			},
			wantStart: 0, wantSpan: 1000,
		},
		{
			name: "zero-length trace",
			recs: []cache.Record{
				rec("root", "", 42, 42),
				rec("child", "root", 42, 42),
			},
			want: []wantRow{
				{"root", 0, false, 1, 0, 1},
				{"child", 1, false, 0, 0, 1},
			},
			wantStart: 42, wantSpan: 0,
		},
		{
			name: "end before start counts as zero width",
			recs: []cache.Record{
				rec("root", "", 0, 1000),
				rec("skewed", "root", 500, 250),
			},
			want: []wantRow{
				{"root", 0, false, 1, 0, 1},
				{"skewed", 1, false, 0, 0.5, 0},
			},
			wantStart: 0, wantSpan: 1000,
		},
		{
			name: "equal starts keep input order",
			recs: []cache.Record{
				rec("root", "", 0, 1000),
				rec("x", "root", 0, 500),
				rec("y", "root", 0, 250),
				rec("w", "root", 0, 125),
			},
			want: []wantRow{
				{"root", 0, false, 3, 0, 1},
				{"x", 1, false, 0, 0, 0.5},
				{"y", 1, false, 0, 0, 0.25},
				{"w", 1, false, 0, 0, 0.125},
			},
			wantStart: 0, wantSpan: 1000,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, start, end := viewer.Layout(tt.recs)
			got := rowsOf(rows)
			if formatRows(got) != formatRows(tt.want) {
				t.Errorf("rows:%s\nwant:%s", formatRows(got), formatRows(tt.want))
			}
			for i := range min(len(got), len(tt.want)) {
				if got[i].offset != tt.want[i].offset || got[i].width != tt.want[i].width {
					t.Errorf("row %s: offset %v width %v, want exactly %v and %v", got[i].id,
						got[i].offset, got[i].width, tt.want[i].offset, tt.want[i].width)
				}
			}
			if len(tt.recs) == 0 {
				if rows != nil || start != 0 || end != 0 {
					t.Errorf("Layout(nil) = %v, %d, %d, want nil, 0, 0", rows, start, end)
				}
				return
			}
			const base = 1_700_000_000_000_000_000
			if start != base+tt.wantStart || end-start != tt.wantSpan {
				t.Errorf("extent = base+%d..+%d, want base+%d..+%d", start-base, end-start, tt.wantStart, tt.wantSpan)
			}
			// Whatever the shape, no span is dropped or repeated.
			seen := map[string]int{}
			for _, r := range rows {
				seen[r.Record.Span.SpanID]++
			}
			for _, r := range tt.recs {
				if seen[r.Span.SpanID] != 1 {
					t.Errorf("span %s appears %d times", r.Span.SpanID, seen[r.Span.SpanID])
				}
			}
		})
	}
}

// TestLayoutKeepsRecords checks the rows carry the records whole.
func TestLayoutKeepsRecords(t *testing.T) {
	in := rec("root", "", 0, 10)
	in.Seq, in.Exported = 7, true
	in.Span.Attributes = []span.KeyValue{span.String("k", "v")}
	rows, _, _ := viewer.Layout([]cache.Record{in})
	if len(rows) != 1 {
		t.Fatalf("%d rows, want 1", len(rows))
	}
	got := rows[0].Record
	if got.Seq != 7 || !got.Exported || got.Span.Name != "n-root" || len(got.Span.Attributes) != 1 {
		t.Errorf("row record = %+v, want the input record", got)
	}
}

// errRec is rec with an error status.
func errRec(id, parent string, start, end uint64) cache.Record {
	r := rec(id, parent, start, end)
	r.Span.Status = span.Status{Code: span.StatusError, Message: "boom"}
	return r
}

// TestLayoutTree checks the tree fields: parent, subtree end, last child,
// own error and error below, unfinished spans.
func TestLayoutTree(t *testing.T) {
	type treeRow struct {
		id                 string
		parent, subtreeEnd int
		last, err, below   bool
		unfinished         bool
	}
	tests := []struct {
		name string
		recs []cache.Record
		want []treeRow
	}{
		{
			name: "nested with an error two levels down",
			recs: []cache.Record{
				rec("root", "", 0, 1000),
				rec("a", "root", 100, 500),
				errRec("a1", "a", 150, 200),
				rec("a2", "a", 250, 300),
				rec("b", "root", 600, 900),
			},
			want: []treeRow{
				{"root", -1, 5, true, false, true, false},
				{"a", 0, 4, false, false, true, false},
				{"a1", 1, 3, false, true, false, false},
				{"a2", 1, 4, true, false, false, false},
				{"b", 0, 5, true, false, false, false},
			},
		},
		{
			name: "an error span's own error is not an error below",
			recs: []cache.Record{
				errRec("root", "", 0, 1000),
				rec("kid", "root", 0, 10),
			},
			want: []treeRow{
				{"root", -1, 2, true, true, false, false},
				{"kid", 0, 2, true, false, false, false},
			},
		},
		{
			name: "two roots: only the second is last",
			recs: []cache.Record{
				rec("r1", "", 0, 10),
				rec("r2", "", 20, 30),
			},
			want: []treeRow{
				{"r1", -1, 1, false, false, false, false},
				{"r2", -1, 2, true, false, false, false},
			},
		},
		{
			name: "unfinished span runs to the trace's end",
			recs: []cache.Record{
				rec("root", "", 0, 1000),
				{Span: span.Span{TraceID: layoutTrace, SpanID: "open", ParentSpanID: "root", Name: "open",
					StartTimeUnixNano: 1_700_000_000_000_000_000 + 500}},
			},
			want: []treeRow{
				{"root", -1, 2, true, false, false, false},
				{"open", 0, 2, true, false, false, true},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, _, _ := viewer.Layout(tt.recs)
			if len(rows) != len(tt.want) {
				t.Fatalf("%d rows, want %d", len(rows), len(tt.want))
			}
			for i, w := range tt.want {
				r := rows[i]
				got := treeRow{r.SpanID(), r.Parent, r.SubtreeEnd, r.Last, r.Error, r.ErrorBelow, r.Unfinished}
				if got != w {
					t.Errorf("row %d = %+v, want %+v", i, got, w)
				}
			}
		})
	}
}

func TestLayoutUnfinishedWidth(t *testing.T) {
	recs := []cache.Record{
		rec("root", "", 0, 1000),
		{Span: span.Span{TraceID: layoutTrace, SpanID: "open", ParentSpanID: "root", Name: "open",
			StartTimeUnixNano: 1_700_000_000_000_000_000 + 250}},
	}
	rows, _, _ := viewer.Layout(recs)
	if rows[1].Offset != 0.25 || rows[1].Width != 0.75 {
		t.Errorf("unfinished bar at %v width %v, want 0.25 and 0.75", rows[1].Offset, rows[1].Width)
	}
	if got := viewer.BarLabel(&rows[1]); got != "unfinished" {
		t.Errorf("BarLabel = %q, want unfinished", got)
	}
}

func TestGuides(t *testing.T) {
	// root
	// ├ a
	// │ ├ a1
	// │ └ a2
	// │   └ a2x
	// └ b
	//   └ b1
	recs := []cache.Record{
		rec("root", "", 0, 1000),
		rec("a", "root", 10, 500),
		rec("a1", "a", 20, 30),
		rec("a2", "a", 40, 50),
		rec("a2x", "a2", 41, 42),
		rec("b", "root", 600, 900),
		rec("b1", "b", 610, 620),
	}
	rows, _, _ := viewer.Layout(recs)
	want := map[string]string{
		"root": "",
		"a":    "├",
		"a1":   "│├",
		"a2":   "│└",
		"a2x":  "│ └",
		"b":    "└",
		"b1":   " └",
	}
	for i, r := range rows {
		var b strings.Builder
		for _, g := range viewer.Guides(rows, i) {
			b.WriteString(g.String())
		}
		if got := b.String(); got != want[r.SpanID()] {
			t.Errorf("Guides(%s) = %q, want %q", r.SpanID(), got, want[r.SpanID()])
		}
	}
	if g := viewer.Guides(rows, -1); g != nil {
		t.Errorf("Guides(-1) = %v, want nil", g)
	}
	if g := viewer.Guides(rows, len(rows)); g != nil {
		t.Errorf("Guides(len) = %v, want nil", g)
	}
	idx := viewer.IndexByID(rows)
	if idx["a2x"] != 4 || len(idx) != len(rows) {
		t.Errorf("IndexByID = %v", idx)
	}
}
