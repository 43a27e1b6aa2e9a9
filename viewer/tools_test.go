package viewer

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

// toolsTrace is a root with a slow fetch, 12 fast
// "GET /api/item" siblings in a row (a foldable run) and an async child
// outliving the root.
func toolsTrace(t *testing.T) cache.Store {
	store := cache.NewMemory()
	spans := []span.Span{
		{TraceID: testTrace, SpanID: sid(1), Name: "root", StartTimeUnixNano: 0, EndTimeUnixNano: 1000, Kind: span.KindServer},
		{TraceID: testTrace, SpanID: sid(2), ParentSpanID: sid(1), Name: "fetch", StartTimeUnixNano: 500, EndTimeUnixNano: 990, Kind: span.KindClient,
			Attributes: []span.KeyValue{span.Int("http.response.status_code", 503)}, Status: span.Status{Code: span.StatusError}},
		{TraceID: testTrace, SpanID: sid(3), ParentSpanID: sid(1), Name: "async", StartTimeUnixNano: 600, EndTimeUnixNano: 5000},
	}
	for k := 0; k < 12; k++ {
		spans = append(spans, span.Span{TraceID: testTrace, SpanID: sid(100 + k), ParentSpanID: sid(1), Name: "GET /api/item",
			StartTimeUnixNano: uint64(10 + 40*k), EndTimeUnixNano: uint64(40 + 40*k), Kind: span.KindClient})
	}
	put(t, store, spans...)
	return store
}

func visibleIDs(p *Page) string {
	var out []string
	for _, i := range p.visible {
		out = append(out, strings.TrimLeft(p.rows[i].Record.Span.SpanID, "0"))
	}
	return strings.Join(out, " ")
}

func TestToolsQuerySearch(t *testing.T) {
	p := loadPage(t, toolsTrace(t), testTrace)
	p.setSearch("http.response.status_code>=500")
	if len(p.matches) != 1 || p.rows[p.matches[0]].Record.Span.Name != "fetch" {
		t.Fatalf("matches %v", p.matches)
	}
	// A malformed query keeps the last good matches and says where.
	p.setSearch("kind=client and (")
	if len(p.matches) != 1 || p.searchErr == nil || p.searchErr.Offset != 17 {
		t.Fatalf("after a parse error: matches %v, err %v", p.matches, p.searchErr)
	}
	html := app.HTMLString(p)
	if !strings.Contains(html, `data-testid="search-error"`) || !strings.Contains(html, `data-offset="17"`) || !strings.Contains(html, "column 18") {
		t.Errorf("no parse error shown in\n%s", html)
	}
	if len(renderedRows(html)) == 0 {
		t.Error("the waterfall was cleared by a parse error")
	}
	p.setSearch("kind=client")
	if len(p.matches) != 13 || p.searchErr != nil {
		t.Errorf("kind=client matches %d, err %v", len(p.matches), p.searchErr)
	}
	// Only matches: the root stays as their ancestor; folded runs open.
	p.setOnlyMatches(true)
	if got := visibleIDs(p); got != "1 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 2" {
		t.Errorf("only matches shows %q", got)
	}
	// n moves between matches.
	p.command(CmdNextMatch)
	p.command(CmdNextMatch)
	if p.selected != sid(101) {
		t.Errorf("n n selected %s", p.selected)
	}
}

