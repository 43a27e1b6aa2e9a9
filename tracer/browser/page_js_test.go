//go:build js && wasm

package browser_test

import (
	"context"
	"net/http"
	"strings"
	"syscall/js"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/spanfall/spanfall/tracer/browser"
	"github.com/spanfall/spanfall/tracer/instrument"
)

// pageFetch makes a fetch from page JavaScript: a timer callback, so no Go
// frame is on the stack (a fetch called from Go would be skipped).
func pageFetch(url string) {
	js.Global().Call("eval", `setTimeout(() => { window.__got = window.__got || [];
		fetch(`+"`"+url+"`"+`).then(r => window.__got.push(r.status), e => window.__got.push(String(e))); }, 0)`)
}

func waitJS(t *testing.T, expr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !js.Global().Call("eval", expr).Truthy() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", expr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestInstrumentPageInChromium runs the early script in the test page, then
// checks in Chromium: a page fetch before InstrumentPage is replayed, a
// live one gets its span and a same-origin traceparent, and Go's own
// net/http requests (which are fetch calls too: the exporter's) are never
// traced by the wrapper.
func TestInstrumentPageInChromium(t *testing.T) {
	js.Global().Call("eval", browser.EarlyScript())
	early := js.Global().Get("__spanfall_early")
	if early.Type() != js.TypeObject {
		t.Fatal("the early script did not define window.__spanfall_early")
	}
	origin := js.Global().Get("location").Get("origin").String()

	pageFetch(origin + "/?before=1")
	waitJS(t, "window.__got && window.__got.length === 1")
	if n := early.Get("events").Length(); n != 1 {
		t.Fatalf("early buffer holds %d events, want the 1 fetch", n)
	}

	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	defer tp.Shutdown(context.Background())
	p := browser.InstrumentPage(t.Context(), browser.PageOptions{
		Tracer: tp.Tracer("test"), Policy: &instrument.Policy{PageOrigin: origin},
		Requests: true, Interactions: true,
	})
	browser.StopEarly()
	if p.Replayed() != 1 {
		t.Errorf("replayed %d early events, want 1", p.Replayed())
	}

	// Go's net/http: fetch under the hood, never traced by the wrapper.
	resp, err := http.Get(origin + "/?go=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	// A live page fetch.
	pageFetch(origin + "/?live=1")
	waitJS(t, "window.__got.length === 2")

	var urls []string
	var live, before int
	for _, s := range sr.Ended() {
		for _, kv := range s.Attributes() {
			if kv.Key == "url.full" {
				u := kv.Value.AsString()
				urls = append(urls, u)
				switch {
				case strings.Contains(u, "go="):
					t.Errorf("Go's own request was traced by the fetch wrapper: %s", u)
				case strings.Contains(u, "live="):
					live++
				case strings.Contains(u, "before="):
					before++
				}
			}
		}
	}
	if live != 1 || before != 1 {
		t.Errorf("spans for %q: want one live fetch and one replayed early fetch", urls)
	}
	if early.Get("events").Length() != 0 {
		t.Error("stop() left events in the early buffer")
	}
}

// TestEarlyScriptSurvivesDeadHooks: when the wasm's hooks throw (a Go
// program that has exited), the page's fetch still works.
func TestEarlyScriptSurvivesDeadHooks(t *testing.T) {
	js.Global().Call("eval", browser.EarlyScript())
	js.Global().Call("eval", `(() => { const L = window.__spanfall_early.live;
		L.start = () => { throw new Error('Go program has already exited'); };
		L.end = () => { throw new Error('Go program has already exited'); };
		L.fetch = true; })()`)
	js.Global().Set("__got", js.Global().Get("Array").New())
	pageFetch(js.Global().Get("location").Get("origin").String() + "/?dead=1")
	waitJS(t, "window.__got.length === 1")
	if got := js.Global().Get("__got").Index(0); got.Type() != js.TypeNumber || got.Int() != 200 {
		t.Errorf("page fetch with dead hooks answered %v, want status 200", got)
	}
}
