//go:build js && wasm

package longtask

import (
	"context"
	"syscall/js"

	"go.opentelemetry.io/otel/trace"
)

// Observe records every longtask and long-animation-frame entry the
// browser supports, including those from before the call (buffered), with
// t. It returns a function that stops observing.
func Observe(t trace.Tracer) (stop func()) {
	g := js.Global()
	po := g.Get("PerformanceObserver")
	if po.IsUndefined() {
		return func() {}
	}
	origin := num(g.Get("performance"), "timeOrigin")
	f := js.FuncOf(func(_ js.Value, args []js.Value) any {
		entries := args[0].Call("getEntries")
		for i := range entries.Length() {
			Record(context.Background(), t, origin, fromEntry(entries.Index(i)))
		}
		return nil
	})
	supported := po.Get("supportedEntryTypes")
	var observers []js.Value
	for _, typ := range []string{LongTask, LongAnimationFrame} {
		if supported.Truthy() && !supported.Call("includes", typ).Bool() {
			continue
		}
		o := po.New(f)
		o.Call("observe", map[string]any{"type": typ, "buffered": true})
		observers = append(observers, o)
	}
	return func() {
		for _, o := range observers {
			o.Call("disconnect")
		}
		f.Release()
	}
}

func fromEntry(e js.Value) Task {
	task := Task{
		Type: str(e, "entryType"), Name: str(e, "name"),
		StartTime: num(e, "startTime"), Duration: num(e, "duration"),
	}
	if task.Type == LongTask {
		if a := e.Get("attribution"); a.Truthy() && a.Length() > 0 {
			first := a.Index(0)
			task.ContainerType, task.ContainerSrc = str(first, "containerType"), str(first, "containerSrc")
		}
		return task
	}
	task.BlockingDuration = num(e, "blockingDuration")
	task.RenderStart = num(e, "renderStart")
	task.StyleAndLayoutStart = num(e, "styleAndLayoutStart")
	if ss := e.Get("scripts"); ss.Truthy() {
		for i := range ss.Length() {
			s := ss.Index(i)
			task.Scripts = append(task.Scripts, Script{
				Invoker: str(s, "invoker"), InvokerType: str(s, "invokerType"),
				SourceURL: str(s, "sourceURL"), SourceFunction: str(s, "sourceFunctionName"),
				SourceCharPosition: int(num(s, "sourceCharPosition")),
				StartTime:          num(s, "startTime"), Duration: num(s, "duration"),
				ForcedStyleAndLayoutDuration: num(s, "forcedStyleAndLayoutDuration"),
			})
		}
	}
	return task
}

func str(v js.Value, k string) string {
	x := v.Get(k)
	if x.Type() != js.TypeString {
		return ""
	}
	return x.String()
}

func num(v js.Value, k string) float64 {
	x := v.Get(k)
	if x.Type() != js.TypeNumber {
		return 0
	}
	return x.Float()
}
