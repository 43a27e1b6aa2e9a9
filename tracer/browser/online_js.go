//go:build js && wasm

package browser

import (
	"sync"
	"sync/atomic"
	"syscall/js"
)

// Online reports navigator.onLine, read now.
func Online() bool {
	v := js.Global().Get("navigator").Get("onLine")
	on := v.Type() != js.TypeBoolean || v.Bool()
	onlineState().Store(on)
	return on
}

// OnlineCached reports navigator.onLine as the last "online" or "offline"
// event (or the last [Online] call) left it: a load of a Go variable, where
// reading navigator.onLine costs two property reads across syscall/js,
// which made up half of what a span cost the app when the provider asked
// for every span it started (tracer.WithOnline). An event that has not
// been dispatched yet, because Go has not yielded to the event loop since
// the network went away, is not seen: neither are the spans' fetches.
func OnlineCached() bool { return onlineState().Load() }

// onlineState is the cached navigator.onLine, kept by listeners to the
// window's "online" and "offline" events, installed on first use.
var onlineState = sync.OnceValue(func() *atomic.Bool {
	var on atomic.Bool
	v := js.Global().Get("navigator").Get("onLine")
	on.Store(v.Type() != js.TypeBoolean || v.Bool())
	for _, ev := range []struct {
		name string
		on   bool
	}{{"online", true}, {"offline", false}} {
		cb := js.FuncOf(func(js.Value, []js.Value) any {
			on.Store(ev.on)
			return nil
		})
		js.Global().Call("addEventListener", ev.name, cb)
	}
	return &on
})

// OnOnline calls f (on a new goroutine, never inside the JS callback)
// whenever the window fires "online". The listener lives as long as the page.
func OnOnline(f func()) {
	cb := js.FuncOf(func(js.Value, []js.Value) any {
		go f()
		return nil
	})
	js.Global().Call("addEventListener", "online", cb)
}
