package viewer

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/spanfall/spanfall/cache"
)

// Stylesheet is the path of the viewer's CSS (web/viewer.css in this
// repository). [Page] and [Panel] link it themselves; an app that lists it
// in its app.Handler Styles also gets it precached for offline use.
const Stylesheet = "/web/viewer.css"

// render draws the whole view, with the owner's extra toolbar controls.
// Only text nodes carry text from spans (go-app escapes them); attributes
// carry ids and numbers only.
func (v *view) render(toolbar ...app.UI) app.UI {
	mode := "sfv-page"
	if v.embedded {
		mode = "sfv-embedded"
	}
	return app.Div().Class("sfv-root", mode).Attr("data-testid", "viewer").Body(
		v.renderToolbar(toolbar...),
		app.If(v.store != nil && v.store.Kind() == "memory", func() app.UI {
			return app.P().Class("sfv-warning").Attr("role", "status").Attr("data-testid", "store-warning").
				Text("IndexedDB is unavailable (private mode, disabled storage or an old browser): spans are kept in memory only and are lost when this tab closes.")
		}),
		app.If(v.err != "", func() app.UI {
			return app.P().Class("sfv-error").Attr("role", "alert").Text(v.err)
		}),
		app.Div().Class(classes("sfv-main", when(v.traceID != "", "sfv-has-trace"))).Body(
			v.renderList(),
			app.If(v.traceID != "", v.renderTrace).
				ElseIf(v.embedded && len(v.listed) > 0, func() app.UI {
					return app.P().Class("sfv-empty", "sfv-pick").Text("Pick a trace to see its waterfall.")
				}),
		),
		app.If(v.help, v.renderHelp),
	)
}

// renderToolbar draws the top bar: title, refresh, live switch, the
// pipeline status line and the owner's extra controls.
func (v *view) renderToolbar(extra ...app.UI) app.UI {
	live := "Live"
	if v.paused {
		live = "Paused"
	}
	return app.Header().Class("sfv-toolbar").Body(
		app.H1().Class("sfv-title").Body(app.Span().Class("sfv-logo").Aria("hidden", true), app.Text("Spanfall")),
		app.Button().Class("sfv-btn").Attr("data-testid", "refresh").Title("Read the store again").
			Text("Refresh").OnClick(v.onRefresh),
		app.Button().Class(classes("sfv-btn", "sfv-live", when(!v.paused, "sfv-on"))).
			Attr("data-testid", "live-toggle").Aria("pressed", !v.paused).
			Title("Add new spans as they are stored (p)").
			Body(app.Span().Class("sfv-live-dot").Aria("hidden", true), app.Text(live)).
			OnClick(v.onLive),
		app.Span().Class("sfv-status").Attr("data-testid", "store-status").Text(v.statusText()),
		app.If(v.hasStatus, func() app.UI {
			return app.Span().Class(classes("sfv-status", "sfv-pipeline", when(!v.status.Online, "sfv-offline"))).
				Attr("data-testid", "pipeline-status").Title(v.status.LastError).
				Text(PipelineLine(v.status, time.Local))
		}),
		app.Div().Class("sfv-toolbar-end").Body(
			app.Range(extra).Slice(func(i int) app.UI { return extra[i] }),
			app.Button().Class("sfv-btn", "sfv-icon").Attr("data-testid", "help-toggle").
				Aria("label", "Keyboard shortcuts").Title("Keyboard shortcuts (?)").Text("?").OnClick(v.onHelp),
		),
	)
}

func (v *view) statusText() string {
	if v.store == nil {
		return "no store"
	}
	if !v.loaded {
		return "loading…"
	}
	return StatusLine(v.store.Kind(), v.stats)
}

