//go:build js && wasm

package longtask

import (
	"context"
	"syscall/js"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

type chanProcessor chan sdktrace.ReadOnlySpan

func (c chanProcessor) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (c chanProcessor) OnEnd(s sdktrace.ReadOnlySpan)                   { c <- s }
func (c chanProcessor) Shutdown(context.Context) error                  { return nil }
func (c chanProcessor) ForceFlush(context.Context) error                { return nil }

// A real 120 ms busy loop in JavaScript becomes a longtask span (and a
// long-animation-frame span where Chromium has the API).
func TestObserveBusyLoop(t *testing.T) {
	ended := make(chanProcessor, 64)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(ended))
	stop := Observe(tp.Tracer("t"))
	defer stop()
	js.Global().Get("Function").New("const t = performance.now(); while (performance.now() - t < 120) {}").Invoke()

	supported := js.Global().Get("PerformanceObserver").Get("supportedEntryTypes")
	want := map[string]bool{LongTask: true}
	if supported.Call("includes", LongAnimationFrame).Bool() {
		want[LongAnimationFrame] = true
	}
	deadline := time.After(20 * time.Second)
	for len(want) > 0 {
		select {
		case s := <-ended:
			if s.Name() == ScriptSpan {
				continue
			}
			if d := s.EndTime().Sub(s.StartTime()); d >= 120*time.Millisecond && want[s.Name()] {
				delete(want, s.Name())
			}
		case <-deadline:
			t.Fatalf("no span for %v", want)
		}
	}
}
