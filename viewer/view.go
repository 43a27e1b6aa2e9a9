package viewer

import (
	"time"

	"github.com/spanfall/spanfall/cache"
)

// Waterfall geometry, in CSS pixels; viewer.css uses the same numbers.
const (
	rowHeight  = 22
	headHeight = 26
	// trackMargin is the room left and right of the bars' track.
	trackMargin = 14
	// overscan rows are rendered above and below the viewport; the row
	// slots shift in steps of as many rows.
	overscan = 8
	// maxGuides is the deepest tree-line indentation drawn; deeper rows
	// show their depth as a number instead of more columns.
	maxGuides = 24
	// maxMarkers bounds the event markers drawn on one bar.
	maxMarkers = 24
	// valueCut is where long attribute values are cut in the detail pane.
	valueCut = 240
)

// view is the state and markup shared by [Page] and [Panel]: the status
// line, the trace list, the waterfall of the open trace, its detail pane
// and the help overlay. It is not a component: its owner embeds it,
// renders it and forwards lifecycle events, and its handlers are methods
// so that go-app sees the same function from one render to the next.
//
// Its transitions (open a trace, fold, select, move, search, merge live
// data) are plain methods without an app.Context, tested on the host;
// the handlers in handlers.go do the I/O and call them.
type view struct {
	store cache.Store
	// embedded is true in the Panel: compact layout, no URL.
	embedded bool
	// idp prefixes the element ids of this view.
	idp string

	// Store status and the trace list.
	stats     cache.Stats
	listStats cache.Stats // the stats when the list was read
	listAt    time.Time
	traces    []cache.TraceSummary
	listed    []cache.TraceSummary
	query     ListQuery
	minDur    string // as typed
	minDurErr string
	listLimit int
	loaded    bool // the first load is done
	busy      bool // a load is in flight
	again     bool // load again once it is done…
	againFull bool // …reading the list too
	err       string

	// The pipeline status (status.go), when the app provides it.
	statusRef      statusRef
	statusObserved bool
	status         Status
	hasStatus      bool

	// The open trace.
	traceID    string
	rows       []Row
	start, end uint64
	index      map[string]int
	collapsed  IDSet
	visible    []int
	// traceRead is the trace whose records were read last, at traceAt,
	// taking traceCost, when the store's counts were traceStats.
	traceRead  string
	traceAt    time.Time
	traceCost  time.Duration
	traceStats cache.Stats
	// pendingFold is the URL's fold, applied when the trace's rows come.
	pendingFold string
	// partial is true while the rows are the trace's head (head.go).
	partial  bool
	selected string
	paneOpen bool
	// more holds the keys of long values shown whole ("a3", "r0", "e1.2").
	more     IDSet
	jsonOpen bool
	note     string // the outcome of the last copy

	// errors counts the open trace's error spans.
	errors int

	// Search in the open trace: the matching rows, in order and as a set.
	search  string
	matches []int
	isMatch map[int]bool

	// The waterfall's viewport and the rows rendered.
	vp          Viewport
	first, last int
	trackPx     float64

	paused bool
	help   bool
	// liveEvery is the live refresh period, 0 for none.
	liveEvery time.Duration
	// tick identifies the live refresh chain: a new chain bumps it and
	// older ones stop.
	tick int
	// urlDue is true while a URL update is scheduled.
	urlDue bool
	// url is the last URL path written.
	url string

	// The power tools (tools.go).
	tools
}

// newView returns an empty view reading store.
func newView(store cache.Store, embedded bool, idp string) view {
	return view{
		store: store, embedded: embedded, idp: idp,
		collapsed: IDSet{}, more: IDSet{},
		tools:     tools{win: FullWindow, runsOpen: IDSet{}, rulerFrom: -1},
		listLimit: defaultListLimit(embedded),
		vp:        Viewport{RowHeight: rowHeight, Height: 600},
		liveEvery: LiveInterval,
	}
}

func defaultListLimit(embedded bool) int {
	if embedded {
		return 100
	}
	return 200
}

// id returns the element id of a part of this view.
func (v *view) id(part string) string { return v.idp + "-" + part }

// setList stores a fresh trace list and the stats read with it.
func (v *view) setList(traces []cache.TraceSummary, st cache.Stats, at time.Time) {
	v.traces, v.stats, v.listStats, v.listAt = traces, st, st, at
	v.refilter()
}

// refilter applies the list query.
func (v *view) refilter() { v.listed = v.filterByTraceQuery(FilterTraces(v.traces, v.query)) }