// renderList draws the filters and the trace list. Row clicks are handled
// once on the table body, which reads the row's data-trace-id: go-app
// keeps a row's first handler when only its closure's data changes.
func (v *view) renderList() app.UI {
	return app.Section().Class("sfv-list").Aria("label", "Traces").Body(
		app.Div().Class("sfv-filters").Body(
			app.Input().Class("sfv-input").ID(v.id("filter")).Type("search").
				Placeholder("Filter traces").Aria("label", "Filter traces by name, service or id").
				Attr("data-testid", "trace-filter").Spellcheck(false).AutoComplete(false).
				Value(v.query.Text).OnInput(v.onFilterText),
			app.Select().Class("sfv-input").Aria("label", "Status").Attr("data-testid", "status-filter").
				OnChange(v.onStatusFilter).Body(
				app.Option().Value("any").Selected(v.query.Status == StatusAny).Text("any status"),
				app.Option().Value(string(StatusErrors)).Selected(v.query.Status == StatusErrors).Text("with errors"),
				app.Option().Value(string(StatusOK)).Selected(v.query.Status == StatusOK).Text("without errors"),
			),
			app.Input().Class(classes("sfv-input", "sfv-mindur", when(v.minDurErr != "", "sfv-bad"))).
				Type("text").Placeholder("min duration").Aria("label", "Minimum duration, e.g. 10ms").
				Attr("data-testid", "min-duration").Spellcheck(false).AutoComplete(false).
				Aria("invalid", v.minDurErr != "").Value(v.minDur).OnInput(v.onMinDuration),
			app.Span().Class("sfv-count").Text(v.countText()),
			app.If(!v.embedded, v.renderTraceQuery),
		),
		v.renderTraceTable(),
	)
}

func (v *view) countText() string {
	if len(v.listed) == len(v.traces) {
		return plural(len(v.traces), "trace")
	}
	return fmt.Sprintf("%d of %s", len(v.listed), plural(len(v.traces), "trace"))
}

func (v *view) renderTraceTable() app.UI {
	if !v.loaded && v.store != nil {
		return app.P().Class("sfv-empty").Text("Reading the store…")
	}
	if len(v.traces) == 0 {
		return app.P().Class("sfv-empty").Attr("data-testid", "no-traces").Text("No traces stored yet.")
	}
	n := min(len(v.listed), v.listLimit)
	rows := make([]app.UI, n)
	for i := range rows {
		rows[i] = v.renderTraceRow(&v.listed[i])
	}
	return app.Div().Class("sfv-list-scroll").Body(
		app.Table().Class("sfv-traces").Body(
			app.THead().Body(app.Tr().Body(
				v.sortHeader("Root span", "", ""),
				v.sortHeader("Service", "", "sfv-wide"),
				v.sortHeader("Started", SortStart, "sfv-wide"),
				v.sortHeader("Duration", SortDuration, "sfv-num"),
				v.sortHeader("Spans", SortSpans, "sfv-num sfv-wide"),
				v.sortHeader("Errors", SortErrors, "sfv-num"),
				v.sortHeader("Export", "", "sfv-wide"),
			)),
			app.TBody().OnClick(v.onTraceClick).Body(rows...),
		),
		app.If(len(v.listed) > n, func() app.UI {
			return app.Button().Class("sfv-btn", "sfv-more").Attr("data-testid", "more-traces").
				Text(fmt.Sprintf("Show %d more of %d", min(len(v.listed)-n, defaultListLimit(v.embedded)), len(v.listed)-n)).
				OnClick(v.onMoreTraces)
		}),
	)
}

// sortHeader draws a column header; a sortable one is a button showing
// the order.
func (v *view) sortHeader(label string, key SortKey, class string) app.UI {
	th := app.Th().Class(class).Attr("scope", "col")
	if key == "" {
		return th.Text(label)
	}
	cur := v.query.Sort
	if cur == "" {
		cur = SortStart
	}
	sort, arrow := "none", ""
	if cur == key {
		sort, arrow = "descending", " ▾"
		if v.query.Ascending {
			sort, arrow = "ascending", " ▴"
		}
	}
	return th.Aria("sort", sort).Body(
		app.Button().Class("sfv-sort").Attr("data-sort", string(key)).Attr("data-testid", "sort-"+string(key)).
			Text(label + arrow).OnClick(v.onSort),
	)
}

