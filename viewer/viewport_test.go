package viewer_test

import (
	"testing"

	"github.com/spanfall/spanfall/viewer"
)

func TestViewportSlice(t *testing.T) {
	v := func(top float64) viewer.Viewport {
		return viewer.Viewport{ScrollTop: top, Height: 220, RowHeight: 22} // 10 rows in view
	}
	tests := []struct {
		name                string
		vp                  viewer.Viewport
		total, overscan     int
		wantFirst, wantLast int
	}{
		{name: "top", vp: v(0), total: 1000, overscan: 8, wantFirst: 0, wantLast: 35},
		{name: "within the first step", vp: v(22 * 15), total: 1000, overscan: 8, wantFirst: 0, wantLast: 35},
		{name: "next step", vp: v(22 * 16), total: 1000, overscan: 8, wantFirst: 8, wantLast: 43},
		{name: "partial row scroll", vp: v(22*100 + 5), total: 1000, overscan: 8, wantFirst: 88, wantLast: 123},
		{name: "end", vp: v(22*990 - 220), total: 1000, overscan: 8, wantFirst: 968, wantLast: 1000},
		{name: "fewer rows than the pool", vp: v(0), total: 5, overscan: 8, wantFirst: 0, wantLast: 5},
		{name: "none", vp: v(0), total: 0, overscan: 8, wantFirst: 0, wantLast: 0},
		{name: "scrolled past rows that went away", vp: v(22 * 500), total: 20, overscan: 8, wantFirst: 0, wantLast: 20},
		{name: "overscan 0 counts as 1", vp: v(22 * 3), total: 100, overscan: 0, wantFirst: 2, wantLast: 16},
		{name: "unmeasured viewport", vp: viewer.Viewport{RowHeight: 22}, total: 100, overscan: 4, wantFirst: 0, wantLast: 13},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first, last := tt.vp.Slice(tt.total, tt.overscan)
			if first != tt.wantFirst || last != tt.wantLast {
				t.Errorf("Slice = [%d, %d), want [%d, %d)", first, last, tt.wantFirst, tt.wantLast)
			}
		})
	}
}

// TestViewportSliceCovers scrolls a pixel at a time and checks the slice
// always covers the rows in view with overscan, never exceeds the pool,
// and changes only when a step is crossed.
func TestViewportSliceCovers(t *testing.T) {
	const total, overscan = 500, 6
	vp := viewer.Viewport{Height: 317, RowHeight: 22}
	pool := vp.PoolSize(overscan)
	changes := 0
	prevFirst := -1
	for top := 0.0; top <= float64(total)*22-vp.Height; top++ {
		vp.ScrollTop = top
		first, last := vp.Slice(total, overscan)
		inFirst := int(top / 22)
		inLast := min(int((top+vp.Height)/22)+1, total)
		if first > max(inFirst-overscan, 0) || last < min(inLast+overscan, total) {
			t.Fatalf("top %v: slice [%d, %d) does not cover rows [%d, %d) with %d overscan", top, first, last, inFirst, inLast, overscan)
		}
		if last-first > pool {
			t.Fatalf("top %v: slice of %d rows, pool %d", top, last-first, pool)
		}
		if first != prevFirst {
			changes++
			prevFirst = first
		}
	}
	if max := total/overscan + 1; changes > max {
		t.Errorf("the slice changed %d times over %d rows, want at most %d", changes, total, max)
	}
}

func TestViewportScrollIntoView(t *testing.T) {
	vp := viewer.Viewport{ScrollTop: 220, Height: 220, RowHeight: 22} // rows 10..19 in view
	tests := []struct {
		row  int
		want float64
	}{
		{row: 12, want: 220},         // in view: no move
		{row: 10, want: 220},         // top row
		{row: 19, want: 220},         // bottom row
		{row: 9, want: 198},          // just above: align top
		{row: 20, want: 22*21 - 220}, // just below: align bottom
		{row: 0, want: 0},
	}
	for _, tt := range tests {
		if got := vp.ScrollIntoView(tt.row); got != tt.want {
			t.Errorf("ScrollIntoView(%d) = %v, want %v", tt.row, got, tt.want)
		}
	}
	if got := vp.PageRows(); got != 9 {
		t.Errorf("PageRows = %d, want 9", got)
	}
	if got := (viewer.Viewport{ScrollTop: 5000, Height: 220, RowHeight: 22}).Clamp(20); got.ScrollTop != 220 {
		t.Errorf("Clamp = %v, want 220", got.ScrollTop)
	}
	if got := (viewer.Viewport{ScrollTop: -3, Height: 220, RowHeight: 22}).Clamp(20); got.ScrollTop != 0 {
		t.Errorf("Clamp negative = %v, want 0", got.ScrollTop)
	}
}

func TestAnchorReanchor(t *testing.T) {
	rows := foldTree(t) // r a a1 a1x a2 b s
	vis := viewer.VisibleRows(rows, nil)
	vp := viewer.Viewport{ScrollTop: 22*2 + 7, Height: 66, RowHeight: 22}
	a := viewer.AnchorAt(rows, vis, vp)
	if a.SpanID != "a1" || a.Offset != 7 {
		t.Fatalf("AnchorAt = %+v, want a1 at 7", a)
	}
	// Folding r's first child a above… no: add rows above by folding
	// nothing but showing a different visible list: fold a1 (below the
	// anchor's own row nothing moves) then fold r (anchor hidden).
	if top, ok := viewer.Reanchor(rows, viewer.VisibleRows(rows, viewer.NewIDSet("a1")), a, 22); !ok || top != 22*2+7 {
		t.Errorf("Reanchor after a fold below = %v, %v; want %v", top, ok, 22*2+7)
	}
	if _, ok := viewer.Reanchor(rows, viewer.VisibleRows(rows, viewer.NewIDSet("r")), a, 22); ok {
		t.Error("Reanchor found a hidden anchor")
	}
	// New rows above the anchor move it down by as many rows.
	moreRows := append([]viewer.Row{rows[0], rows[1]}, rows...)
	moreVis := []int{0, 1, 2, 3, 4, 5, 6, 7, 8}
	if top, ok := viewer.Reanchor(moreRows, moreVis, a, 22); !ok || top != 22*4+7 {
		t.Errorf("Reanchor with two rows above = %v, %v; want %v", top, ok, 22*4+7)
	}
	if a := viewer.AnchorAt(rows, nil, vp); a != (viewer.Anchor{}) {
		t.Errorf("AnchorAt(no rows) = %+v", a)
	}
	if _, ok := viewer.Reanchor(rows, vis, viewer.Anchor{}, 22); ok {
		t.Error("Reanchor of the zero anchor")
	}
}