// openTrace switches to trace id (rows to come from the store); "" closes
// the trace.
func (v *view) openTrace(id string) {
	if id == v.traceID {
		return
	}
	v.traceID, v.traceRead = id, ""
	v.rows, v.index, v.visible, v.matches, v.isMatch = nil, nil, nil, nil, nil
	v.errors = 0
	v.start, v.end = 0, 0
	v.collapsed, v.more = IDSet{}, IDSet{}
	v.selected, v.paneOpen, v.jsonOpen, v.note = "", false, false, ""
	v.pendingFold, v.partial = "", false
	v.vp.ScrollTop = 0
	v.first, v.last = 0, 0
	v.resetTools()
}

// setTrace lays out the records of the open trace, keeping the fold, the
// selection and the search; a fold from the URL is applied now.
func (v *view) setTrace(recs []cache.Record) {
	v.partial = false
	v.rows, v.start, v.end = Layout(recs)
	v.index = IndexByID(v.rows)
	v.errors = countErrors(v.rows)
	v.afterLayout()
	if v.pendingFold != "" {
		v.collapsed = DecodeFold(v.rows, v.pendingFold)
		v.pendingFold = ""
	}
	if v.selected != "" {
		if i, ok := v.index[v.selected]; ok {
			v.collapsed = Reveal(v.rows, i, v.collapsed)
		} else if len(v.rows) > 0 {
			// The selected span is not (or no longer) stored.
			v.paneOpen = false
		}
	}
	v.setSearch(v.search)
	v.refold(v.collapsed)
}

// mergeTrace lays out fresh records of the open trace without moving what
// the user looks at: the span at the top of the viewport stays where it
// is. It returns the new scroll top and whether it moved.
func (v *view) mergeTrace(recs []cache.Record) (top float64, moved bool) {
	a := AnchorAt(v.rows, v.visible, v.vp)
	v.setTrace(recs)
	if t, ok := Reanchor(v.rows, v.visible, a, rowHeight); ok && t != v.vp.ScrollTop {
		v.vp.ScrollTop = t
		v.vp = v.vp.Clamp(len(v.visible))
		v.reslice()
		return v.vp.ScrollTop, true
	}
	return v.vp.ScrollTop, false
}

// refold applies a fold. A selected span that the fold hides gives the
// selection to its nearest visible ancestor.
func (v *view) refold(c IDSet) {
	if c == nil {
		c = IDSet{}
	}
	v.collapsed = c
	v.visible = v.filterVisible(VisibleRows(v.rows, c))
	if i, ok := v.index[v.selected]; ok && v.position(i) < 0 {
		for a := v.rows[i].Parent; a >= 0; a = v.rows[a].Parent {
			if v.position(a) >= 0 {
				v.selected = v.rows[a].Record.Span.SpanID
				break
			}
		}
	}
	v.vp = v.vp.Clamp(len(v.visible))
	v.reslice()
}

// reslice recomputes the rendered rows from the viewport.
func (v *view) reslice() {
	v.first, v.last = v.vp.Slice(len(v.visible), overscan)
}

// position returns where row i is among the visible rows, -1 when hidden.
func (v *view) position(i int) int {
	// visible is sorted: binary search.
	lo, hi := 0, len(v.visible)
	for lo < hi {
		m := (lo + hi) / 2
		switch {
		case v.visible[m] == i:
			return m
		case v.visible[m] < i:
			lo = m + 1
		default:
			hi = m
		}
	}
	return -1
}

// selectedRow returns the selected row's index, -1 for none.
func (v *view) selectedRow() int {
	if i, ok := v.index[v.selected]; ok {
		return i
	}
	return -1
}

// selectRow selects row i (revealing it) and opens the detail pane when
// open is true. It returns the scroll top that shows the row.
func (v *view) selectRow(i int, open bool) float64 {
	if i < 0 || i >= len(v.rows) {
		return v.vp.ScrollTop
	}
	id := v.rows[i].Record.Span.SpanID
	if id != v.selected {
		v.more, v.jsonOpen, v.note = IDSet{}, false, ""
	}
	v.selected = id
	if open {
		v.paneOpen = true
	}
	if c := Reveal(v.rows, i, v.collapsed); len(c) != len(v.collapsed) || v.revealRun(i) {
		v.refold(c)
	}
	return v.scrollTo(v.position(i))
}