func (v *view) renderTraceRow(t *cache.TraceSummary) app.UI {
	root := t.RootName
	if root == "" {
		root = "(unnamed)"
	}
	name := app.UI(app.Span().Text(root))
	if !v.embedded {
		name = app.A().Href(ViewState{Trace: attrID(t.TraceID)}.Path("/viewer")).Text(root)
	}
	return app.Tr().
		Class(classes("sfv-trace", when(t.TraceID == v.traceID, "sfv-selected"), when(t.Errors > 0, "sfv-has-err"))).
		Attr("data-testid", "trace-row").
		Attr("data-trace-id", attrID(t.TraceID)).
		Aria("selected", t.TraceID == v.traceID).
		Body(
			app.Td().Class("sfv-rootname").Body(
				name,
				app.If(t.RootMissing, func() app.UI {
					return app.Span().Class("sfv-flag").Text("root not stored")
				}),
				app.If(v.isImported(t.TraceID), func() app.UI {
					return app.Span().Class("sfv-flag", "sfv-imported").Attr("data-testid", "imported-label").Text("imported")
				}),
			),
			app.Td().Class("sfv-wide", "sfv-muted").Text(t.Service),
			app.Td().Class("sfv-wide", "sfv-muted").Text(time.Unix(0, int64(min(t.Start, 1<<62))).Format("15:04:05.000")),
			app.Td().Class("sfv-num").Text(FormatDuration(sub(t.End, t.Start))),
			app.Td().Class("sfv-num", "sfv-wide").Text(t.Spans),
			app.Td().Class(classes("sfv-num", when(t.Errors > 0, "sfv-err"))).Text(t.Errors),
			app.Td().Class(classes("sfv-wide", "sfv-export", when(t.Pending > 0, "sfv-pending"))).Text(v.exportState(t)),
		)
}

// renderTrace draws the open trace: its header with the tree and search
// controls, the waterfall and the detail pane.
func (v *view) renderTrace() app.UI {
	var sum *cache.TraceSummary
	for i := range v.traces {
		if v.traces[i].TraceID == v.traceID {
			sum = &v.traces[i]
			break
		}
	}
	title := "Trace " + v.traceID
	if sum != nil {
		title = sum.RootName
	} else if len(v.rows) > 0 {
		title = v.rows[0].Record.Span.Name
	}
	meta := ""
	if len(v.rows) > 0 {
		meta = fmt.Sprintf("%s · %s", FormatDuration(sub(v.end, v.start)), plural(len(v.rows), "span"))
		if v.errors > 0 {
			meta += " · " + plural(v.errors, "error")
		}
		if v.partial {
			meta = fmt.Sprintf("first %s · reading the rest…", plural(len(v.rows), "span"))
		}
	}
	return app.Section().Class("sfv-trace-view").Aria("label", "Trace").Attr("data-testid", "trace-view").Body(
		app.Div().Class("sfv-trace-head").Body(
			app.H2().Class("sfv-trace-title").Text(title),
			app.Span().Class("sfv-muted", "sfv-trace-meta").Text(meta),
			app.Span().Class("sfv-trace-id").Text(v.traceID),
			app.Div().Class("sfv-tree-tools").Body(
				app.Button().Class("sfv-btn", "sfv-icon").Attr("data-testid", "collapse-all").
					Aria("label", "Collapse all").Title("Collapse all (-)").Text("⊟").OnClick(v.onCollapseAll),
				app.Button().Class("sfv-btn", "sfv-icon").Attr("data-testid", "collapse-level").
					Aria("label", "Collapse one level").Title("Collapse one level").Text("−1").OnClick(v.onCollapseLevel),
				app.Button().Class("sfv-btn", "sfv-icon").Attr("data-testid", "expand-level").
					Aria("label", "Expand one level").Title("Expand one level").Text("+1").OnClick(v.onExpandLevel),
				app.Button().Class("sfv-btn", "sfv-icon").Attr("data-testid", "expand-all").
					Aria("label", "Expand all").Title("Expand all (+)").Text("⊞").OnClick(v.onExpandAll),
			),
			v.renderSearch(),
			app.Button().Class("sfv-btn", "sfv-icon").Attr("data-testid", "close-trace").
				Aria("label", "Close the trace").Title("Close the trace").Text("×").OnClick(v.onCloseTrace),
		),
		app.If(v.searchErr != nil, v.renderSearchError),
		app.If(!v.embedded, v.renderTools),
		app.If(len(v.rows) > 0, v.renderMinimap),
		app.Div().Class(classes("sfv-split", when(v.paneOpen, "sfv-pane-open"))).Body(
			v.renderWaterfall(),
			app.If(v.paneOpen && v.selectedRow() >= 0, v.renderPane),
		),
	)
}

