//go:build js && wasm

package browser

import "syscall/js"

// Online reports navigator.onLine.
func Online() bool {
	v := js.Global().Get("navigator").Get("onLine")
	return v.Type() != js.TypeBoolean || v.Bool()
}

// OnOnline calls f (on a new goroutine, never inside the JS callback)
// whenever the window fires "online". The listener lives as long as the page.
func OnOnline(f func()) {
	cb := js.FuncOf(func(js.Value, []js.Value) any {
		go f()
		return nil
	})
	js.Global().Call("addEventListener", "online", cb)
}
