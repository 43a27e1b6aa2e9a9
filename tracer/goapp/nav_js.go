//go:build js && wasm

package goapp

import (
	"math"
	"sync"
	"syscall/js"
	"time"
)

var watchOnce sync.Once

// watchNavigation notes, once per page, the navigation start and then
// every click on a same-origin link and every popstate as the start of
// the next navigation. The listeners capture, so they run before
// go-app's own.
func watchNavigation() {
	watchOnce.Do(func() {
		g := js.Global()
		origin := g.Get("performance").Get("timeOrigin").Float()
		whole := math.Floor(origin)
		nav.mu.Lock()
		nav.origin = time.Unix(0, int64(whole)*1e6+int64((origin-whole)*1e6))
		nav.mu.Unlock()
		here := g.Get("location").Get("origin").String()
		click := js.FuncOf(func(_ js.Value, args []js.Value) any {
			e := args[0]
			if e.Get("defaultPrevented").Bool() || e.Get("button").Int() != 0 {
				return nil
			}
			t := e.Get("target")
			if t.Type() != js.TypeObject || t.Get("closest").Type() != js.TypeFunction {
				return nil
			}
			a := t.Call("closest", "a[href]")
			if a.IsNull() || a.Get("origin").String() != here || a.Get("target").String() == "_blank" {
				return nil
			}
			nav.begin(time.Now(), KindLink)
			return nil
		})
		pop := js.FuncOf(func(js.Value, []js.Value) any {
			nav.begin(time.Now(), KindHistory)
			return nil
		})
		g.Get("document").Call("addEventListener", "click", click, true)
		g.Call("addEventListener", "popstate", pop, true)
	})
}
