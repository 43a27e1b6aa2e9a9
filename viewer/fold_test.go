package viewer_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/viewer"
)

// foldTree is the trace of the fold tests:
//
//	r            depth 0
//	  a          depth 1
//	    a1       depth 2
//	      a1x    depth 3
//	    a2       depth 2
//	  b          depth 1
//	s            depth 0 (second root, no children)
func foldTree(t *testing.T) []viewer.Row {
	t.Helper()
	rows, _, _ := viewer.Layout([]cache.Record{
		rec("r", "", 0, 1000),
		rec("a", "r", 10, 500),
		rec("a1", "a", 20, 100),
		rec("a1x", "a1", 30, 40),
		rec("a2", "a", 200, 300),
		rec("b", "r", 600, 900),
		rec("s", "", 950, 1000),
	})
	return rows
}

// ids returns the span ids of the rows at indices.
func ids(rows []viewer.Row, indices []int) string {
	out := make([]string, len(indices))
	for k, i := range indices {
		out[k] = rows[i].SpanID()
	}
	return strings.Join(out, " ")
}

func TestVisibleRows(t *testing.T) {
	rows := foldTree(t)
	tests := []struct {
		name      string
		collapsed viewer.IDSet
		want      string
	}{
		{name: "nil set shows all", collapsed: nil, want: "r a a1 a1x a2 b s"},
		{name: "fold a", collapsed: viewer.NewIDSet("a"), want: "r a b s"},
		{name: "fold a1", collapsed: viewer.NewIDSet("a1"), want: "r a a1 a2 b s"},
		{name: "fold root", collapsed: viewer.NewIDSet("r"), want: "r s"},
		{name: "nested folds: outer wins", collapsed: viewer.NewIDSet("a", "a1"), want: "r a b s"},
		{name: "a leaf folds nothing", collapsed: viewer.NewIDSet("b", "s"), want: "r a a1 a1x a2 b s"},
		{name: "unknown ids fold nothing", collapsed: viewer.NewIDSet("zz"), want: "r a a1 a1x a2 b s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ids(rows, viewer.VisibleRows(rows, tt.collapsed)); got != tt.want {
				t.Errorf("visible = %q, want %q", got, tt.want)
			}
		})
	}
	if got := viewer.VisibleRows(nil, nil); len(got) != 0 {
		t.Errorf("VisibleRows(nil) = %v", got)
	}
}

func TestFoldLevels(t *testing.T) {
	rows := foldTree(t)
	vis := func(c viewer.IDSet) string { return ids(rows, viewer.VisibleRows(rows, c)) }
	tests := []struct {
		name string
		got  viewer.IDSet
		want string
	}{
		{name: "collapse all", got: viewer.CollapseAll(rows), want: "r s"},
		{name: "collapse below 1", got: viewer.CollapseBelow(rows, 1), want: "r a b s"},
		{name: "collapse below 2", got: viewer.CollapseBelow(rows, 2), want: "r a a1 a2 b s"},
		{name: "collapse below deeper than the tree", got: viewer.CollapseBelow(rows, 9), want: "r a a1 a1x a2 b s"},
		{name: "expand a level from all folded", got: viewer.ExpandLevel(rows, viewer.CollapseAll(rows)), want: "r a b s"},
		{name: "expand a level from level 1", got: viewer.ExpandLevel(rows, viewer.CollapseBelow(rows, 1)), want: "r a a1 a2 b s"},
		{name: "expand a level from a partial fold", got: viewer.ExpandLevel(rows, viewer.NewIDSet("r")), want: "r a b s"},
		{name: "expand a level when all shown", got: viewer.ExpandLevel(rows, nil), want: "r a a1 a1x a2 b s"},
		{name: "collapse a level from all shown", got: viewer.CollapseLevel(rows, nil), want: "r a a1 a2 b s"},
		{name: "collapse a level from level 1", got: viewer.CollapseLevel(rows, viewer.CollapseBelow(rows, 1)), want: "r s"},
		{name: "collapse a level from all folded", got: viewer.CollapseLevel(rows, viewer.CollapseAll(rows)), want: "r s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := vis(tt.got); got != tt.want {
				t.Errorf("visible = %q, want %q (set %v)", got, tt.want, tt.got.Sorted())
			}
		})
	}
	if d := viewer.MaxDepth(rows); d != 3 {
		t.Errorf("MaxDepth = %d, want 3", d)
	}
	if d := viewer.ShownDepth(rows, nil); d != -1 {
		t.Errorf("ShownDepth(none) = %d, want -1", d)
	}
}

