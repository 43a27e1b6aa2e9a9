// Package critpath computes a trace's critical path: the chain of spans
// that determined when the root span ended. Shortening a span off the path
// does not make the trace faster; shortening one on it may.
//
// The rule, applied from the root down ([Compute]):
//
//  1. Only finished spans count (an end time after their start); a span
//     with no end is left out with its subtree.
//  2. A child is clipped to its parent's window: its end to the parent's
//     end (an async child that outlives its parent determined nothing past
//     that end) and its start to the parent's start. A child that starts
//     at or after its parent's end is left out.
//  3. Within a span, a cursor starts at the span's end. The child whose
//     clipped end is the latest at or before the cursor (and that starts
//     before it) is on the path: the time between its end and the cursor
//     is the parent's own time, the child is walked the same way, and the
//     cursor moves to the child's start. Ties go to the child that starts
//     later, then to the lower span id. Children that end after the
//     cursor ran in parallel with a chosen child and are skipped.
//  4. When no child is left, the time from the span's start to the cursor
//     is the span's own.
//
// The root is the span without a parent (or whose parent is not stored)
// that ends last.
package critpath

import (
	"slices"

	"github.com/spanfall/spanfall/tracer/span"
)

// Segment is a stretch of time during which a span itself (not one of its
// children) was on the critical path, [Start, End) in Unix ns.
type Segment struct {
	SpanID     string
	Start, End uint64
}

// Path is a trace's critical path.
type Path struct {
	// Segments cover the root's duration, in time order, without overlap.
	Segments []Segment
	// IDs holds every span on the path: those with a segment and the
	// ancestors they run in.
	IDs map[string]bool
}

// On reports whether span id is on the path.
func (p Path) On(id string) bool { return p.IDs[id] }

// Compute returns the critical path of a trace's spans (in any order).
// It returns an empty path when no span is finished.
func Compute(spans []span.Span) Path {
	byID := make(map[string]int, len(spans))
	for i := range spans {
		byID[spans[i].SpanID] = i
	}
	kids := make(map[string][]int, len(spans))
	root := -1
	for i := range spans {
		s := &spans[i]
		if !finished(s) {
			continue
		}
		if p, ok := byID[s.ParentSpanID]; ok && s.ParentSpanID != "" && s.ParentSpanID != s.SpanID {
			kids[spans[p].SpanID] = append(kids[spans[p].SpanID], i)
			continue
		}
		if root < 0 || s.EndTimeUnixNano > spans[root].EndTimeUnixNano ||
			(s.EndTimeUnixNano == spans[root].EndTimeUnixNano && s.StartTimeUnixNano < spans[root].StartTimeUnixNano) {
			root = i
		}
	}
	p := Path{IDs: map[string]bool{}}
	if root < 0 {
		return p
	}
	w := walker{spans: spans, kids: kids, path: &p, seen: map[int]bool{}}
	r := &spans[root]
	w.walk(root, r.StartTimeUnixNano, r.EndTimeUnixNano)
	slices.Reverse(p.Segments)
	return p
}

func finished(s *span.Span) bool { return s.EndTimeUnixNano > s.StartTimeUnixNano }

type walker struct {
	spans []span.Span
	kids  map[string][]int
	path  *Path
	seen  map[int]bool // guards against parent cycles
}

type clipped struct {
	i          int
	start, end uint64
}

// walk appends, latest first, the segments of span i within its clipped
// window [start, end].
func (w *walker) walk(i int, start, end uint64) {
	w.seen[i] = true
	s := &w.spans[i]
	w.path.IDs[s.SpanID] = true
	var cs []clipped
	for _, k := range w.kids[s.SpanID] {
		c := &w.spans[k]
		if w.seen[k] || c.StartTimeUnixNano >= end {
			continue
		}
		cs = append(cs, clipped{k, max(c.StartTimeUnixNano, start), min(c.EndTimeUnixNano, end)})
	}
	slices.SortFunc(cs, func(a, b clipped) int {
		switch {
		case a.end != b.end:
			return cmpDesc(a.end, b.end)
		case a.start != b.start:
			return cmpDesc(a.start, b.start)
		}
		return compareStr(w.spans[a.i].SpanID, w.spans[b.i].SpanID)
	})
	cursor := end
	for _, c := range cs {
		if cursor <= start {
			break
		}
		if c.end > cursor || c.start >= cursor || c.end <= c.start || w.seen[c.i] {
			continue
		}
		if c.end < cursor {
			w.path.Segments = append(w.path.Segments, Segment{SpanID: s.SpanID, Start: c.end, End: cursor})
		}
		w.walk(c.i, c.start, c.end)
		cursor = c.start
	}
	if cursor > start {
		w.path.Segments = append(w.path.Segments, Segment{SpanID: s.SpanID, Start: start, End: cursor})
	}
}

func cmpDesc(a, b uint64) int {
	if a > b {
		return -1
	}
	return 1
}

func compareStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