// scrollTo moves the viewport so visible position k is whole in it and
// returns the new scroll top.
func (v *view) scrollTo(k int) float64 {
	if k < 0 {
		return v.vp.ScrollTop
	}
	v.vp.ScrollTop = v.vp.ScrollIntoView(k)
	v.vp = v.vp.Clamp(len(v.visible))
	v.reslice()
	return v.vp.ScrollTop
}

// toggle folds or unfolds row i.
func (v *view) toggle(i int) {
	if i < 0 || i >= len(v.rows) || v.rows[i].Children == 0 {
		return
	}
	v.refold(v.collapsed.Toggle(v.rows[i].Record.Span.SpanID))
}

// setSearch searches the open trace.
func (v *view) setSearch(q string) {
	v.search = q
	v.searchRows(q)
	if v.onlyMatches {
		v.refold(v.collapsed)
	}
}

// effect is what a command asks of the owner beyond the view's state.
type effect struct {
	// scroll is true when the waterfall must scroll to vp.ScrollTop.
	scroll bool
	// focus names the element to focus ("" for none).
	focus string
	// url is true when the view's URL changed.
	url bool
}

// command applies a keyboard command. handled is false for a command that
// means nothing now (Escape with nothing to close), which the owner then
// leaves to the page.
func (v *view) command(cmd Command) (eff effect, handled bool) {
	top := v.vp.ScrollTop
	moved := func() effect { return effect{scroll: v.vp.ScrollTop != top, url: true} }
	switch cmd {
	case CmdHelp:
		v.help = !v.help
		return effect{}, true
	case CmdClose:
		switch {
		case v.help:
			v.help = false
		case v.paneOpen:
			v.paneOpen = false
			return effect{url: true, focus: v.id("grid")}, true
		case v.search != "":
			v.setSearch("")
			return effect{focus: v.id("grid")}, true
		default:
			return effect{focus: v.id("grid")}, false
		}
		return effect{}, true
	case CmdSearch:
		if v.traceID == "" {
			return effect{focus: v.id("filter")}, true
		}
		return effect{focus: v.id("search")}, true
	case CmdLive:
		v.paused = !v.paused
		return effect{}, true
	}
	if v.traceID != "" && v.zoomCommand(cmd) {
		return effect{url: true}, true
	}
	if v.traceID == "" || len(v.rows) == 0 {
		return effect{}, false
	}
	switch cmd {
	case CmdNextMatch, CmdPrevMatch:
		dir := 1
		if cmd == CmdPrevMatch {
			dir = -1
		}
		m := NextMatch(v.matches, v.selectedRow(), dir)
		if m < 0 {
			return effect{}, true
		}
		v.selectRow(m, false)
		return moved(), true
	case CmdOpen:
		if v.selectedRow() < 0 {
			return effect{}, false
		}
		v.paneOpen = true
		return effect{url: true}, true
	case CmdCollapseAll:
		v.refold(CollapseAll(v.rows))
		v.scrollTo(v.position(v.selectedRow()))
		return moved(), true
	case CmdExpandAll:
		v.refold(IDSet{})
		v.scrollTo(v.position(v.selectedRow()))
		return moved(), true
	}
	c := Step(v.rows, v.visible, Cursor{Selected: v.selectedRow(), Collapsed: v.collapsed}, cmd, v.vp.PageRows())
	if c.Selected >= 0 && c.Selected < len(v.rows) {
		if id := v.rows[c.Selected].Record.Span.SpanID; id != v.selected {
			v.more, v.jsonOpen, v.note = IDSet{}, false, ""
			v.selected = id
		}
	}
	if !c.Collapsed.Equal(v.collapsed) {
		v.refold(c.Collapsed)
	}
	v.scrollTo(v.position(c.Selected))
	return moved(), true
}

// viewState is the URL state of the view.
func (v *view) viewState() ViewState {
	s := ViewState{Trace: v.traceID}
	if v.paneOpen {
		s.Span = v.selected
	}
	if v.pendingFold != "" {
		s.Fold = v.pendingFold
	} else if f, ok := EncodeFold(v.rows, v.collapsed); ok {
		s.Fold = f
	}
	s.Window = EncodeWindow(v.win)
	return s
}

// applyViewState opens what a URL names: the trace, its selected span with
// the detail pane, and the fold once the rows are read.
func (v *view) applyViewState(s ViewState) {
	if s.Trace != v.traceID {
		v.openTrace(s.Trace)
	}
	v.pendingFold = s.Fold
	v.win = DecodeWindow(s.Window)
	v.selected = s.Span
	v.paneOpen = s.Span != ""
}
