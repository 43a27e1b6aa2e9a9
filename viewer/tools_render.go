package viewer

import (
	"fmt"
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/viewer/diff"
)

// Markup of the power tools (tools.go); the handlers are in
// tools_handlers.go.

// renderTools draws the tools bar under the trace's header: critical
// path, match filter, zoom, export and compare.
func (v *view) renderTools() app.UI {
	others := make([]app.UI, 0, 1+min(len(v.traces), 100))
	others = append(others, app.Option().Value("").Selected(v.baseID == "").Text("Compare with…"))
	n := 0
	for i := range v.traces {
		t := &v.traces[i]
		if t.TraceID == v.traceID || n >= 100 {
			continue
		}
		n++
		label := fmt.Sprintf("%s · %s · %d spans", t.RootName, FormatDuration(sub(t.End, t.Start)), t.Spans)
		if v.isImported(t.TraceID) {
			label += " · imported"
		}
		others = append(others, app.Option().Value(attrID(t.TraceID)).Selected(t.TraceID == v.baseID).Text(label))
	}
	zoom := "whole trace"
	if !v.win.IsFull() {
		from, to := v.win.Span(0, sub(v.end, v.start))
		zoom = FormatDuration(from) + " – " + FormatDuration(to)
	}
	return app.Div().Class("sfv-tools").Attr("data-testid", "tools").Body(
		app.Button().Class(classes("sfv-btn", when(v.critOn, "sfv-on"))).Attr("data-testid", "crit-toggle").
			Aria("pressed", v.critOn).Title("Highlight the critical path: the spans that determined when the trace ended").
			Text("Critical path").OnClick(v.onCritToggle),
		app.Label().Class("sfv-check").Body(
			app.Input().Type("checkbox").Attr("data-testid", "crit-only").Checked(v.critOnly).OnChange(v.onCritOnly),
			app.Text("only critical path"),
		),
		app.Label().Class("sfv-check").Body(
			app.Input().Type("checkbox").Attr("data-testid", "only-matches").Checked(v.onlyMatches).OnChange(v.onOnlyMatches),
			app.Text("only matches"),
		),
		app.Span().Class("sfv-tools-group").Body(
			app.Button().Class("sfv-btn", "sfv-icon").Attr("data-testid", "zoom-out").Aria("label", "Zoom out").Title("Zoom out (s)").Text("−").OnClick(v.onZoomOut),
			app.Button().Class("sfv-btn", "sfv-icon").Attr("data-testid", "zoom-in").Aria("label", "Zoom in").Title("Zoom in (w)").Text("+").OnClick(v.onZoomIn),
			app.Button().Class("sfv-btn").Attr("data-testid", "zoom-reset").Title("Whole trace (0)").Disabled(v.win.IsFull()).Text("Reset").OnClick(v.onZoomReset),
			app.Span().Class("sfv-muted").Attr("data-testid", "zoom-label").Text(zoom),
		),
		app.Span().Class("sfv-tools-group").Body(
			app.Label().Class("sfv-check").Body(
				app.Input().Type("checkbox").Attr("data-testid", "export-subtree").Checked(v.exportSubtree).OnChange(v.onExportSubtree),
				app.Text("selected span only"),
			),
			app.Button().Class("sfv-btn").Attr("data-testid", "export-otlp").Title("Download as OTLP JSON (the collector and Import load it)").
				Text("Export OTLP").OnClick(v.onExportOTLP),
			app.Button().Class("sfv-btn").Attr("data-testid", "export-chrome").Title("Download as Chrome trace event JSON (Perfetto, DevTools)").
				Text("Export Chrome trace").OnClick(v.onExportChrome),
			app.Span().Class("sfv-muted").Attr("data-testid", "export-note").Text(v.exportNote),
		),
		app.Select().Class("sfv-input").Attr("data-testid", "compare-select").Aria("label", "Compare with a baseline trace").
			OnChange(v.onCompare).Body(others...),
		app.If(v.baseErr != "", func() app.UI { return app.Span().Class("sfv-error").Text(v.baseErr) }),
	)
}

// renderMinimap draws the whole trace in small on a canvas (drawn after
// render by drawMinimap) with the zoom window over it; a click or a drag
// moves the window.
func (v *view) renderMinimap() app.UI {
	return app.Div().Class("sfv-minimap").ID(v.id("minimap")).Attr("data-testid", "minimap").
		Aria("label", "Minimap: click or drag to move the zoom window").
		OnMouseDown(v.onMiniDown).OnMouseMove(v.onMiniMove).OnMouseUp(v.onMiniUp).OnMouseLeave(v.onMiniUp).Body(
		app.Canvas().Class("sfv-mini-canvas").ID(v.id("minimap-canvas")).Aria("hidden", true),
		app.Div().Class("sfv-mini-win").Attr("data-testid", "minimap-window").
			Style("left", pct(v.win.Norm().Start)).Style("width", pct(v.win.Norm().Width())),
	)
}

