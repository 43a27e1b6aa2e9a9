package viewer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

const testTrace = "0123456789abcdef0123456789abcdef"

// loadPage returns a page showing traceID of store, in the state a load
// leaves it.
func loadPage(t *testing.T, store cache.Store, traceID string) *Page {
	t.Helper()
	ctx := t.Context()
	p := NewPage(store)
	p.applyViewState(ViewState{Trace: traceID})
	traces, err := store.Traces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p.setList(traces, st, time.Now())
	p.loaded = true
	if traceID != "" {
		recs, err := store.Trace(ctx, traceID)
		if err != nil {
			t.Fatal(err)
		}
		p.traceRead = traceID
		p.setTrace(recs)
	}
	return p
}

// put stores spans or fails the test.
func put(t *testing.T, store cache.Store, spans ...span.Span) {
	t.Helper()
	if err := store.Put(t.Context(), spans); err != nil {
		t.Fatal(err)
	}
}

// sid is the 16-hex span id of n.
func sid(n int) string { return fmt.Sprintf("%016x", n) }

// rowAttrs returns the opening tags of the rendered span rows, by span id.
var rowTag = regexp.MustCompile(`<div[^>]*data-span-id="([0-9a-f]+)"[^>]*>`)

func renderedRows(html string) [][]string { return rowTag.FindAllStringSubmatch(html, -1) }

// attrOf returns attribute name of an opening tag; go-app writes a "true"
// value as a bare attribute.
func attrOf(tag, name string) string {
	m := regexp.MustCompile(` ` + name + `(="([^"]*)")?[ >]`).FindStringSubmatch(tag)
	switch {
	case m == nil:
		return ""
	case m[1] == "":
		return "true"
	}
	return m[2]
}

func threeSpans(t *testing.T) cache.Store {
	store := cache.NewMemory()
	put(t, store,
		span.Span{TraceID: testTrace, SpanID: sid(10), Name: "root", StartTimeUnixNano: 1000, EndTimeUnixNano: 5000, Kind: span.KindServer},
		span.Span{TraceID: testTrace, SpanID: sid(11), ParentSpanID: sid(10), Name: "child", StartTimeUnixNano: 2000, EndTimeUnixNano: 3000, Kind: span.KindClient,
			Status:     span.Status{Code: span.StatusError, Message: "boom"},
			Attributes: []span.KeyValue{span.String("http.method", "GET"), span.String("long", strings.Repeat("x", 600))},
			Events:     []span.Event{{Name: "retry", TimeUnixNano: 2500, Attributes: []span.KeyValue{span.Int("attempt", 2)}}},
		},
		span.Span{TraceID: testTrace, SpanID: sid(12), ParentSpanID: sid(255), Name: "orphan", StartTimeUnixNano: 4000, EndTimeUnixNano: 4500},
	)
	return store
}

