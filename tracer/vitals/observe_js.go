//go:build js && wasm

package vitals

import (
	"sync"
	"syscall/js"
)

// Observe starts computing the page's web vitals from buffered
// PerformanceObservers (paint, largest-contentful-paint, layout-shift,
// event with durationThreshold 40, first-input) and the page lifecycle
// (first keydown/click, visibilitychange to hidden, pageshow from the
// back/forward cache), and records every report with rec. Entries from
// before the call are delivered too (buffered). It returns a function that
// stops observing. Where PerformanceObserver is missing it does nothing.
func Observe(rec *Recorder) (stop func()) {
	g := js.Global()
	perf := g.Get("performance")
	po := g.Get("PerformanceObserver")
	if po.IsUndefined() || perf.IsUndefined() {
		return func() {}
	}
	doc := g.Get("document")
	nav := Navigation{HiddenAtStart: doc.Get("visibilityState").String() == "hidden" && !doc.Get("prerendering").Truthy(),
		WasDiscarded: doc.Get("wasDiscarded").Truthy()}
	if es := perf.Call("getEntriesByType", "navigation"); es.Length() > 0 {
		e := es.Index(0)
		nav.Type = e.Get("type").String()
		nav.ResponseStart = num(e, "responseStart")
		nav.ActivationStart = num(e, "activationStart")
	}
	var mu sync.Mutex
	page := NewPage(nav)
	emit := func(ms []Metric) {
		for _, m := range ms {
			rec.Record(m)
		}
	}
	var funcs []js.Func
	var observers []js.Value
	var undo []func()
	handle := func(list js.Value) {
		entries := list
		if !list.InstanceOf(g.Get("Array")) {
			entries = list.Call("getEntries")
		}
		for i := range entries.Length() {
			e := entries.Index(i)
			switch e.Get("entryType").String() {
			case "paint":
				emit(page.Paint(e.Get("name").String(), num(e, "startTime")))
			case "largest-contentful-paint":
				emit(page.LargestPaint(num(e, "startTime")))
			case "layout-shift":
				emit(page.LayoutShift(Shift{StartTime: num(e, "startTime"), Value: num(e, "value"), HadRecentInput: e.Get("hadRecentInput").Truthy()}))
			case "event", "first-input":
				emit(page.Event(Event{
					InteractionID: uint64(num(e, "interactionId")), Name: e.Get("name").String(),
					StartTime: num(e, "startTime"), Duration: num(e, "duration"),
					FirstInput: e.Get("entryType").String() == "first-input",
				}))
			}
		}
	}
	supported := po.Get("supportedEntryTypes")
	observe := func(typ string, extra map[string]any) {
		if supported.Truthy() && !supported.Call("includes", typ).Bool() {
			return
		}
		f := js.FuncOf(func(_ js.Value, args []js.Value) any {
			mu.Lock()
			defer mu.Unlock()
			handle(args[0])
			return nil
		})
		funcs = append(funcs, f)
		o := po.New(f)
		opts := map[string]any{"type": typ, "buffered": true}
		for k, v := range extra {
			opts[k] = v
		}
		o.Call("observe", opts)
		observers = append(observers, o)
	}
	observe("paint", nil)
	observe("largest-contentful-paint", nil)
	observe("layout-shift", nil)
	observe("event", map[string]any{"durationThreshold": 40})
	observe("first-input", nil)

	// takeRecords drains what the observers hold before a hide report.
	takeRecords := func() {
		for _, o := range observers {
			handle(o.Call("takeRecords"))
		}
		if c := perf.Get("interactionCount"); c.Type() == js.TypeNumber {
			page.InteractionCount(c.Int())
		}
	}
	listen := func(target js.Value, typ string, f func(e js.Value)) {
		fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
			mu.Lock()
			defer mu.Unlock()
			f(args[0])
			return nil
		})
		funcs = append(funcs, fn)
		// Capture on window: before the pipeline's own hide handler
		// flushes, so these reports are in that flush.
		target.Call("addEventListener", typ, fn, true)
		undo = append(undo, func() { target.Call("removeEventListener", typ, fn, true) })
	}
	loaded := func() { emit(page.Loaded(num(perf, "now"))) }
	if doc.Get("readyState").String() == "complete" {
		// TTFB needs responseStart <= now: always true once loaded.
		loaded()
	} else {
		listen(g, "load", func(js.Value) { loaded() })
	}
	for _, typ := range []string{"keydown", "click"} {
		listen(g, typ, func(js.Value) { emit(page.Input()) })
	}
	listen(g, "visibilitychange", func(e js.Value) {
		if doc.Get("visibilityState").String() != "hidden" {
			return
		}
		takeRecords()
		emit(page.Hidden(num(e, "timeStamp")))
	})
	listen(g, "pageshow", func(e js.Value) {
		if !e.Get("persisted").Truthy() {
			return
		}
		at := num(e, "timeStamp")
		var second js.Func
		first := js.FuncOf(func(js.Value, []js.Value) any {
			g.Call("requestAnimationFrame", second)
			return nil
		})
		second = js.FuncOf(func(js.Value, []js.Value) any {
			mu.Lock()
			emit(page.Restore(at, num(perf, "now")))
			mu.Unlock()
			first.Release()
			second.Release()
			return nil
		})
		g.Call("requestAnimationFrame", first)
	})
	return func() {
		mu.Lock()
		defer mu.Unlock()
		for _, o := range observers {
			o.Call("disconnect")
		}
		for _, u := range undo {
			u()
		}
		for _, f := range funcs {
			f.Release()
		}
		observers, undo, funcs = nil, nil, nil
	}
}

func num(v js.Value, key string) float64 {
	x := v.Get(key)
	if x.Type() == js.TypeFunction {
		x = v.Call(key)
	}
	if x.Type() != js.TypeNumber {
		return 0
	}
	return x.Float()
}
