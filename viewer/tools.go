package viewer

import (
	"errors"
	"slices"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
	"github.com/spanfall/spanfall/viewer/critpath"
	"github.com/spanfall/spanfall/viewer/diff"
	"github.com/spanfall/spanfall/viewer/query"
)

// tools is the state of the waterfall's power tools, embedded in [view]:
// the query, the critical path, folded runs of siblings, the zoom window,
// import and export, and the comparison with a baseline trace. Its
// transitions are plain methods, tested on the host like view's.
type tools struct {
	// The parsed search query; searchErr is the last parse error (the
	// matches then stay those of the last good query).
	searchQ   *query.Query
	searchErr *query.Error
	// onlyMatches hides the rows that match nothing (their ancestors
	// stay, to keep the tree readable).
	onlyMatches bool

	// The critical path of the open trace, highlighted when critOn;
	// critOnly hides every span off it.
	crit     critpath.Path
	critOn   bool
	critOnly bool

	// Runs of same-named siblings; runsOpen holds the runs expanded (by
	// the span id of their first sibling); runAt maps the first row of
	// each folded run to it.
	runs     []Run
	runsOpen IDSet
	runAt    map[int]*Run

	// win is the zoom window; drags in progress on the ruler (rulerFrom,
	// a fraction of the window, -1 for none) and the minimap.
	win       Window
	rulerFrom float64
	miniDrag  bool
	miniKey   string // what the minimap canvas shows, to redraw on change

	// Import progress: phase is "" when idle, "read", "check", "write".
	importPhase string
	importDone  float64 // 0..1
	importNote  string
	importErr   string
	dropping    bool

	exportSubtree bool
	exportNote    string

	// The baseline trace to compare with and the deltas by span name.
	baseID  string
	deltas  map[string]diff.Delta
	baseErr string

	traceQueryState
}

// resetTools forgets what belongs to the previous trace.
func (v *view) resetTools() {
	v.crit, v.runs, v.runAt = critpath.Path{}, nil, nil
	v.runsOpen = IDSet{}
	v.win = FullWindow
	v.rulerFrom, v.miniDrag, v.miniKey = -1, false, ""
	v.baseID, v.deltas, v.baseErr = "", nil, ""
	v.exportNote = ""
}

// afterLayout computes, for fresh rows, the critical path and the runs.
func (v *view) afterLayout() {
	spans := make([]span.Span, len(v.rows))
	for i := range v.rows {
		spans[i] = v.rows[i].Record.Span
	}
	v.crit = critpath.Compute(spans)
	v.runs = SiblingRuns(v.rows, MinRun)
	if v.runsOpen == nil {
		v.runsOpen = IDSet{}
	}
}

// searchRows parses q and, when it parses, finds the matching rows; on a
// parse error the previous matches stay and searchErr says what is wrong.
func (v *view) searchRows(q string) {
	parsed, err := query.Parse(q)
	if err != nil {
		var perr *query.Error
		if errors.As(err, &perr) {
			v.searchErr = perr
		}
		return
	}
	v.searchErr, v.searchQ = nil, parsed
	v.matches = nil
	if !parsed.Empty() {
		for i := range v.rows {
			if parsed.Match(&v.rows[i].Record.Span) {
				v.matches = append(v.matches, i)
			}
		}
	}
	v.isMatch = make(map[int]bool, len(v.matches))
	for _, i := range v.matches {
		v.isMatch[i] = true
	}
}

// highlightTerm is the text highlighted in span names: the query's first
// text search.
func (v *view) highlightTerm() string {
	if t := v.searchQ.Terms(); len(t) > 0 {
		return t[0]
	}
	return ""
}

