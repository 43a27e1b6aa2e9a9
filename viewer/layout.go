package viewer

import (
	"sort"

	"github.com/spanfall/spanfall/cache"
)

// Row is one line of the waterfall: a span, its depth in the tree and its
// bar's place on the time axis as fractions of the trace's extent.
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
}

// Layout orders a trace's records depth-first (siblings by start time) and
// places each bar within the trace's extent [start, end] in Unix ns. Spans
// whose parent is missing are shown as roots marked Orphan; none is dropped,
// even when parent links form a cycle.
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
		s := r.Record.Span
		r.Offset = float64(s.StartTimeUnixNano-start) / total
		r.Width = float64(s.Duration()) / total
	}
	visited := make([]bool, len(recs))
	rows = make([]Row, 0, len(recs))
	var walk func(i, depth int, orphan bool)
	walk = func(i, depth int, orphan bool) {
		if visited[i] {
			return
		}
		visited[i] = true
		kids := children[recs[i].Span.SpanID]
		byStart(kids)
		row := Row{Record: recs[i], Depth: depth, Orphan: orphan, Children: len(kids)}
		place(&row)
		rows = append(rows, row)
		for _, k := range kids {
			walk(k, depth+1, false)
		}
	}
	for _, i := range roots {
		walk(i, 0, recs[i].Span.ParentSpanID != "")
	}
	// Spans on a parent cycle are reachable from no root: show them too.
	for i := range recs {
		if !visited[i] {
			walk(i, 0, true)
		}
	}
	return rows, start, end
}