func TestToolsRunsAndCriticalPath(t *testing.T) {
	p := loadPage(t, toolsTrace(t), testTrace)
	// The 8 GET siblings fold into their first row's summary.
	if got := visibleIDs(p); got != "1 64 2 3" {
		t.Fatalf("visible %q", got)
	}
	html := app.HTMLString(p)
	if !strings.Contains(html, `data-testid="run-summary"`) || !strings.Contains(html, "×12 · p50 30ns · max 30ns") {
		t.Errorf("no run summary in\n%s", html)
	}
	p.toggleRun(p.index[sid(100)])
	if got := visibleIDs(p); got != "1 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 2 3" {
		t.Errorf("expanded run shows %q", got)
	}
	// Critical path: the async child, clipped to the root's end, ends
	// last; fetch ran in parallel with it and is off the path.
	p.setCrit(true)
	html = app.HTMLString(p)
	crit := 0
	for _, r := range renderedRows(html) {
		if strings.Contains(attrOf(r[0], "class"), "sfv-crit") {
			crit++
		}
	}
	if !p.crit.On(sid(1)) || !p.crit.On(sid(3)) || p.crit.On(sid(2)) {
		t.Errorf("critical path %v", p.crit.IDs)
	}
	if crit != len(p.crit.IDs) {
		t.Errorf("%d rows highlighted, path has %d spans", crit, len(p.crit.IDs))
	}
	p.setCritOnly(true)
	// The GET siblings ran one after the other before the async child:
	// they are on the path too.
	if got := visibleIDs(p); got != "1 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 3" {
		t.Errorf("only critical path shows %q", got)
	}
}

func TestToolsZoomDeepLink(t *testing.T) {
	p := loadPage(t, toolsTrace(t), testTrace)
	p.command(CmdZoomIn)
	p.command(CmdPanRight)
	s := p.viewState()
	if s.Window != "0.375,0.875" {
		t.Fatalf("window %q", s.Window)
	}
	path := s.Path("/viewer")
	if !strings.Contains(path, "&window=0.375,0.875") {
		t.Errorf("path %q", path)
	}
	u, _ := url.Parse(path)
	q := NewPage(toolsTrace(t))
	q.applyViewState(ParseViewState(u.Query()))
	if q.win != p.win {
		t.Errorf("restored window %+v, want %+v", q.win, p.win)
	}
	html := app.HTMLString(p)
	if !strings.Contains(html, `data-testid="minimap-window"`) || !strings.Contains(html, "left:37.5000%") {
		t.Errorf("minimap window not drawn at the zoom in\n%s", html)
	}
	p.command(CmdZoomReset)
	if p.viewState().Window != "" {
		t.Error("reset kept a window")
	}
}

func TestToolsCompareAndImportLabel(t *testing.T) {
	ctx := t.Context()
	main := toolsTrace(t)
	imp := cache.NewMemory()
	const other = "fedcba9876543210fedcba9876543210"
	put(t, imp,
		span.Span{TraceID: other, SpanID: sid(1), Name: "root", StartTimeUnixNano: 0, EndTimeUnixNano: 800},
		span.Span{TraceID: other, SpanID: sid(2), ParentSpanID: sid(1), Name: "fetch", StartTimeUnixNano: 100, EndTimeUnixNano: 200})
	src := NewSources(main, func(context.Context) (cache.Store, error) { return imp, nil })
	// Traces imported by an earlier page life are listed once read back.
	if err := src.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	p := NewPage(nil)
	p.view = newView(src, false, "t")
	p.applyViewState(ViewState{Trace: testTrace})
	traces, err := p.store.Traces(ctx)
	if err != nil || len(traces) != 2 {
		t.Fatalf("traces %v, %v", traces, err)
	}
	p.setList(traces, cache.Stats{}, p.listAt)
	p.loaded = true
	recs, _ := p.store.Trace(ctx, testTrace)
	p.traceRead = testTrace
	p.setTrace(recs)
	base, err := p.store.Trace(ctx, other)
	if err != nil || len(base) != 2 {
		t.Fatalf("imported trace: %d records, %v", len(base), err)
	}
	p.setBaseline(other, base)
	html := app.HTMLString(p)
	for _, want := range []string{`data-testid="imported-label"`, ">imported<", `data-testid="diff"`, "Δ+390ns", "Δ+200ns", "new"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	// Export: the trace, or the selected subtree.
	if n := len(p.exportSpans()); n != 15 {
		t.Errorf("export of the trace: %d spans", n)
	}
	p.exportSubtree = true
	p.selectRow(p.index[sid(2)], false)
	if s := p.exportSpans(); len(s) != 1 || s[0].SpanID != sid(2) {
		t.Errorf("export of the selection: %v", s)
	}
}