func countErrors(rows []Row) int {
	n := 0
	for i := range rows {
		if rows[i].Error {
			n++
		}
	}
	return n
}

func (v *view) renderSearch() app.UI {
	count := ""
	if v.search != "" {
		if k := MatchOrdinal(v.matches, v.selectedRow()); k > 0 {
			count = fmt.Sprintf("%d/%d", k, len(v.matches))
		} else {
			count = plural(len(v.matches), "match")
			if len(v.matches) != 1 {
				count = strconv.Itoa(len(v.matches)) + " matches"
			}
		}
	}
	return app.Div().Class("sfv-search").Attr("role", "search").Body(
		app.Input().Class("sfv-input").ID(v.id("search")).Type("search").
			Placeholder("Search or query spans  /").Aria("label", "Search span names, attribute values and events, or query spans (e.g. status=error)").
			Attr("data-testid", "span-search").Spellcheck(false).AutoComplete(false).
			Value(v.search).OnInput(v.onSearchInput),
		app.Span().Class("sfv-muted", "sfv-search-count").Attr("data-testid", "search-count").Attr("aria-live", "polite").Text(count),
		app.Button().Class("sfv-btn", "sfv-icon").Aria("label", "Previous match").Title("Previous match (N)").
			Disabled(len(v.matches) == 0).Text("↑").OnClick(v.onPrevMatch),
		app.Button().Class("sfv-btn", "sfv-icon").Aria("label", "Next match").Title("Next match (n)").
			Disabled(len(v.matches) == 0).Text("↓").OnClick(v.onNextMatch),
	)
}

// renderWaterfall draws the treegrid: a sticky ruler and a fixed pool of
// row slots over a spacer as tall as every visible row, so the scrollbar
// is true while only the rows near the viewport are in the DOM.
func (v *view) renderWaterfall() app.UI {
	if len(v.rows) == 0 {
		msg := "Reading the trace…"
		if v.traceRead == v.traceID {
			msg = "Trace " + v.traceID + " has no stored spans."
		}
		return app.Div().Class("sfv-wf", "sfv-wf-empty").ID(v.id("grid")).Body(app.P().Class("sfv-empty").Text(msg))
	}
	ticks := WindowTicks(v.win, sub(v.end, v.start), max(2, int(v.trackPx/80)))
	places := PlaceTickLabels(ticks, v.trackPx, trackMargin)
	tickUI := make([]app.UI, len(ticks))
	lines := make([]app.UI, len(ticks))
	for i, tk := range ticks {
		switch places[i] {
		case TickLabelBefore:
			tickUI[i] = app.Span().Class("sfv-tick", "sfv-tick-end").Style("right", pct(1-tk.Offset)).Text(tk.Label)
		case TickLabelNone:
			tickUI[i] = app.Span().Class("sfv-tick").Style("left", pct(tk.Offset))
		default:
			tickUI[i] = app.Span().Class("sfv-tick").Style("left", pct(tk.Offset)).Text(tk.Label)
		}
		lines[i] = app.Div().Class("sfv-gridline").Style("left", pct(tk.Offset))
	}
	slots, order := v.renderSlots()
	grid := app.Div().Class("sfv-wf").ID(v.id("grid")).Attr("role", "treegrid").
		Attr("data-testid", "waterfall").TabIndex(0).
		Aria("label", "Spans of trace "+attrID(v.traceID)).
		Aria("rowcount", len(v.visible)+1).
		Aria("busy", v.partial).
		Aria("multiselectable", false).
		OnScroll(v.onScroll, app.PassiveEvent()).
		OnClick(v.onGridClick).
		OnDblClick(v.onGridDblClick)
	if i := v.selectedRow(); i >= 0 {
		if k := v.position(i); k >= v.first && k < v.last {
			grid = grid.Aria("activedescendant", v.rowID(i))
		}
	}
	return grid.Body(
		app.Div().Class("sfv-wf-head").Attr("role", "row").Aria("rowindex", 1).Body(
			app.Div().Class("sfv-c-name").Attr("role", "columnheader").Text("Span"),
			app.Div().Class("sfv-c-track", "sfv-ruler").ID(v.id("ruler")).Attr("role", "columnheader").
				Aria("label", "Timeline: drag to zoom").OnMouseDown(v.onRulerDown).OnMouseUp(v.onRulerUp).Body(tickUI...),
		),
		app.Div().Class("sfv-wf-spacer").Attr("role", "presentation").
			Style("height", px(float64(len(v.visible))*rowHeight)).Body(
			app.Div().Class("sfv-wf-grid").Aria("hidden", true).Body(lines...),
			app.Div().Class("sfv-wf-rows").Attr("role", "rowgroup").Aria("owns", order).Body(slots...),
		),
	)
}

