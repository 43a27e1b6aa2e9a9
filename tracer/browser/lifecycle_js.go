//go:build js && wasm

package browser

import "syscall/js"

// OnHidden calls f (on a new goroutine) when the page is hidden
// (visibilitychange to hidden) or being unloaded (pagehide): the last
// moments a page can be relied on to send anything.
func OnHidden(f func(reason string)) {
	doc := js.Global().Get("document")
	vis := js.FuncOf(func(js.Value, []js.Value) any {
		if doc.Get("visibilityState").String() == "hidden" {
			go f("visibilitychange")
		}
		return nil
	})
	hide := js.FuncOf(func(js.Value, []js.Value) any {
		go f("pagehide")
		return nil
	})
	doc.Call("addEventListener", "visibilitychange", vis)
	js.Global().Call("addEventListener", "pagehide", hide)
}
