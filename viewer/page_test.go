package viewer

import (
	"regexp"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

// renderPage renders the page with the given store contents as loaded
// state, the way OnNav leaves it.
func renderPage(t *testing.T, store cache.Store, traceID string) string {
	t.Helper()
	ctx := t.Context()
	p := NewPage(store)
	p.traceID = traceID
	traces, err := store.Traces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p.stats, _ = store.Stats(ctx)
	recs, err := store.Trace(ctx, traceID)
	if err != nil {
		t.Fatal(err)
	}
	p.traces = traces
	p.rows, p.start, p.end = Layout(recs)
	p.loading = false
	return app.HTMLString(p)
}

func TestPageRendersTreegridRows(t *testing.T) {
	store := cache.NewMemory()
	tid := "0123456789abcdef0123456789abcdef"
	err := store.Put(t.Context(), []span.Span{
		{TraceID: tid, SpanID: "000000000000000a", Name: "root", StartTimeUnixNano: 1000, EndTimeUnixNano: 5000, Kind: span.KindServer},
		{TraceID: tid, SpanID: "000000000000000b", ParentSpanID: "000000000000000a", Name: "child", StartTimeUnixNano: 2000, EndTimeUnixNano: 3000, Kind: span.KindClient,
			Status: span.Status{Code: span.StatusError, Message: "boom"}},
		{TraceID: tid, SpanID: "000000000000000c", ParentSpanID: "00000000000000ff", Name: "orphan", StartTimeUnixNano: 4000, EndTimeUnixNano: 4500},
	})
	if err != nil {
		t.Fatal(err)
	}
	html := renderPage(t, store, tid)
	for _, want := range []string{
		`role="treegrid"`,
		`data-trace-id="` + tid + `"`,
		`data-testid="trace-row"`,
		"memory store · 3 spans · 3 pending",
		"orphan (parent not stored)",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	rows := regexp.MustCompile(`<div[^>]*data-span-id="([0-9a-f]+)"[^>]*>`).FindAllStringSubmatch(html, -1)
	if len(rows) != 3 {
		t.Fatalf("%d span rows, want 3", len(rows))
	}
	wantLevel := map[string]string{"000000000000000a": "1", "000000000000000b": "2", "000000000000000c": "1"}
	for _, r := range rows {
		lvl := regexp.MustCompile(`aria-level="(\d+)"`).FindStringSubmatch(r[0])
		if lvl == nil || lvl[1] != wantLevel[r[1]] {
			t.Errorf("row %s: %s, want aria-level %s", r[1], r[0], wantLevel[r[1]])
		}
		if r[1] == "000000000000000b" && !strings.Contains(r[0], "err") {
			t.Errorf("error span row not marked: %s", r[0])
		}
	}
	if !strings.Contains(html, `data-testid="store-warning"`) {
		t.Error("a memory store must show the IndexedDB warning")
	}
}

// TestPageOutputIsInert: span names and attribute text are data, never
// markup.
func TestPageOutputIsInert(t *testing.T) {
	store := cache.NewMemory()
	tid := "0123456789abcdef0123456789abcdef"
	evil := `<img src=x onerror=alert(1)><script>alert(2)</script>`
	if err := store.Put(t.Context(), []span.Span{{TraceID: tid, SpanID: "000000000000000a", Name: evil, StartTimeUnixNano: 1, EndTimeUnixNano: 2}}); err != nil {
		t.Fatal(err)
	}
	html := renderPage(t, store, tid)
	if strings.Contains(html, "<script>alert") || strings.Contains(html, "<img src=x") {
		t.Fatalf("span name rendered as markup:\n%s", html)
	}
	if !strings.Contains(html, "&lt;script&gt;") {
		t.Fatalf("span name not shown escaped")
	}
}
