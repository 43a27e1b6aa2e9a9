package viewer

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/spanfall/spanfall/cache"
)

// RefreshAction is the go-app action that makes every mounted viewer read
// the store now, e.g. after the app recorded something worth seeing:
// ctx.NewAction(viewer.RefreshAction).
const RefreshAction = "spanfall.viewer.refresh"

// readTimeout bounds one read of the store.
const readTimeout = 15 * time.Second

// urlDelay is how long URL updates are gathered before one
// history.replaceState: browsers throttle a key held down otherwise.
const urlDelay = 250 * time.Millisecond

// loadAll reads the store's stats, the trace list when full is true or
// the list is due ([ListDue]), and the open trace once [view.loadTrace]
// read it, on a goroutine; the results are applied on the UI goroutine,
// the open trace merged without moving the viewport. Called while a load
// is in flight, it runs once that one is done.
func (v *view) loadAll(ctx app.Context, full bool) {
	store := v.store
	if store == nil {
		return
	}
	if v.busy {
		v.again = true
		v.againFull = v.againFull || full
		return
	}
	v.busy = true
	listStats, listAt, first := v.listStats, v.listAt, !v.loaded
	traceID, traceStats, traceAt, traceCost := "", v.traceStats, v.traceAt, v.traceCost
	if v.traceRead == v.traceID {
		traceID = v.traceID
	}
	// A live refresh reads only the spans stored after those shown
	// (TailFrom says when it may), unless spans were evicted since the
	// rows were read: the rows would keep them.
	tailFrom, tail := TailFrom(store, v.rows, full || v.partial)
	ctx.Async(func() {
		c, cancel := context.WithTimeout(context.Background(), readTimeout)
		defer cancel()
		st, err := store.Stats(c)
		var traces []cache.TraceSummary
		readList := false
		if err == nil && (full || first || ListDue(listAt, time.Now(), StatsChanged(st, listStats), traceID != "")) {
			traces, err = store.Traces(c)
			readList = true
		}
		var recs []cache.Record
		readTrace, readTail := false, false
		var cost time.Duration
		if err == nil && traceID != "" && (full || TraceDue(traceAt, traceCost, time.Now(), StatsChanged(st, traceStats))) {
			t0 := time.Now()
			if tail && st.Evicted.Total() == traceStats.Evicted.Total() {
				recs, err = store.(cache.TraceTailer).TraceAfter(c, traceID, tailFrom)
				readTail = true
			} else {
				recs, err = store.Trace(c, traceID)
			}
			readTrace, cost = true, time.Since(t0)
		}
		ctx.Dispatch(func(ctx app.Context) {
			v.busy, v.loaded = false, true
			if v.again {
				full := v.againFull
				v.again, v.againFull = false, false
				defer v.loadAll(ctx, full)
			}
			if err != nil {
				v.readStatus()
				v.err = err.Error()
				return
			}
			changed := v.readStatus() || v.err != "" || StatsChanged(v.stats, st) || readList
			v.err, v.stats = "", st
			if readList {
				v.setList(traces, st, time.Now())
			}
			if readTail && (traceID != v.traceID || v.traceRead != traceID || v.partial || MaxSeq(v.rows) != tailFrom) {
				readTrace = false // the rows changed meanwhile: the next tick reads again
			}
			if readTrace && traceID == v.traceID && v.traceRead == traceID {
				v.traceAt, v.traceCost, v.traceStats = time.Now(), cost, st
				if readTail {
					if len(recs) == 0 {
						recs = nil // nothing new: no layout
					} else {
						recs = AppendTail(v.rows, recs)
					}
				}
				switch {
				case readTail && recs == nil:
				case TraceChanged(v.rows, recs):
					if top, moved := v.mergeTrace(recs); moved {
						ctx.Defer(func(app.Context) { setScrollTop(v.id("grid"), top) })
					}
					changed = true
				}
			}
			if !changed {
				ctx.PreventUpdate()
			}
		})
	})
}

