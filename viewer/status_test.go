package viewer

import (
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/spanfall/spanfall/cache"
)

func TestPipelineLine(t *testing.T) {
	at := time.Date(2026, 11, 27, 15, 4, 5, 0, time.UTC)
	tests := []struct {
		name string
		s    Status
		want string
	}{
		{"never flushed", Status{Online: true}, "online · never flushed · 0 rejected"},
		{"offline after flushes", Status{LastFlush: at, Rejected: 7, LastError: "HTTP 400"}, "offline · last flush 15:04:05 · 7 rejected"},
		{"online", Status{Online: true, LastFlush: at}, "online · last flush 15:04:05 · 0 rejected"},
	}
	for _, tt := range tests {
		if got := PipelineLine(tt.s, time.UTC); got != tt.want {
			t.Errorf("%s: PipelineLine = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// statusHost mounts an open Panel and gives it a store and a status
// function the way an app does.
type statusHost struct {
	panelHost
	get func() Status
}

func (h *statusHost) OnPreRender(ctx app.Context) {
	ProvideStatus(ctx, h.get)
	h.panelHost.OnPreRender(ctx)
}

// TestViewerShowsPipelineStatus opens a panel on a test engine with a
// status function in the go-app state: the status line shows it, follows
// its changes at the next read, and carries the last error as a tooltip.
func TestViewerShowsPipelineStatus(t *testing.T) {
	at := time.Date(2026, 11, 27, 15, 4, 5, 0, time.Local)
	cur := Status{Online: false, LastFlush: at, Rejected: 2, LastError: "collector said 400"}
	p := &Panel{}
	p.view = newView(nil, true, "sfv-panel")
	p.view.liveEvery = 0
	e := app.NewTestEngine()
	if err := e.Load(&statusHost{panelHost: panelHost{panel: p, store: threeSpans(t)}, get: func() Status { return cur }}); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	html := app.HTMLString(p.Render())
	for _, want := range []string{`data-testid="pipeline-status"`, "offline · last flush 15:04:05 · 2 rejected", `title="collector said 400"`, "sfv-offline"} {
		if !strings.Contains(html, want) {
			t.Errorf("status line lacks %s:\n%s", want, html)
		}
	}
	cur.Online, cur.Rejected = true, 3
	if !p.view.readStatus() {
		t.Error("readStatus saw no change")
	}
	if p.view.readStatus() {
		t.Error("readStatus saw a change twice")
	}
	if html := app.HTMLString(p.Render()); !strings.Contains(html, "online · last flush 15:04:05 · 3 rejected") {
		t.Errorf("status line did not follow the status:\n%s", html)
	}
}

func TestViewerWithoutStatusShowsStoreOnly(t *testing.T) {
	p := loadPage(t, cache.NewMemory(), "")
	if html := app.HTMLString(p); strings.Contains(html, `data-testid="pipeline-status"`) {
		t.Error("a pipeline status without a status function")
	}
}
