package viewer

import "math"

// Viewport is the scroll state of a virtualised list of rows of one fixed
// height, in CSS pixels.
type Viewport struct {
	ScrollTop float64
	// Height is the visible height of the scroll container.
	Height    float64
	RowHeight float64
}

// top returns the index of the row at the viewport's top edge.
func (v Viewport) top() int {
	if v.RowHeight <= 0 || v.ScrollTop <= 0 || math.IsNaN(v.ScrollTop) {
		return 0
	}
	return int(v.ScrollTop / v.RowHeight)
}

// rowsInView returns how many rows the viewport shows, partly or whole.
func (v Viewport) rowsInView() int {
	if v.RowHeight <= 0 || !(v.Height > 0) {
		return 1
	}
	return int(math.Ceil(v.Height/v.RowHeight)) + 1
}

// PoolSize returns how many row slots [Viewport.Slice] fills at most with
// this overscan: the rows in view plus three quanta of overscan.
func (v Viewport) PoolSize(overscan int) int {
	return v.rowsInView() + 3*max(overscan, 1)
}

// Slice returns the rows [first, last) to render out of total: the rows in
// view with at least overscan rows above and below. first moves in steps
// of overscan, so scrolling within a step renders the same slots and only
// a step's crossing updates the DOM; last-first never exceeds PoolSize.
func (v Viewport) Slice(total, overscan int) (first, last int) {
	if total <= 0 {
		return 0, 0
	}
	q := max(overscan, 1)
	first = max(v.top()-q, 0)
	first -= first % q
	last = min(first+v.PoolSize(q), total)
	// Scrolled past the end (rows removed): show the tail.
	if first >= total {
		first = max(total-v.PoolSize(q), 0)
		last = total
	}
	return first, last
}

// ScrollIntoView returns the scroll top that shows row i whole, moving
// the least from the current one.
func (v Viewport) ScrollIntoView(i int) float64 {
	rowTop := float64(i) * v.RowHeight
	rowBottom := rowTop + v.RowHeight
	switch {
	case rowTop < v.ScrollTop:
		return rowTop
	case rowBottom > v.ScrollTop+v.Height && v.Height >= v.RowHeight:
		return rowBottom - v.Height
	}
	return v.ScrollTop
}

// Clamp returns the viewport with its scroll top within the scroll range
// of total rows.
func (v Viewport) Clamp(total int) Viewport {
	maxTop := max(float64(total)*v.RowHeight-v.Height, 0)
	v.ScrollTop = min(max(v.ScrollTop, 0), maxTop)
	return v
}

// PageRows returns how many whole rows fit in the viewport, at least 1:
// the move of PageUp and PageDown.
func (v Viewport) PageRows() int {
	if v.RowHeight <= 0 {
		return 1
	}
	return max(int(v.Height/v.RowHeight)-1, 1)
}

// Anchor is the row at the top of a viewport, by span id, and how far the
// viewport is scrolled past the row's top: what must stay in place when
// rows are added above or below.
type Anchor struct {
	SpanID string
	Offset float64
}

// AnchorAt returns the anchor of the viewport over the visible rows; the
// zero Anchor when there is no row.
func AnchorAt(rows []Row, visible []int, v Viewport) Anchor {
	if len(visible) == 0 {
		return Anchor{}
	}
	k := min(v.top(), len(visible)-1)
	return Anchor{
		SpanID: rows[visible[k]].Record.Span.SpanID,
		Offset: v.ScrollTop - float64(k)*v.RowHeight,
	}
}

// Reanchor returns the scroll top that puts the anchor's span back at the
// same distance from the viewport's top over the new visible rows, and
// false when the span is not visible any more.
func Reanchor(rows []Row, visible []int, a Anchor, rowHeight float64) (float64, bool) {
	if a.SpanID == "" {
		return 0, false
	}
	for k, i := range visible {
		if rows[i].Record.Span.SpanID == a.SpanID {
			return float64(k)*rowHeight + a.Offset, true
		}
	}
	return 0, false
}