// loadTrace reads the open trace, for a trace just opened (one index
// read), then reads the rest with loadAll(ctx, full). The list's scan of
// the whole store waits: wasm runs on one thread, and the waterfall is
// what the user asked for.
func (v *view) loadTrace(ctx app.Context, full bool) {
	store, traceID := v.store, v.traceID
	if store == nil || traceID == "" || v.traceRead == traceID {
		v.loadAll(ctx, full)
		return
	}
	stats := v.stats
	ctx.Async(func() {
		c, cancel := context.WithTimeout(context.Background(), readTimeout)
		defer cancel()
		t0 := time.Now()
		// A big trace's first screen is drawn from its head while the
		// rest is read; a head shorter than asked is the whole trace.
		var recs []cache.Record
		var err error
		whole := false
		if h, ok := store.(cache.TraceHeader); ok {
			head, herr := h.TraceHead(c, traceID, headSpans)
			switch {
			case herr != nil:
			case len(head) < headSpans:
				recs, whole = head, true
			default:
				ctx.Dispatch(func(ctx app.Context) { v.showHead(ctx, traceID, head) })
			}
		}
		if !whole {
			recs, err = store.Trace(c, traceID)
		}
		cost := time.Since(t0)
		ctx.Dispatch(func(ctx app.Context) {
			defer v.loadAll(ctx, full)
			switch {
			case traceID != v.traceID:
			case err != nil:
				v.err = err.Error()
			default:
				// The counts of the store are not known for this read:
				// the next tick reads the trace again if they changed
				// since the last ones read.
				v.traceRead, v.traceAt, v.traceCost, v.traceStats = traceID, time.Now(), cost, stats
				if v.partial {
					v.mergeTrace(recs) // the rows of the head stay in view
				} else {
					v.setTrace(recs)
				}
				v.afterRows(ctx)
			}
		})
	})
}

// afterRows runs once a trace's rows are drawn: it measures the
// waterfall and shows the selected span.
func (v *view) afterRows(ctx app.Context) {
	if i := v.selectedRow(); i >= 0 {
		v.scrollTo(v.position(i))
	}
	top := v.vp.ScrollTop
	ctx.Defer(func(ctx app.Context) {
		setScrollTop(v.id("grid"), top)
		v.measure(ctx)
	})
}