func TestReveal(t *testing.T) {
	rows := foldTree(t)
	idx := viewer.IndexByID(rows)
	c := viewer.NewIDSet("r", "a", "a1", "b")
	got := viewer.Reveal(rows, idx["a1x"], c)
	if want := []string{"b"}; !slices.Equal(got.Sorted(), want) {
		t.Errorf("Reveal(a1x) = %v, want %v", got.Sorted(), want)
	}
	if !c.Has("a") || len(c) != 4 {
		t.Errorf("Reveal changed its argument: %v", c.Sorted())
	}
	if got := viewer.Reveal(rows, idx["s"], c); !got.Equal(c) {
		t.Errorf("Reveal of a root changed the set: %v", got.Sorted())
	}
	if got := viewer.Reveal(rows, 99, c); !got.Equal(c) {
		t.Errorf("Reveal out of range changed the set")
	}
}

func TestIDSetCopies(t *testing.T) {
	var empty viewer.IDSet
	a := empty.With("x")
	b := a.Toggle("y")
	c := b.Toggle("x")
	if empty.Has("x") || !a.Has("x") || a.Has("y") {
		t.Errorf("With changed its receiver or missed: %v %v", empty, a)
	}
	if !b.Has("x") || !b.Has("y") || c.Has("x") || !c.Has("y") {
		t.Errorf("Toggle: b=%v c=%v", b.Sorted(), c.Sorted())
	}
	if got := empty.Without("x"); got == nil || len(got) != 0 {
		t.Errorf("Without on nil = %v", got)
	}
	if !viewer.NewIDSet("p", "q").Equal(viewer.NewIDSet("q", "p")) || viewer.NewIDSet("p").Equal(viewer.NewIDSet("q")) {
		t.Error("Equal")
	}
}

func TestEncodeDecodeFold(t *testing.T) {
	rows := foldTree(t)
	// Real span ids for the id list case.
	hexRows, _, _ := viewer.Layout([]cache.Record{
		rec("00000000000000a1", "", 0, 100),
		rec("00000000000000b2", "00000000000000a1", 10, 50),
		rec("00000000000000c3", "00000000000000b2", 20, 30),
		rec("00000000000000d4", "00000000000000a1", 60, 70),
		rec("00000000000000e5", "00000000000000d4", 61, 62),
	})
	tests := []struct {
		name      string
		rows      []viewer.Row
		collapsed viewer.IDSet
		want      string
		wantOK    bool
	}{
		{name: "none", rows: rows, collapsed: nil, want: "", wantOK: true},
		{name: "leaves only count as none", rows: rows, collapsed: viewer.NewIDSet("s", "b"), want: "", wantOK: true},
		{name: "all", rows: rows, collapsed: viewer.CollapseAll(rows), want: "all", wantOK: true},
		{name: "level", rows: rows, collapsed: viewer.CollapseBelow(rows, 2), want: "level:2", wantOK: true},
		{name: "ids sorted, pruned", rows: hexRows, collapsed: viewer.NewIDSet("00000000000000e5", "00000000000000b2", "00000000000000ff"),
			want: "00000000000000b2", wantOK: true},
		{name: "several ids sorted", rows: hexRows, collapsed: viewer.NewIDSet("00000000000000d4", "00000000000000a1"),
			want: "00000000000000a1,00000000000000d4", wantOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := viewer.EncodeFold(tt.rows, tt.collapsed)
			if got != tt.want || ok != tt.wantOK {
				t.Fatalf("EncodeFold = %q, %v, want %q, %v", got, ok, tt.want, tt.wantOK)
			}
			back := viewer.DecodeFold(tt.rows, got)
			if want := viewer.Prune(tt.rows, tt.collapsed); !back.Equal(want) {
				t.Errorf("DecodeFold(%q) = %v, want %v", got, back.Sorted(), want.Sorted())
			}
		})
	}
	for _, bad := range []string{"level:x", "level:-1", "NOTHEX,zz", "0000000000000g01"} {
		if got := viewer.DecodeFold(rows, bad); len(got) != 0 {
			t.Errorf("DecodeFold(%q) = %v, want empty", bad, got.Sorted())
		}
	}
}

func TestEncodeFoldTooMany(t *testing.T) {
	// 600 parents each with one child, under one root; fold every other
	// parent so no shorthand applies: 300 ids.
	recs := []cache.Record{rec("0000000000000001", "", 0, 10_000)}
	for i := range 600 {
		p := hexID(1000 + i)
		recs = append(recs, rec(p, "0000000000000001", uint64(i), uint64(i+1)), rec(hexID(5000+i), p, uint64(i), uint64(i+1)))
	}
	rows, _, _ := viewer.Layout(recs)
	c := viewer.IDSet{}
	for i := 0; i < 600; i += 2 {
		c = c.With(hexID(1000 + i))
	}
	if got, ok := viewer.EncodeFold(rows, c); ok || got != "" {
		t.Errorf("EncodeFold of 300 ids = %d chars, %v; want \"\", false", len(got), ok)
	}
}

// hexID returns a 16-hex span id for n.
func hexID(n int) string {
	const digits = "0123456789abcdef"
	b := []byte("0000000000000000")
	for i := 15; n > 0 && i >= 0; i-- {
		b[i] = digits[n%16]
		n /= 16
	}
	return string(b)
}
