package viewer

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/spanfall/spanfall/cache"
)

// headSpans is how many spans of a trace the viewer reads first, with
// [cache.TraceHeader], to draw its first screen while it reads the rest:
// a screen shows some 40 rows, and reading 300 spans takes a few
// milliseconds whatever the size of the trace.
const headSpans = 300

// HeadRecords returns the records of a trace's head (its first spans by
// start time) that can be drawn before the rest is read: the roots and
// the spans whose ancestors are all in the head, in their order. A span
// whose parent is not in the head is left out rather than drawn as an
// orphan: the parent may be among the spans still to come (a parent can
// start when its child does and sort after it), and a true orphan shows
// once the whole trace is read.
func HeadRecords(recs []cache.Record) []cache.Record {
	byID := make(map[string]int, len(recs))
	for i := range recs {
		byID[recs[i].Span.SpanID] = i
	}
	// state: 0 unknown, 1 drawable, 2 not drawable or being decided (a
	// parent cycle is not drawable).
	state := make([]uint8, len(recs))
	var drawable func(i int) bool
	drawable = func(i int) bool {
		switch state[i] {
		case 1:
			return true
		case 2:
			return false
		}
		state[i] = 2
		p := recs[i].Span.ParentSpanID
		ok := p == ""
		if j, found := byID[p]; found && !ok {
			ok = drawable(j)
		}
		if ok {
			state[i] = 1
		}
		return ok
	}
	out := make([]cache.Record, 0, len(recs))
	for i := range recs {
		if drawable(i) {
			out = append(out, recs[i])
		}
	}
	return out
}

// setHead lays out the head of the open trace, drawable at once, until
// [view.setTrace] or [view.mergeTrace] lays out the whole trace. The
// URL's fold and the detail pane wait for the whole trace: the head may
// lack their spans.
func (v *view) setHead(recs []cache.Record) {
	fold, pane := v.pendingFold, v.paneOpen
	v.setTrace(HeadRecords(recs))
	v.pendingFold, v.paneOpen = fold, pane
	v.partial = true
}

// showHead draws the head of trace traceID, read while the rest is read,
// unless the trace was closed or read whole meanwhile.
func (v *view) showHead(ctx app.Context, traceID string, head []cache.Record) {
	if traceID != v.traceID || v.traceRead == traceID || len(v.rows) > 0 {
		ctx.PreventUpdate()
		return
	}
	v.setHead(head)
	v.afterRows(ctx)
}