// measure reads the waterfall's size from the page (after a render) and
// renders again when it changed. The scroll position is onScroll's to
// read.
func (v *view) measure(ctx app.Context) {
	v.drawMinimap()
	h, ok := clientHeight(v.id("grid"))
	if !ok {
		return
	}
	track := elementWidth(v.id("ruler"))
	h = max(h-headHeight, rowHeight)
	if abs(h-v.vp.Height) < 1 && abs(track-v.trackPx) < 1 {
		return
	}
	ctx.Dispatch(func(app.Context) {
		v.vp.Height, v.trackPx = h, track
		v.vp = v.vp.Clamp(len(v.visible))
		v.reslice()
	})
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// startLive follows the pipeline status the app provides (status.go) and
// starts the live refresh chain (see [LiveInterval]); a chain
// started before stops.
func (v *view) startLive(ctx app.Context) {
	v.observeStatus(ctx) // status.go
	v.tick++
	gen, every := v.tick, v.liveEvery
	if every <= 0 {
		return
	}
	var next func(ctx app.Context)
	next = func(ctx app.Context) {
		if gen != v.tick {
			return
		}
		if !v.paused && !v.busy {
			v.loadAll(ctx, false)
		}
		ctx.After(every, next)
		ctx.PreventUpdate()
	}
	ctx.After(every, next)
}

// stopLive ends the live refresh chain.
func (v *view) stopLive() { v.tick++ }

// apply carries out a command's effect, then measures the waterfall
// again: the detail pane may have opened or closed beside it.
func (v *view) apply(ctx app.Context, eff effect) {
	ctx.Defer(v.measure)
	if eff.scroll {
		top := v.vp.ScrollTop
		ctx.Defer(func(app.Context) { setScrollTop(v.id("grid"), top) })
	}
	if eff.focus != "" {
		id := eff.focus
		ctx.Defer(func(app.Context) { focusElement(id, id == v.id("search") || id == v.id("filter")) })
	}
	if eff.url {
		v.urlLater(ctx)
	}
}

// key handles a key press; it reports whether the viewer used it (the
// caller then cancels the event).
func (v *view) key(ctx app.Context, k KeyEvent) bool {
	cmd := CommandFor(k)
	if cmd == CmdNone {
		return false
	}
	if k.Typing && cmd == CmdClose {
		// Escape in a field leaves it, keeping what was typed: n and N
		// then step through the search's matches.
		v.apply(ctx, effect{focus: v.id("grid")})
		return true
	}
	eff, handled := v.command(cmd)
	v.apply(ctx, eff)
	return handled
}

// urlLater schedules writing the view into the page URL (page mode only).
func (v *view) urlLater(ctx app.Context) {
	if v.embedded || v.urlDue {
		return
	}
	v.urlDue = true
	ctx.After(urlDelay, func(ctx app.Context) {
		v.urlDue = false
		v.writeURL(ctx)
		ctx.PreventUpdate()
	})
}

// writeURL replaces the page URL with the view's, when it changed.
func (v *view) writeURL(ctx app.Context) {
	base := ctx.Page().URL().Path
	if base == "" {
		base = "/viewer"
	}
	p := v.viewState().Path(base)
	if p == v.url {
		return
	}
	u, err := url.Parse(p)
	if err != nil {
		return
	}
	v.url = p
	ctx.Page().ReplaceURL(u)
}

// open opens trace id.
func (v *view) open(ctx app.Context, id string) {
	if id == v.traceID {
		return
	}
	v.openTrace(id)
	v.loadTrace(ctx, false)
	v.urlLater(ctx)
}

// Handlers. Each reads what it needs from the event and calls the
// transitions above.

func (v *view) onRefresh(ctx app.Context, _ app.Event) { v.loadAll(ctx, true) }

func (v *view) onLive(ctx app.Context, _ app.Event) {
	v.paused = !v.paused
	if !v.paused {
		v.loadAll(ctx, false)
	}
}

func (v *view) onHelp(ctx app.Context, _ app.Event) { v.help = !v.help }

func (v *view) onFilterText(ctx app.Context, _ app.Event) {
	v.query.Text = str(ctx.JSSrc(), "value")
	v.listLimit = defaultListLimit(v.embedded)
	v.refilter()
}

func (v *view) onStatusFilter(ctx app.Context, _ app.Event) {
	v.setStatusFilter(str(ctx.JSSrc(), "value"))
}

// setStatusFilter applies the status select's value ("any", "errors",
// "ok"); anything else means any.
func (v *view) setStatusFilter(value string) {
	switch f := StatusFilter(value); f {
	case StatusErrors, StatusOK:
		v.query.Status = f
	default:
		v.query.Status = StatusAny
	}
	v.refilter()
}

func (v *view) onMinDuration(ctx app.Context, _ app.Event) {
	v.minDur = str(ctx.JSSrc(), "value")
	d, err := ParseMinDuration(v.minDur)
	if err != nil {
		v.minDurErr = err.Error()
		return
	}
	v.minDurErr, v.query.MinDuration = "", d
	v.refilter()
}

func (v *view) onSort(ctx app.Context, e app.Event) {
	key := SortKey(closestAttr(e, "data-sort"))
	v.sortBy(key)
}

// sortBy sorts the list by key, or reverses the order when it is already
// sorted by key.
func (v *view) sortBy(key SortKey) {
	switch key {
	case SortStart, SortDuration, SortErrors, SortSpans:
	default:
		return
	}
	cur := v.query.Sort
	if cur == "" {
		cur = SortStart
	}
	if cur == key {
		v.query.Ascending = !v.query.Ascending
	} else {
		v.query.Sort, v.query.Ascending = key, false
	}
	v.refilter()
}

func (v *view) onMoreTraces(ctx app.Context, _ app.Event) {
	v.listLimit += defaultListLimit(v.embedded)
}

func (v *view) onTraceClick(ctx app.Context, e app.Event) {
	id := closestAttr(e, "data-trace-id")
	if id == "" {
		return
	}
	// A modified click on the link opens a tab, as links do.
	if boolean(e.Value, "ctrlKey") || boolean(e.Value, "metaKey") || boolean(e.Value, "shiftKey") {
		return
	}
	// The row's link must not navigate: go-app's window click handler
	// would build a new page and read the whole store again.
	preventDefault(e.Value)
	stopPropagation(e.Value)
	v.open(ctx, id)
}

func (v *view) onCloseTrace(ctx app.Context, _ app.Event) {
	v.openTrace("")
	v.urlLater(ctx)
	v.apply(ctx, effect{focus: v.id("filter")})
}

// rowOf returns the row index an event's target belongs to, read from
// attribute attr (data-row or data-toggle); -1 when none.
func (v *view) rowOf(e app.Event, attr string) int {
	s := closestAttr(e, attr)
	if s == "" {
		return -1
	}
	i, err := strconv.Atoi(s)
	if err != nil || i < 0 || i >= len(v.rows) {
		return -1
	}
	return i
}

func (v *view) onGridClick(ctx app.Context, e app.Event) {
	if i := v.rowOf(e, "data-run"); i >= 0 {
		v.toggleRun(i)
		return
	}
	if i := v.rowOf(e, "data-toggle"); i >= 0 && v.rows[i].Children > 0 {
		v.toggle(i)
		v.urlLater(ctx)
		return
	}
	if i := v.rowOf(e, "data-row"); i >= 0 {
		v.selectRow(i, true)
		v.apply(ctx, effect{url: true})
	}
}

func (v *view) onGridDblClick(ctx app.Context, e app.Event) {
	if i := v.rowOf(e, "data-row"); i >= 0 {
		v.toggle(i)
		v.urlLater(ctx)
	}
}

func (v *view) onScroll(ctx app.Context, _ app.Event) {
	el := ctx.JSSrc()
	v.vp.ScrollTop = number(el, "scrollTop")
	if h := number(el, "clientHeight"); h > 0 {
		v.vp.Height = max(h-headHeight, rowHeight)
	}
	first, last := v.first, v.last
	v.reslice()
	if first == v.first && last == v.last {
		ctx.PreventUpdate()
	}
}

func (v *view) onCollapseAll(ctx app.Context, _ app.Event) { v.fold(ctx, CollapseAll(v.rows)) }

func (v *view) onExpandAll(ctx app.Context, _ app.Event) { v.fold(ctx, IDSet{}) }

func (v *view) onCollapseLevel(ctx app.Context, _ app.Event) {
	v.fold(ctx, CollapseLevel(v.rows, v.collapsed))
}

func (v *view) onExpandLevel(ctx app.Context, _ app.Event) {
	v.fold(ctx, ExpandLevel(v.rows, v.collapsed))
}

// fold applies a fold from a toolbar button, keeping the selection in
// view.
func (v *view) fold(ctx app.Context, c IDSet) {
	v.refold(c)
	v.scrollTo(v.position(v.selectedRow()))
	v.apply(ctx, effect{scroll: true, url: true})
}

func (v *view) onSearchInput(ctx app.Context, _ app.Event) {
	v.setSearch(str(ctx.JSSrc(), "value"))
	// Jump to the first match from the selection (staying on it when it
	// matches), as a find bar does.
	if m := NextMatch(v.matches, v.selectedRow()-1, 1); m >= 0 {
		v.selectRow(m, false)
		v.apply(ctx, effect{scroll: true, url: true})
	}
}

func (v *view) onNextMatch(ctx app.Context, _ app.Event) {
	eff, _ := v.command(CmdNextMatch)
	v.apply(ctx, eff)
}

func (v *view) onPrevMatch(ctx app.Context, _ app.Event) {
	eff, _ := v.command(CmdPrevMatch)
	v.apply(ctx, eff)
}

func (v *view) onClosePane(ctx app.Context, _ app.Event) {
	v.paneOpen = false
	v.apply(ctx, effect{url: true, focus: v.id("grid")})
}

func (v *view) onToggleJSON(ctx app.Context, _ app.Event) { v.jsonOpen = !v.jsonOpen }

func (v *view) onMoreValue(ctx app.Context, e app.Event) {
	if key := closestAttr(e, "data-more"); key != "" {
		v.more = v.more.Toggle(key)
	}
}

func (v *view) onCopyJSON(ctx app.Context, _ app.Event) {
	i := v.selectedRow()
	if i < 0 {
		return
	}
	js, err := SpanJSON(v.rows[i].Record)
	if err != nil {
		v.note = err.Error()
		return
	}
	id := v.selected
	v.note = "Copying…"
	writeClipboard(js, func(ok bool) {
		ctx.Dispatch(func(app.Context) {
			if v.selected != id {
				return
			}
			if ok {
				v.note = "Copied"
				return
			}
			v.note = "The clipboard is not available here: use Show JSON and copy by hand."
			v.jsonOpen = true
		})
	})
}
