//go:build js && wasm

package browser_test

import (
	"context"
	"testing"
	"time"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/browser"
)

func TestResourceAttributesInChromium(t *testing.T) {
	got := map[string]string{}
	for _, kv := range browser.ResourceAttributes() {
		got[string(kv.Key)] = kv.Value.Emit()
	}
	for _, k := range []string{"user_agent.original", "browser.language", "browser.platform"} {
		if got[k] == "" {
			t.Errorf("%s is empty", k)
		}
	}
	if got["browser.mobile"] != "false" {
		t.Errorf("browser.mobile = %q on headless desktop Chromium", got["browser.mobile"])
	}
}

// TestDocumentLoadInChromium records the test page's own document load from
// the browser's Navigation Timing entry.
func TestDocumentLoadInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	nt, ok := browser.ReadNavigationTiming(ctx)
	if !ok {
		t.Fatal("no Navigation Timing Level 2 entry")
	}
	if !nt.Complete() || nt.TimeOrigin < 1.6e12 || nt.URL == "" {
		t.Fatalf("navigation entry incomplete: %+v", nt)
	}
	if d := time.Since(nt.Time(nt.LoadEventEnd)); d < 0 || d > time.Hour {
		t.Fatalf("load event ended %v ago: clock conversion is off", d)
	}
	store := cache.NewMemory()
	tp := tracer.NewProvider(store)
	browser.RecordDocumentLoad(ctx, tp.Tracer("t"), nt)
	if err := tp.ForceFlush(ctx); err != nil {
		t.Fatal(err)
	}
	recs, err := store.Pending(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	var root string
	for _, r := range recs {
		names[r.Span.Name] = true
		if r.Span.Name == "documentLoad" {
			root = r.Span.SpanID
		}
	}
	for _, n := range []string{"documentLoad", "request", "response", "domProcessing", "loadEvent"} {
		if !names[n] {
			t.Errorf("no %s span among %v", n, names)
		}
	}
	for _, r := range recs {
		if r.Span.Name != "documentLoad" && r.Span.ParentSpanID != root {
			t.Errorf("%s has parent %s, want %s", r.Span.Name, r.Span.ParentSpanID, root)
		}
	}
}