// renderSlots draws the fixed pool of row slots (see slots.go) and
// returns them with the ids of their rows in visual order, for the row
// group's aria-owns.
func (v *view) renderSlots() (slots []app.UI, order string) {
	pool := v.vp.PoolSize(overscan)
	slots = make([]app.UI, pool)
	ids := make([]string, 0, v.last-v.first)
	for s := range slots {
		k := SlotRow(v.first, pool, s)
		if k >= v.last || k >= len(v.visible) {
			slots[s] = app.Div().Class("sfv-slot-empty").Attr("role", "presentation")
			continue
		}
		slots[s] = v.renderRow(k)
	}
	for k := v.first; k < v.last && k < len(v.visible); k++ {
		ids = append(ids, v.rowID(v.visible[k]))
	}
	return slots, strings.Join(ids, " ")
}

// rowID is the element id of row i's slot, for aria-activedescendant.
func (v *view) rowID(i int) string {
	return v.id("row-" + attrID(v.rows[i].Record.Span.SpanID))
}

// renderRow draws the slot of visible position k. Every slot has the same
// element structure whatever its span (only the tree guides, the name's
// highlight runs and the event markers vary in number), so a scroll only
// patches text and attributes.
func (v *view) renderRow(k int) app.UI {
	i := v.visible[k]
	r := &v.rows[i]
	s := &r.Record.Span
	id := s.SpanID
	collapsed := r.Children > 0 && v.collapsed.Has(id)
	selected := id == v.selected
	match := v.isMatch[i]
	toolClass, run, diffS, diffC := v.rowTools(i)
	off, wid := v.placeBar(r.Offset, r.Width)

	row := app.Div().
		Class(classes("sfv-row", "sfv-kind-"+s.Kind.String(),
			when(r.Error, "sfv-err"), when(collapsed && r.ErrorBelow, "sfv-err-below"),
			when(selected, "sfv-selected"), when(match, "sfv-match"),
			when(r.Orphan, "sfv-orphan"), when(r.Unfinished, "sfv-unfinished"),
			when(k%2 == 1, "sfv-odd"), toolClass)).
		ID(v.rowID(i)).
		Attr("role", "row").
		Attr("data-span-id", attrID(id)).
		Attr("data-row", i).
		Aria("level", r.Depth+1).
		Aria("rowindex", k+2).
		Aria("selected", selected).
		Style("top", px(float64(k)*rowHeight))
	if r.Children > 0 {
		row = row.Aria("expanded", !collapsed)
	}

	// Name cell: tree guides, the fold toggle, the name, flags.
	guides := Guides(v.rows, i)
	deep := ""
	if len(guides) > maxGuides {
		deep = strconv.Itoa(r.Depth)
		guides = guides[len(guides)-maxGuides:]
	}
	guideUI := make([]app.UI, 0, len(guides)+1)
	if deep != "" {
		guideUI = append(guideUI, app.Span().Class("sfv-g", "sfv-g-deep").Text(deep))
	}
	for _, g := range guides {
		guideUI = append(guideUI, app.Span().Class("sfv-g", guideClass(g)))
	}
	toggle := ""
	switch {
	case collapsed:
		toggle = "▸"
	case r.Children > 0:
		toggle = "▾"
	}
	var flag app.UI
	switch {
	case r.Orphan:
		flag = app.Span().Class("sfv-flag", "sfv-flag-orphan").Text("parent not stored")
	case r.Unfinished:
		flag = app.Span().Class("sfv-flag", "sfv-flag-open").Text("unfinished")
	case collapsed && r.ErrorBelow:
		flag = app.Span().Class("sfv-flag", "sfv-flag-err").Text("error below")
	case collapsed:
		flag = app.Span().Class("sfv-flag").Text("+" + strconv.Itoa(r.SubtreeEnd-i-1))
	default:
		flag = app.Span().Class("sfv-flag", "sfv-flag-none")
	}
	if run != nil {
		flag = run
	}

	// Track cell: the bar, its event markers and its duration label.
	label := BarLabel(r)
	side := PlaceLabel(off, wid, LabelWidth(len(label), v.trackPx))
	dur := app.Span().Class("sfv-dur", "sfv-dur-"+side.String())
	switch side {
	case LabelRight:
		dur = dur.Style("left", pct(off+wid))
	case LabelInside:
		dur = dur.Style("right", pct(1-(off+wid)))
	case LabelLeft:
		dur = dur.Style("right", pct(1-off))
	}
	marks := EventMarkers(s, v.start, v.end, maxMarkers)
	markUI := make([]app.UI, 0, len(marks))
	for _, mk := range marks {
		if x, ok := v.placeMark(mk.Offset); ok {
			markUI = append(markUI, app.Span().Class("sfv-ev").Style("left", pct(x)))
		}
	}

	return row.Body(
		app.Div().Class("sfv-c-name").Attr("role", "gridcell").Body(
			app.Span().Class("sfv-guides").Aria("hidden", true).Body(guideUI...),
			app.Span().Class(classes("sfv-tog", when(r.Children > 0, "sfv-tog-on"))).Attr("data-toggle", i).Aria("hidden", true).Text(toggle),
			app.Span().Class("sfv-kind").Aria("hidden", true),
			app.Span().Class("sfv-name").Body(highlightUI(s.Name, v.highlightTerm())...),
			flag,
			app.If(diffS != "", func() app.UI {
				return app.Span().Class("sfv-diff", diffC).Attr("data-testid", "diff").Text(diffS)
			}),
		),
		app.Div().Class("sfv-c-track").Attr("role", "gridcell").Body(
			app.Div().Class("sfv-bar").Style("left", pct(off)).Style("width", pct(wid)),
			app.Span().Class("sfv-evs").Aria("hidden", true).Body(markUI...),
			dur.Text(label),
		),
	)
}

