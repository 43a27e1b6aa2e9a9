package viewer

import (
	"errors"
	"math"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Browser calls of the power tools, through go-app's Value API like
// dom.go: inert on the host.

// relX returns where a mouse event is across element id, as a fraction
// of its width (clamped to [0, 1]); -1 when unknown.
func relX(e app.Value, id string) float64 {
	el, ok := element(id)
	if !ok || !isObject(e) {
		return -1
	}
	r, ok := call(el, "getBoundingClientRect")
	if !ok || !isObject(r) {
		return -1
	}
	w := number(r, "width")
	if w <= 0 {
		return -1
	}
	return min(max((number(e, "clientX")-number(r, "left"))/w, 0), 1)
}

// within reports whether the event's target is inside element id.
func within(e app.Value, id string) bool {
	el, ok := element(id)
	t := prop(e, "target")
	if !ok || !isObject(t) {
		return false
	}
	v, ok := call(el, "contains", t)
	return ok && v.Type() == app.TypeBoolean && v.Bool()
}

// listenWith adds a listener on the window with options (e.g. passive
// false, so that a wheel handler may cancel the event) and returns its
// remover.
func listenWith(event string, opts map[string]any, h func(e app.Value)) (remove func()) {
	if !app.IsClient {
		return func() {}
	}
	w := app.Window()
	fn := app.FuncOf(func(_ app.Value, args []app.Value) any {
		if len(args) > 0 && isObject(args[0]) {
			h(args[0])
		}
		return nil
	})
	if _, ok := call(w, "addEventListener", event, fn, opts); !ok {
		fn.Release()
		return func() {}
	}
	return func() {
		call(w, "removeEventListener", event, fn, opts)
		fn.Release()
	}
}

// download saves data as a file named name through a temporary object
// URL; it reports whether the browser took it.
func download(name, mime string, data []byte) bool {
	if !app.IsClient {
		return false
	}
	w := app.Window()
	u8 := w.Get("Uint8Array").New(len(data))
	app.CopyBytesToJS(u8, data)
	blob := w.Get("Blob").New([]any{u8}, map[string]any{"type": mime})
	url := w.Get("URL").Call("createObjectURL", blob)
	doc := w.Get("document")
	a := doc.Call("createElement", "a")
	a.Set("href", url)
	a.Set("download", name)
	a.Set("style", "display:none")
	doc.Get("body").Call("appendChild", a)
	a.Call("click")
	a.Call("remove")
	// Revoke once the download has started.
	var revoke app.Func
	revoke = app.FuncOf(func(app.Value, []app.Value) any {
		w.Get("URL").Call("revokeObjectURL", url)
		revoke.Release()
		return nil
	})
	w.Call("setTimeout", revoke, 60_000)
	return true
}

// readFile reads a File (or Blob) whole. It blocks: call it from
// ctx.Async, never from a JS callback.
func readFile(file app.Value) ([]byte, error) {
	if !isObject(file) {
		return nil, errors.New("viewer: no file")
	}
	buf, err := await(file.Call("arrayBuffer"))
	if err != nil {
		return nil, err
	}
	u8 := app.Window().Get("Uint8Array").New(buf)
	out := make([]byte, u8.Length())
	app.CopyBytesToGo(out, u8)
	return out, nil
}

// await waits for a promise.
func await(p app.Value) (app.Value, error) {
	type result struct {
		v   app.Value
		err error
	}
	ch := make(chan result, 1)
	then := app.FuncOf(func(_ app.Value, a []app.Value) any {
		var v app.Value
		if len(a) > 0 {
			v = a[0]
		}
		ch <- result{v: v}
		return nil
	})
	catch := app.FuncOf(func(_ app.Value, a []app.Value) any {
		msg := "rejected"
		if len(a) > 0 && isObject(a[0]) {
			msg = str(a[0], "message")
		}
		ch <- result{err: errors.New("viewer: " + msg)}
		return nil
	})
	p.Call("then", then, catch)
	r := <-ch
	then.Release()
	catch.Release()
	return r.v, r.err
}

// drawMinimap draws the open trace on the minimap canvas when what it
// shows changed (trace, rows, size).
func (v *view) drawMinimap() {
	cv, ok := element(v.id("minimap-canvas"))
	if !ok || len(v.rows) == 0 {
		return
	}
	cssW, cssH := number(cv, "clientWidth"), number(cv, "clientHeight")
	dpr := math.Max(1, number(app.Window(), "devicePixelRatio"))
	cols, lines := int(cssW*dpr), int(cssH*dpr)
	if cols <= 0 || lines <= 0 {
		return
	}
	key := v.traceID + "/" + itoa(len(v.rows)) + "/" + itoa(cols) + "x" + itoa(lines)
	if key == v.miniKey {
		return
	}
	v.miniKey = key
	cv.Set("width", cols)
	cv.Set("height", lines)
	g, ok := call(cv, "getContext", "2d")
	if !ok || !isObject(g) {
		return
	}
	g.Call("clearRect", 0, 0, cols, lines)
	g.Set("fillStyle", "#5b8def")
	errStyle := false
	for _, r := range MinimapRects(v.rows, cols, lines) {
		if r.Err && !errStyle {
			g.Set("fillStyle", "#ff5c7a")
			errStyle = true
		}
		g.Call("fillRect", r.X, r.Y, r.W, r.H)
	}
}