// renderSearchError shows where the query stopped making sense, the
// offending character marked; the matches stay those of the last good
// query.
func (v *view) renderSearchError() app.UI {
	e := v.searchErr
	q := v.search
	at := min(max(e.Offset, 0), len(q))
	end := at
	if end < len(q) {
		end++
		for end < len(q) && q[end]&0xC0 == 0x80 {
			end++
		}
	}
	bad := q[at:end]
	if bad == "" {
		bad = " "
	}
	return app.Div().Class("sfv-qerr").Attr("role", "alert").Attr("data-testid", "search-error").
		Attr("data-offset", at).Body(
		app.Code().Body(app.Text(q[:at]), app.Mark().Class("sfv-qerr-at").Text(bad), app.Text(q[end:])),
		app.Span().Text(" column "+strconv.Itoa(at+1)+": "+e.Msg),
	)
}

// runSummary draws a folded run's summary in its first row's flag slot.
func runSummary(r *Run, i int) app.UI {
	text := fmt.Sprintf("×%d · p50 %s · max %s", r.Count(), FormatDuration(r.P50), FormatDuration(r.Max))
	if r.Errors > 0 {
		text += " · " + plural(r.Errors, "error")
	}
	return app.Span().Class(classes("sfv-flag", "sfv-run", when(r.Errors > 0 || r.ErrorsBelow > 0, "sfv-flag-err"))).
		Attr("data-run", i).Attr("data-testid", "run-summary").Title("Same-named siblings folded: click to expand").Text(text)
}

// diffText renders a span name's delta against the baseline.
func diffText(d diff.Delta, ok bool) (string, string) {
	if !ok {
		return "", ""
	}
	switch d.Change() {
	case "added":
		return "new", "sfv-diff-up"
	case "same":
		return "=", "sfv-diff-same"
	}
	sign := func(n int64) string {
		if n < 0 {
			return "−" + FormatDuration(uint64(-n))
		}
		return "+" + FormatDuration(uint64(n))
	}
	s := "Δ" + sign(d.TotalDelta())
	if c := d.CountDelta(); c != 0 {
		s += fmt.Sprintf(" ×%+d", c)
	}
	class := "sfv-diff-down"
	if d.TotalDelta() > 0 {
		class = "sfv-diff-up"
	}
	return s, class
}

// isImported reports whether trace id comes from the imported store.
func (v *view) isImported(id string) bool {
	src, ok := v.store.(*Sources)
	return ok && src.IsImported(id)
}

// exportState is the list's export column: "imported" for imported
// traces, which are never exported.
func (v *view) exportState(t *cache.TraceSummary) string {
	if v.isImported(t.TraceID) {
		return "imported"
	}
	return ExportState(*t)
}

// renderImport draws the import control for the page's toolbar: a file
// picker (files can also be dropped anywhere on the page), the progress
// and the outcome.
func (v *view) renderImport() app.UI {
	busy := v.importPhase != ""
	return app.Span().Class("sfv-import").Body(
		app.Label().Class(classes("sfv-btn", when(busy, "sfv-disabled"))).Title("Import OTLP JSON or JSON lines (the collector's file exporter output); or drop a file on the page").Body(
			app.Text("Import…"),
			app.Input().Type("file").Class("sfv-file").ID(v.id("import-file")).Attr("data-testid", "import-file").
				Accept(".json,.jsonl,.ndjson,application/json").Disabled(busy).OnChange(v.onImportFile),
		),
		app.If(busy, func() app.UI {
			return app.Progress().Class("sfv-progress").Attr("data-testid", "import-progress").
				Attr("max", 100).Attr("value", int(v.importDone*100)).Title(v.importPhase)
		}),
		app.If(v.importNote != "", func() app.UI {
			return app.Span().Class("sfv-muted").Attr("data-testid", "import-note").Attr("role", "status").Text(v.importNote)
		}),
		app.If(v.importErr != "", func() app.UI {
			return app.Span().Class("sfv-error", "sfv-import-err").Attr("data-testid", "import-error").Attr("role", "alert").Text(v.importErr)
		}),
		app.If(v.dropping, func() app.UI {
			return app.Div().Class("sfv-dropzone").Attr("data-testid", "dropzone").Text("Drop an OTLP JSON or JSONL file to import it")
		}),
	)
}

// rowTools returns, for row i, the extra row classes (critical path),
// the run summary that replaces its flag (nil for none) and its diff
// text and class.
func (v *view) rowTools(i int) (class string, run app.UI, diffS, diffC string) {
	id := v.rows[i].Record.Span.SpanID
	if v.critOn && v.crit.On(id) {
		class = "sfv-crit"
	}
	if r := v.runAt[i]; r != nil {
		run = runSummary(r, i)
	}
	if v.deltas != nil {
		d, ok := v.deltas[v.rows[i].Record.Span.Name]
		diffS, diffC = diffText(d, ok)
		if diffS == "" {
			diffS, diffC = "—", "sfv-diff-same"
		}
	}
	return class, run, diffS, diffC
}

// placeBar maps a bar through the zoom window: left and width as
// fractions of the track; hidden bars get a zero width.
func (v *view) placeBar(offset, width float64) (float64, float64) {
	if v.win.IsFull() {
		return offset, width
	}
	l, w, ok := v.win.Place(offset, width)
	if !ok {
		return 0, 0
	}
	return l, w
}

// placeMark maps an event marker; ok is false outside the window.
func (v *view) placeMark(offset float64) (float64, bool) {
	if v.win.IsFull() {
		return offset, true
	}
	w := v.win.Norm()
	x := (offset - w.Start) / w.Width()
	return x, x >= 0 && x <= 1
}