func guideClass(g Guide) string {
	switch g {
	case GuideLine:
		return "sfv-g-line"
	case GuideTee:
		return "sfv-g-tee"
	case GuideElbow:
		return "sfv-g-elbow"
	}
	return "sfv-g-blank"
}

// highlightUI draws text with the matches of query in <mark>.
func highlightUI(text, query string) []app.UI {
	if query == "" {
		return []app.UI{app.Text(text)}
	}
	segs := Highlight(text, query)
	out := make([]app.UI, len(segs))
	for i, s := range segs {
		if s.Match {
			out[i] = app.Mark().Class("sfv-hit").Text(s.Text)
		} else {
			out[i] = app.Text(s.Text)
		}
	}
	return out
}

// renderHelp draws the keyboard help overlay.
func (v *view) renderHelp() app.UI {
	rows := make([]app.UI, len(KeyHelpLines))
	for i, k := range KeyHelpLines {
		rows[i] = app.Tr().Body(app.Th().Attr("scope", "row").Body(app.Kbd().Text(k.Keys)), app.Td().Text(k.What))
	}
	return app.Div().Class("sfv-help").Attr("role", "dialog").Aria("label", "Keyboard shortcuts").
		Attr("data-testid", "help").Body(
		app.Div().Class("sfv-help-box").Body(
			app.Div().Class("sfv-help-head").Body(
				app.H2().Text("Keyboard shortcuts"),
				app.Button().Class("sfv-btn", "sfv-icon").Aria("label", "Close").Text("×").OnClick(v.onHelp),
			),
			app.Table().Class("sfv-keys").Body(app.TBody().Body(rows...)),
		),
	)
}

// classes joins the non-empty class names.
func classes(names ...string) string {
	var b strings.Builder
	for _, n := range names {
		if n == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(n)
	}
	return b.String()
}

// when returns s when cond holds, "" otherwise.
func when(cond bool, s string) string {
	if cond {
		return s
	}
	return ""
}

func pct(f float64) string { return strconv.FormatFloat(f*100, 'f', 4, 64) + "%" }

func px(f float64) string { return strconv.FormatFloat(f, 'f', 0, 64) + "px" }