// filterVisible applies the folded runs and the "only matches" and "only
// critical path" filters to rows visible under the fold.
func (v *view) filterVisible(visible []int) []int {
	keep := func(pred func(i int) bool) {
		// A row stays when it or a descendant passes.
		pass := make([]bool, len(v.rows))
		for i := len(v.rows) - 1; i >= 0; i-- {
			if pred(i) {
				pass[i] = true
			}
			if pass[i] && v.rows[i].Parent >= 0 {
				pass[v.rows[i].Parent] = true
			}
		}
		visible = slices.DeleteFunc(slices.Clone(visible), func(i int) bool { return !pass[i] })
	}
	if v.onlyMatches && v.searchQ != nil && !v.searchQ.Empty() {
		keep(func(i int) bool { return v.isMatch[i] })
	}
	if v.critOnly && len(v.crit.IDs) > 0 {
		keep(func(i int) bool { return v.crit.On(v.rows[i].Record.Span.SpanID) })
	}
	v.runAt = nil
	if len(v.runs) > 0 && !v.onlyMatches && !v.critOnly {
		visible, v.runAt = FoldRuns(v.rows, visible, v.runs, v.runsOpen)
	}
	return visible
}

// revealRun expands the folded run that hides row i, reporting whether
// it did.
func (v *view) revealRun(i int) bool {
	for k := range v.runs {
		r := &v.runs[k]
		if i > r.First && i < r.End {
			id := v.rows[r.First].Record.Span.SpanID
			if !v.runsOpen.Has(id) {
				v.runsOpen = v.runsOpen.With(id)
				return true
			}
		}
	}
	return false
}

// toggleRun expands or folds the run whose first sibling is row i.
func (v *view) toggleRun(i int) {
	if i < 0 || i >= len(v.rows) {
		return
	}
	for k := range v.runs {
		if v.runs[k].First == i {
			v.runsOpen = v.runsOpen.Toggle(v.rows[i].Record.Span.SpanID)
			v.refold(v.collapsed)
			return
		}
	}
}

// setOnlyMatches, setCrit and setCritOnly switch the filters.
func (v *view) setOnlyMatches(on bool) { v.onlyMatches = on; v.refold(v.collapsed) }

func (v *view) setCrit(on bool) {
	v.critOn = on
	if !on && v.critOnly {
		v.critOnly = false
		v.refold(v.collapsed)
	}
}

func (v *view) setCritOnly(on bool) {
	v.critOnly = on
	if on {
		v.critOn = true
	}
	v.refold(v.collapsed)
}

// zoomCommand applies a zoom or pan key; it reports whether cmd was one.
func (v *view) zoomCommand(cmd Command) bool {
	switch cmd {
	case CmdZoomIn:
		v.win = v.win.Zoom(0.5, 0.5)
	case CmdZoomOut:
		v.win = v.win.Zoom(2, 0.5)
	case CmdPanLeft:
		v.win = v.win.Pan(-0.25)
	case CmdPanRight:
		v.win = v.win.Pan(0.25)
	case CmdZoomReset:
		v.win = FullWindow
	default:
		return false
	}
	return true
}

// setBaseline compares the open trace with the records of trace id;
// nil recs clears the comparison.
func (v *view) setBaseline(id string, recs []cache.Record) {
	v.baseID, v.baseErr = id, ""
	if id == "" {
		v.deltas = nil
		return
	}
	base := make([]span.Span, len(recs))
	for i := range recs {
		base[i] = recs[i].Span
	}
	cur := make([]span.Span, len(v.rows))
	for i := range v.rows {
		cur[i] = v.rows[i].Record.Span
	}
	v.deltas = diff.Index(diff.Compare(base, cur))
}

// exportSpans returns the spans to export: the open trace, or the
// selected span and its descendants.
func (v *view) exportSpans() []span.Span {
	from, to := 0, len(v.rows)
	if i := v.selectedRow(); v.exportSubtree && i >= 0 {
		from, to = i, v.rows[i].SubtreeEnd
	}
	out := make([]span.Span, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, v.rows[i].Record.Span)
	}
	return out
}