func TestPageRendersTreegridRows(t *testing.T) {
	p := loadPage(t, threeSpans(t), testTrace)
	html := app.HTMLString(p)
	for _, want := range []string{
		`role="treegrid"`,
		`data-trace-id="` + testTrace + `"`,
		`data-testid="trace-row"`,
		`data-testid="store-status"`,
		`data-testid="refresh"`,
		"memory store · 3 spans · 3 pending",
		"parent not stored",
		`href="/web/viewer.css"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	rows := renderedRows(html)
	if len(rows) != 3 {
		t.Fatalf("%d span rows, want 3", len(rows))
	}
	wantLevel := map[string]string{sid(10): "1", sid(11): "2", sid(12): "1"}
	for _, r := range rows {
		if got := attrOf(r[0], "aria-level"); got != wantLevel[r[1]] {
			t.Errorf("row %s: aria-level %q, want %s", r[1], got, wantLevel[r[1]])
		}
		if got := attrOf(r[0], "role"); got != "row" {
			t.Errorf("row %s: role %q", r[1], got)
		}
	}
	if c := attrOf(rows[1][0], "class"); !strings.Contains(c, "sfv-err") || !strings.Contains(c, "sfv-kind-client") {
		t.Errorf("error client span row classes %q", c)
	}
	if got := attrOf(rows[0][0], "aria-expanded"); got != "true" {
		t.Errorf("root aria-expanded = %q, want true", got)
	}
	if got := attrOf(rows[1][0], "aria-expanded"); got != "" {
		t.Errorf("leaf has aria-expanded %q", got)
	}
	if !strings.Contains(html, `data-testid="store-warning"`) {
		t.Error("a memory store must show the IndexedDB warning")
	}
}

// TestPageOutputIsInert: span names and attribute text are data, never
// markup, and never go into attributes.
func TestPageOutputIsInert(t *testing.T) {
	store := cache.NewMemory()
	evil := `<img src=x onerror=alert(1)><script>alert(2)</script>"'`
	put(t, store, span.Span{TraceID: testTrace, SpanID: sid(10), Name: evil, StartTimeUnixNano: 1, EndTimeUnixNano: 2,
		Attributes: []span.KeyValue{span.String(evil, evil)},
		Events:     []span.Event{{Name: evil, TimeUnixNano: 1}},
		Status:     span.Status{Code: span.StatusError, Message: evil},
		Resource:   &span.Resource{Attributes: []span.KeyValue{span.String("service.name", evil)}},
	})
	p := loadPage(t, store, testTrace)
	p.selectRow(0, true)
	p.jsonOpen = true
	p.setSearch("img")
	html := app.HTMLString(p)
	if strings.Contains(html, "<script>alert") || strings.Contains(html, "<img src=x") {
		t.Fatalf("span text rendered as markup:\n%s", html)
	}
	if !strings.Contains(html, "&lt;script&gt;") {
		t.Fatalf("span name not shown escaped")
	}
	// No attribute value holds span text.
	for _, m := range regexp.MustCompile(`\s[a-z-]+="([^"]*)"`).FindAllStringSubmatch(html, -1) {
		if strings.Contains(m[1], "alert") || strings.Contains(m[1], "onerror") {
			t.Errorf("span text in an attribute: %s", m[0])
		}
	}
}

// bigTrace stores a trace of n spans: a root and n-1 children, every
// tenth child with two grandchildren folded in the count.
func bigTrace(t *testing.T, n int) cache.Store {
	store := cache.NewMemory()
	spans := []span.Span{{TraceID: testTrace, SpanID: sid(1), Name: "root", StartTimeUnixNano: 1, EndTimeUnixNano: uint64(n*10 + 10)}}
	for i := 2; i <= n; i++ {
		spans = append(spans, span.Span{TraceID: testTrace, SpanID: sid(i), ParentSpanID: sid(1),
			Name: fmt.Sprintf("op-%d", i), StartTimeUnixNano: uint64(i * 10), EndTimeUnixNano: uint64(i*10 + 5)})
	}
	put(t, store, spans...)
	return store
}

// TestPageVirtualizes: a trace of 5,000 spans renders a pool of slots
// sized to the viewport, and scrolling moves the slots over the rows.
func TestPageVirtualizes(t *testing.T) {
	p := loadPage(t, bigTrace(t, 5000), testTrace)
	p.vp.Height = 440 // 20 rows
	p.reslice()
	rows := renderedRows(app.HTMLString(p))
	pool := p.vp.PoolSize(overscan)
	if len(rows) != pool {
		t.Fatalf("%d rows rendered for 5000 spans, want the pool of %d", len(rows), pool)
	}
	if rows[0][1] != sid(1) {
		t.Errorf("first slot shows %s, want the root", rows[0][1])
	}
	if !strings.Contains(app.HTMLString(p), `aria-rowcount="5001"`) {
		t.Error("treegrid lacks aria-rowcount of every visible row plus the header")
	}

	p.vp.ScrollTop = 2500 * rowHeight
	p.reslice()
	html := app.HTMLString(p)
	rows = renderedRows(html)
	if len(rows) != pool {
		t.Fatalf("after scrolling, %d rows, want %d", len(rows), pool)
	}
	if p.first > 2500-overscan || p.first+pool < 2500+20+overscan {
		t.Errorf("after scrolling to row 2500, rows [%d, %d) rendered, pool %d", p.first, p.last, pool)
	}
	// Each slot holds a row of the window at the row's place; the row
	// group lists them in visual order.
	var order []string
	seen := make(map[int]bool)
	for _, r := range rows {
		k, err := strconv.Atoi(attrOf(r[0], "aria-rowindex"))
		if err != nil || k-2 < p.first || k-2 >= p.first+pool || seen[k] {
			t.Fatalf("slot %s: aria-rowindex %d (%v), want one of the window [%d, %d)", r[1], k, err, p.first+2, p.first+pool+2)
		}
		seen[k] = true
		if want := fmt.Sprintf("top:%dpx", (k-2)*rowHeight); attrOf(r[0], "style") != want {
			t.Errorf("row %d not placed at its offset: want %q in %s", k, want, r[0])
		}
	}
	for k := p.first; k < p.last; k++ {
		order = append(order, p.rowID(p.visible[k]))
	}
	if want := `aria-owns="` + strings.Join(order, " ") + `"`; !strings.Contains(html, want) {
		t.Errorf("row group lacks %s", want[:80])
	}

	// One quantum further down, only the slots of the rows that left the
	// window get new rows: the others keep theirs, so the diff leaves
	// their DOM alone.
	before := rows
	p.vp.ScrollTop += overscan * rowHeight
	p.reslice()
	after := renderedRows(app.HTMLString(p))
	same := 0
	for s := range after {
		if attrOf(after[s][0], "data-span-id") == attrOf(before[s][0], "data-span-id") {
			same++
		}
	}
	if want := pool - overscan; same < want-2 {
		t.Errorf("a scroll by %d rows changed %d of %d slots, want about %d", overscan, pool-same, pool, overscan)
	}
}

func TestPageFoldAndErrorBelow(t *testing.T) {
	p := loadPage(t, threeSpans(t), testTrace)
	p.toggle(0) // fold the root: its error child hides
	html := app.HTMLString(p)
	rows := renderedRows(html)
	if len(rows) != 2 {
		t.Fatalf("%d rows with the root folded, want 2 (root, orphan)", len(rows))
	}
	if got := attrOf(rows[0][0], "aria-expanded"); got != "false" {
		t.Errorf("folded root aria-expanded = %q", got)
	}
	if c := attrOf(rows[0][0], "class"); !strings.Contains(c, "sfv-err-below") {
		t.Errorf("folded root over an error is not marked: %q", c)
	}
	if !strings.Contains(html, "error below") {
		t.Error("no 'error below' flag")
	}
	p.toggle(0)
	if n := len(renderedRows(app.HTMLString(p))); n != 3 {
		t.Errorf("%d rows unfolded, want 3", n)
	}
}

func TestPageDetailPane(t *testing.T) {
	p := loadPage(t, threeSpans(t), testTrace)
	p.selectRow(1, true)
	html := app.HTMLString(p)
	for _, want := range []string{
		`data-testid="span-detail"`,
		`data-testid="copy-json"`,
		">child</h2>",
		"error: boom",
		"http.method", ">GET<",
		"retry", "attempt",
		"+1µs",          // start from the trace's start
		"show all (600", // the long value is cut
		sid(10),         // the parent
	} {
		if !strings.Contains(html, want) {
			t.Errorf("detail pane lacks %q", want)
		}
	}
	if strings.Contains(html, "none (root span)") {
		t.Error("a child span described as a root")
	}
	for _, r := range renderedRows(html) {
		if want := fmt.Sprint(r[1] == sid(11)); attrOf(r[0], "aria-selected") != want {
			t.Errorf("row %s aria-selected %q, want %s", r[1], attrOf(r[0], "aria-selected"), want)
		}
	}
	if strings.Contains(html, strings.Repeat("x", 300)) {
		t.Error("a 600-char value is shown whole before asking")
	}
	p.more = p.more.With("a1")
	if html := app.HTMLString(p); !strings.Contains(html, strings.Repeat("x", 600)) || !strings.Contains(html, "show less") {
		t.Error("show all does not show the whole value")
	}
	p.jsonOpen = true
	if html := app.HTMLString(p); !strings.Contains(html, `data-testid="span-json"`) || !strings.Contains(html, "resourceSpans") {
		t.Error("JSON view missing")
	}
	eff, ok := p.command(CmdClose)
	if !ok || !eff.url || p.paneOpen {
		t.Errorf("Escape: %+v %v, pane open %v", eff, ok, p.paneOpen)
	}
	if strings.Contains(app.HTMLString(p), `data-testid="span-detail"`) {
		t.Error("pane still drawn after Escape")
	}
}

func TestPageKeyboard(t *testing.T) {
	p := loadPage(t, threeSpans(t), testTrace)
	steps := []struct {
		key      string
		selected string
		pane     bool
		visible  int
	}{
		{"ArrowDown", sid(10), false, 3},
		{"ArrowDown", sid(11), false, 3},
		{"Enter", sid(11), true, 3},
		{"ArrowLeft", sid(10), true, 3}, // leaf: to the parent
		{"ArrowLeft", sid(10), true, 2}, // fold
		{"ArrowRight", sid(10), true, 3},
		{"ArrowRight", sid(11), true, 3}, // first child
		{"Escape", sid(11), false, 3},
		{"End", sid(12), false, 3},
		{"Home", sid(10), false, 3},
	}
	for _, s := range steps {
		_, handled := p.command(CommandFor(KeyEvent{Key: s.key}))
		if !handled || p.selected != s.selected || p.paneOpen != s.pane || len(p.visible) != s.visible {
			t.Fatalf("after %s: handled %v selected %s pane %v visible %d; want %s %v %d",
				s.key, handled, p.selected, p.paneOpen, len(p.visible), s.selected, s.pane, s.visible)
		}
	}
	// Help toggles, Escape closes it first.
	p.command(CmdHelp)
	if !strings.Contains(app.HTMLString(p), `data-testid="help"`) {
		t.Error("no help overlay")
	}
	p.command(CmdClose)
	if p.help {
		t.Error("Escape left the help open")
	}
	if eff, _ := p.command(CmdSearch); eff.focus != "sfv-page-search" {
		t.Errorf("/ focuses %q", eff.focus)
	}
}

// TestPageKeyboardScrolls: moving the selection past the viewport
// scrolls it.
func TestPageKeyboardScrolls(t *testing.T) {
	p := loadPage(t, bigTrace(t, 200), testTrace)
	p.vp.Height = 10 * rowHeight
	p.reslice()
	p.command(CmdHome)
	for range 30 {
		p.command(CmdDown)
	}
	if p.selected != sid(31) {
		t.Fatalf("selected %s, want %s", p.selected, sid(31))
	}
	if want := float64(31*rowHeight) - p.vp.Height; p.vp.ScrollTop != want {
		t.Errorf("scroll top %v, want %v (row 30 at the bottom)", p.vp.ScrollTop, want)
	}
	eff, _ := p.command(CmdPageDown)
	if !eff.scroll {
		t.Error("PageDown did not ask to scroll")
	}
}

func TestPageSearch(t *testing.T) {
	p := loadPage(t, threeSpans(t), testTrace)
	p.toggle(0)
	p.setSearch("CHI")
	if len(p.matches) != 1 {
		t.Fatalf("matches %v", p.matches)
	}
	p.command(CmdNextMatch)
	if p.selected != sid(11) || len(p.visible) != 3 {
		t.Errorf("n selected %s with %d visible: want the match revealed", p.selected, len(p.visible))
	}
	html := app.HTMLString(p)
	if !strings.Contains(html, `<mark class="sfv-hit">chi</mark>`) {
		t.Errorf("no highlight in\n%s", html)
	}
	if !strings.Contains(html, "1/1") {
		t.Error("no match count")
	}
	p.setSearch("GET") // attribute value
	if len(p.matches) != 1 || p.matches[0] != 1 {
		t.Errorf("attribute search matches %v", p.matches)
	}
	p.selectRow(1, true)
	if html := app.HTMLString(p); !strings.Contains(html, `<mark class="sfv-hit">GET</mark>`) {
		t.Error("the matching attribute value is not highlighted in the pane")
	}
}

// TestPageLiveMergeKeepsViewport: spans added above the viewport move the
// scroll by as many rows, so the rows on screen stay put.
func TestPageLiveMergeKeepsViewport(t *testing.T) {
	store := bigTrace(t, 300)
	p := loadPage(t, store, testTrace)
	p.vp.Height = 10 * rowHeight
	p.vp.ScrollTop = 100*rowHeight + 5
	p.reslice()
	top := p.rows[p.visible[100]].SpanID()

	// Three new children of the root that start before every other
	// child: they sort above the viewport.
	put(t, store,
		span.Span{TraceID: testTrace, SpanID: sid(9001), ParentSpanID: sid(1), Name: "early", StartTimeUnixNano: 2, EndTimeUnixNano: 3},
		span.Span{TraceID: testTrace, SpanID: sid(9002), ParentSpanID: sid(1), Name: "early", StartTimeUnixNano: 2, EndTimeUnixNano: 3},
		span.Span{TraceID: testTrace, SpanID: sid(9003), ParentSpanID: sid(1), Name: "early", StartTimeUnixNano: 2, EndTimeUnixNano: 3},
	)
	recs, err := store.Trace(t.Context(), testTrace)
	if err != nil {
		t.Fatal(err)
	}
	if !TraceChanged(p.rows, recs) {
		t.Fatal("new spans not seen as a change")
	}
	newTop, moved := p.mergeTrace(recs)
	if !moved || newTop != 103*rowHeight+5 {
		t.Errorf("merge: scroll top %v moved %v, want %v", newTop, moved, 103*rowHeight+5)
	}
	if got := p.rows[p.visible[int(newTop/rowHeight)]].SpanID(); got != top {
		t.Errorf("row at the top after the merge is %s, want %s", got, top)
	}
	if len(p.rows) != 303 {
		t.Errorf("%d rows after the merge", len(p.rows))
	}
}

func TestPageViewStateRestores(t *testing.T) {
	store := threeSpans(t)
	p := NewPage(store)
	p.applyViewState(ViewState{Trace: testTrace, Span: sid(11), Fold: sid(10)})
	recs, err := store.Trace(t.Context(), testTrace)
	if err != nil {
		t.Fatal(err)
	}
	p.setTrace(recs)
	// The selected span is under the folded root: the fold gives way.
	if !p.paneOpen || p.selected != sid(11) || len(p.visible) != 3 {
		t.Errorf("restored: pane %v selected %s visible %d", p.paneOpen, p.selected, len(p.visible))
	}
	p.selected, p.paneOpen = "", false
	p.refold(NewIDSet(sid(10)))
	if got := p.viewState().Path("/viewer"); got != "/viewer?trace="+testTrace+"&collapsed=all" {
		t.Errorf("view state path %q", got)
	}
}

func TestPageTraceList(t *testing.T) {
	store := cache.NewMemory()
	for i := range 250 {
		tid := fmt.Sprintf("%032x", i+1)
		sp := span.Span{TraceID: tid, SpanID: sid(i + 1), Name: fmt.Sprintf("op-%d", i), StartTimeUnixNano: uint64(1000 + i), EndTimeUnixNano: uint64(1000 + i + i)}
		if i%50 == 0 {
			sp.Status = span.Status{Code: span.StatusError}
		}
		put(t, store, sp)
	}
	p := loadPage(t, store, "")
	html := app.HTMLString(p)
	if n := strings.Count(html, `data-testid="trace-row"`); n != 200 {
		t.Errorf("%d trace rows drawn, want the first 200", n)
	}
	if !strings.Contains(html, "Show 50 more of 50") {
		t.Error("no show-more button")
	}
	p.query.Status = StatusErrors
	p.refilter()
	html = app.HTMLString(p)
	if n := strings.Count(html, `data-testid="trace-row"`); n != 5 {
		t.Errorf("%d error traces drawn, want 5", n)
	}
	if !strings.Contains(html, "5 of 250 traces") {
		t.Error("no filtered count")
	}
	p.sortBy(SortErrors)
	if p.query.Sort != SortErrors || p.query.Ascending {
		t.Errorf("sort = %+v", p.query)
	}
	p.sortBy(SortErrors)
	if !p.query.Ascending || !strings.Contains(app.HTMLString(p), `aria-sort="ascending"`) {
		t.Error("second click does not reverse")
	}
}

func TestPageEmptyStore(t *testing.T) {
	p := loadPage(t, cache.NewMemory(), "")
	if html := app.HTMLString(p); !strings.Contains(html, "No traces stored yet.") {
		t.Error("no empty message")
	}
	// The server's prerender: no store.
	if html := app.HTMLString(NewPage(nil)); !strings.Contains(html, "no store") {
		t.Error("nil store page")
	}
}

// panelHost mounts a Panel and gives it a store the way an app does.
type panelHost struct {
	app.Compo
	panel *Panel
	store cache.Store
}

func (h *panelHost) OnPreRender(ctx app.Context) {
	ProvideStore(ctx, h.store)
	h.panel.setOpen(ctx, true)
}

func (h *panelHost) Render() app.UI { return app.Div().Body(h.panel) }

func TestPanelClosedIsOnlyAButton(t *testing.T) {
	html := app.HTMLString(&Panel{})
	if !strings.Contains(html, `data-testid="panel-toggle"`) || strings.Contains(html, `data-testid="panel"`) {
		t.Errorf("closed panel:\n%s", html)
	}
	if !strings.Contains(html, "display:contents") {
		t.Error("the panel's wrapper takes room in the host layout")
	}
}

// TestPanelFindsTheStore opens a panel on a test engine: it finds the
// store in the go-app state, reads it and draws the traces of the store.
func TestPanelFindsTheStore(t *testing.T) {
	store := threeSpans(t)
	p := &Panel{}
	p.view = newView(nil, true, "sfv-panel")
	p.view.liveEvery = 0
	p.allTraces = true
	e := app.NewTestEngine()
	if err := e.Load(&panelHost{panel: p, store: store}); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	if p.view.store != store {
		t.Fatal("the panel did not get the store from the state")
	}
	if !p.open || !p.view.loaded || len(p.view.traces) != 1 {
		t.Fatalf("open %v loaded %v traces %d", p.open, p.view.loaded, len(p.view.traces))
	}
	// The host, not the panel, was updated: draw the panel afresh.
	html := app.HTMLString(p.Render())
	for _, want := range []string{`data-testid="panel"`, `data-testid="trace-row"`, "memory store · 3 spans", `role="separator"`, "sfv-embedded"} {
		if !strings.Contains(html, want) {
			t.Errorf("open panel lacks %s", want)
		}
	}
	// The panel's list has no links: the host app may have no /viewer.
	if strings.Contains(html, `href="/viewer`) {
		t.Error("panel links to /viewer")
	}
}

func TestPanelWithoutStoreSaysSo(t *testing.T) {
	p := &Panel{open: true, height: 300}
	p.OnInit()
	if html := app.HTMLString(p); !strings.Contains(html, "viewer.UseStore") {
		t.Errorf("no store message:\n%s", html)
	}
}
