//go:build js && wasm

package exception

import (
	"strings"
	"syscall/js"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// The early buffer's errors are replayed with their original times, the
// array is emptied, and live error and rejection events are recorded.
func TestListenReplaysEarlyThenLive(t *testing.T) {
	g := js.Global()
	early := g.Get("Object").New()
	errs := g.Get("Array").New()
	early.Set("errors", errs)
	g.Set("__spanfall_early", early)
	defer g.Delete("__spanfall_early")
	errs.Call("push", map[string]any{
		"type": "error", "time": 1_800_000_000_250.5, "message": "early boom", "errorType": "ReferenceError",
		"stack": "ReferenceError: early boom\n    at head.js:1:1", "filename": "https://h/head.js?x=1", "lineno": 1, "colno": 1,
	})
	errs.Call("push", map[string]any{"type": "unhandledrejection", "time": 1_800_000_000_300.0, "message": "early no", "errorType": "string"})

	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	stop := Listen(tp.Tracer("t"))
	defer stop()
	if n := errs.Length(); n != 0 {
		t.Fatalf("early errors left in the buffer: %d", n)
	}

	// Live: a real ErrorEvent carrying a real TypeError, and a real
	// PromiseRejectionEvent, through the window's listeners.
	terr := g.Get("TypeError").New("live boom")
	g.Call("dispatchEvent", g.Get("ErrorEvent").New("error", map[string]any{
		"message": "Uncaught TypeError: live boom", "error": terr, "filename": "https://h/app.js", "lineno": 9, "colno": 4,
	}))
	reason := g.Get("RangeError").New("live no")
	rejected := g.Get("Promise").Call("reject", reason)
	rejected.Call("catch", js.FuncOf(func(js.Value, []js.Value) any { return nil }))
	g.Call("dispatchEvent", g.Get("PromiseRejectionEvent").New("unhandledrejection", map[string]any{"promise": rejected, "reason": reason}))

	spans := sr.Ended()
	if len(spans) != 4 {
		t.Fatalf("%d spans, want 4", len(spans))
	}
	type want struct{ name, typ, msg, source string }
	wants := []want{
		{"error", "ReferenceError", "early boom", "error"},
		{"unhandledrejection", "string", "early no", "unhandledrejection"},
		{"error", "TypeError", "Uncaught TypeError: live boom", "error"},
		{"unhandledrejection", "RangeError", "live no", "unhandledrejection"},
	}
	for i, w := range wants {
		s := spans[i]
		ev := attrMap(s.Events()[0].Attributes)
		if s.Name() != w.name || ev[AttrType] != w.typ || ev[AttrMessage] != w.msg {
			t.Errorf("span %d: %s %v, want %+v", i, s.Name(), ev, w)
		}
		if i >= 2 && !strings.Contains(ev[AttrStacktrace], w.typ) {
			t.Errorf("span %d: stack %q", i, ev[AttrStacktrace])
		}
		early := attrMap(s.Attributes())[AttrEarly] == "true"
		if early != (i < 2) {
			t.Errorf("span %d: early %v", i, early)
		}
	}
	if !spans[0].StartTime().Equal(time.Unix(1_800_000_000, 250_500_000)) {
		t.Errorf("early error time %v, want its original time", spans[0].StartTime())
	}
	if since := time.Since(spans[2].StartTime()); since < 0 || since > time.Minute {
		t.Errorf("live error time %v is not now", spans[2].StartTime())
	}
}

// Without the early buffer nothing is replayed and nothing fails.
func TestReplayEarlyAbsent(t *testing.T) {
	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	if n := ReplayEarly(tp.Tracer("t")); n != 0 || len(sr.Ended()) != 0 {
		t.Fatalf("replayed %d", n)
	}
}
