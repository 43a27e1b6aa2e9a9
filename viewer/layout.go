package viewer

import (
	"sort"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

// Row is one line of the waterfall: a span, its place in the span tree and
// its bar's place on the time axis as fractions of the trace's extent.
//
// Rows come in depth-first order, so the subtree of row i is
// rows[i:rows[i].SubtreeEnd].
type Row struct {
	Record cache.Record
	// Depth is 0 for roots (and orphans), parent depth + 1 otherwise.
	Depth int
	// Orphan is true when the span names a parent that is not stored.
	Orphan bool
	// Children counts the row's direct children.
	Children int
	// Offset and Width place the bar: 0 is the trace start, 1 its end.
	Offset, Width float64
	// Parent is the index of the parent row, -1 for a root or an orphan.
	Parent int
	// SubtreeEnd is the index one past the row's last descendant.
	SubtreeEnd int
	// Last is true for the last child of its parent, and for the last
	// top-level row.
	Last bool
	// Error is true when the span's own status is an error.
	Error bool
	// ErrorBelow is true when a descendant's status is an error: what a
	// collapsed parent shows.
	ErrorBelow bool
	// Unfinished is true for a span with no end time (EndTimeUnixNano 0):
	// its bar runs to the end of the trace.
	Unfinished bool
}

// SpanID returns the row's span id.
func (r *Row) SpanID() string { return r.Record.Span.SpanID }

// Layout orders a trace's records depth-first (siblings by start time) and
// places each bar within the trace's extent [start, end] in Unix ns. Spans
// whose parent is missing are shown as roots marked Orphan; none is dropped,
// even when parent links form a cycle. A span without an end time is
// Unfinished and its bar runs to the trace's end.
func Layout(recs []cache.Record) (rows []Row, start, end uint64) {
	if len(recs) == 0 {
		return nil, 0, 0
	}
	byID := make(map[string]int, len(recs))
	for i, r := range recs {
		byID[r.Span.SpanID] = i
		if i == 0 || r.Span.StartTimeUnixNano < start {
			start = r.Span.StartTimeUnixNano
		}
		end = max(end, r.Span.EndTimeUnixNano, r.Span.StartTimeUnixNano)
	}
	children := make(map[string][]int, len(recs))
	var roots []int
	for i, r := range recs {
		p := r.Span.ParentSpanID
		if _, ok := byID[p]; ok && p != "" && p != r.Span.SpanID {
			children[p] = append(children[p], i)
		} else {
			roots = append(roots, i)
		}
	}
	byStart := func(ix []int) {
		sort.SliceStable(ix, func(a, b int) bool {
			return recs[ix[a]].Span.StartTimeUnixNano < recs[ix[b]].Span.StartTimeUnixNano
		})
	}
	byStart(roots)
	total := float64(end - start)
	place := func(r *Row) {
		if total <= 0 {
			r.Offset, r.Width = 0, 1
			return
		}
		s := &r.Record.Span
		r.Offset = float64(s.StartTimeUnixNano-start) / total
		if r.Unfinished {
			r.Width = float64(end-s.StartTimeUnixNano) / total
			return
		}
		r.Width = float64(s.Duration()) / total
	}
	visited := make([]bool, len(recs))
	rows = make([]Row, 0, len(recs))
	// walk appends the subtree of recs[i] and reports whether it holds an
	// error span.
	var walk func(i, parent, depth int, orphan bool) bool
	walk = func(i, parent, depth int, orphan bool) bool {
		visited[i] = true
		s := &recs[i].Span
		kids := children[s.SpanID]
		byStart(kids)
		at := len(rows)
		rows = append(rows, Row{
			Record: recs[i], Depth: depth, Orphan: orphan, Parent: parent,
			Error:      s.Status.Code == span.StatusError,
			Unfinished: s.EndTimeUnixNano == 0,
		})
		place(&rows[at])
		below := false
		for _, k := range kids {
			if visited[k] {
				continue
			}
			rows[at].Children++
			if walk(k, at, depth+1, false) {
				below = true
			}
		}
		rows[at].ErrorBelow = below
		rows[at].SubtreeEnd = len(rows)
		return below || rows[at].Error
	}
	for _, i := range roots {
		if !visited[i] {
			walk(i, -1, 0, recs[i].Span.ParentSpanID != "")
		}
	}
	// Spans on a parent cycle are reachable from no root: show them too.
	for i := range recs {
		if !visited[i] {
			walk(i, -1, 0, true)
		}
	}
	for i := range rows {
		if p := rows[i].Parent; p >= 0 {
			rows[i].Last = rows[i].SubtreeEnd == rows[p].SubtreeEnd
		} else {
			rows[i].Last = rows[i].SubtreeEnd == len(rows)
		}
	}
	return rows, start, end
}

// Guide is one column of the tree lines drawn left of a span name.
type Guide uint8

// Guides, from the left: a column is blank or a vertical line passing by
// (an ancestor has later siblings); the last column joins the row to its
// parent, as a tee (more siblings follow) or an elbow (last child).
const (
	GuideBlank Guide = iota
	GuideLine
	GuideTee
	GuideElbow
)

// String draws the guide as box-drawing text.
func (g Guide) String() string {
	switch g {
	case GuideLine:
		return "│"
	case GuideTee:
		return "├"
	case GuideElbow:
		return "└"
	}
	return " "
}

// Guides returns the tree-line columns of row i: one per depth level, none
// for a top-level row. Column k (k < depth-1) has a line when the
// ancestor at depth k+1 is not the last child of its parent.
func Guides(rows []Row, i int) []Guide {
	if i < 0 || i >= len(rows) || rows[i].Depth == 0 {
		return nil
	}
	d := rows[i].Depth
	out := make([]Guide, d)
	if rows[i].Last {
		out[d-1] = GuideElbow
	} else {
		out[d-1] = GuideTee
	}
	for a, k := rows[i].Parent, d-2; a >= 0 && k >= 0; a, k = rows[a].Parent, k-1 {
		if !rows[a].Last {
			out[k] = GuideLine
		}
	}
	return out
}

// IndexByID maps each row's span id to its index.
func IndexByID(rows []Row) map[string]int {
	m := make(map[string]int, len(rows))
	for i := range rows {
		m[rows[i].Record.Span.SpanID] = i
	}
	return m
}
