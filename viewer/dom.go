package viewer

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// This file is the viewer's only contact with the browser, through
// go-app's Value API (inert on the host, where every call returns a null
// value). A syscall/js Value panics when a property is read from
// undefined, so every step checks what it got.

// element returns the element with id, and false when there is none.
func element(id string) (app.Value, bool) {
	el := app.Window().GetElementByID(id)
	if el == nil || !isObject(el) {
		return nil, false
	}
	return el, true
}

// isObject reports whether v can be read from: never on the host, where
// go-app's values are inert (and Type panics).
func isObject(v app.Value) bool {
	if v == nil || !app.IsClient {
		return false
	}
	t := v.Type()
	return t == app.TypeObject || t == app.TypeFunction
}

// prop returns v[name] when v is an object, nil otherwise.
func prop(v app.Value, name string) app.Value {
	if !isObject(v) {
		return nil
	}
	return v.Get(name)
}

// number returns v[name] as a float64, 0 when it is not a number.
func number(v app.Value, name string) float64 {
	p := prop(v, name)
	if p == nil || p.Type() != app.TypeNumber {
		return 0
	}
	return p.Float()
}

// str returns v[name] as a string, "" when it is not one.
func str(v app.Value, name string) string {
	p := prop(v, name)
	if p == nil || p.Type() != app.TypeString {
		return ""
	}
	return p.String()
}

// boolean returns v[name] as a bool, false when it is not one.
func boolean(v app.Value, name string) bool {
	p := prop(v, name)
	if p == nil || p.Type() != app.TypeBoolean {
		return false
	}
	return p.Bool()
}

// call calls v.method(args…) when v has that method; it reports whether it
// did.
func call(v app.Value, method string, args ...any) (app.Value, bool) {
	f := prop(v, method)
	if f == nil || f.Type() != app.TypeFunction {
		return nil, false
	}
	return v.Call(method, args...), true
}

// focusElement focuses the element with id; select also selects its
// text (for a search field).
func focusElement(id string, selectText bool) {
	el, ok := element(id)
	if !ok {
		return
	}
	call(el, "focus")
	if selectText {
		call(el, "select")
	}
}

// clientHeight returns the inner height of the element with id; ok is
// false when it is not in the page.
func clientHeight(id string) (h float64, ok bool) {
	el, ok := element(id)
	if !ok {
		return 0, false
	}
	return number(el, "clientHeight"), true
}

// setScrollTop scrolls the element with id.
func setScrollTop(id string, top float64) {
	if el, ok := element(id); ok {
		el.Set("scrollTop", top)
	}
}

// elementWidth returns the rendered width of the element with id, 0 when
// it is not in the page.
func elementWidth(id string) float64 {
	el, ok := element(id)
	if !ok {
		return 0
	}
	r, ok := call(el, "getBoundingClientRect")
	if !ok {
		return 0
	}
	return number(r, "width")
}

// closestAttr returns attribute attr of the nearest ancestor-or-self of
// the event's target that has it, "" when there is none.
func closestAttr(e app.Event, attr string) string {
	if e.Value == nil {
		return ""
	}
	t := prop(e.Value, "target")
	el, ok := call(t, "closest", "["+attr+"]")
	if !ok || !isObject(el) {
		return ""
	}
	v, ok := call(el, "getAttribute", attr)
	if !ok || v.Type() != app.TypeString {
		return ""
	}
	return v.String()
}

// keyEvent reads a keydown event.
func keyEvent(e app.Value) KeyEvent {
	k := KeyEvent{
		Key:   str(e, "key"),
		Ctrl:  boolean(e, "ctrlKey"),
		Alt:   boolean(e, "altKey"),
		Meta:  boolean(e, "metaKey"),
		Shift: boolean(e, "shiftKey"),
	}
	t := prop(e, "target")
	switch str(t, "tagName") {
	case "INPUT", "TEXTAREA", "SELECT":
		k.Typing = true
	case "BUTTON", "A", "SUMMARY":
		k.OnControl = true
	}
	if boolean(t, "isContentEditable") {
		k.Typing = true
	}
	return k
}

// leaveField blurs the text field a keydown event comes from when the key
// is Escape, at once: keys typed right after must not land in the field.
func leaveField(e app.Value, k KeyEvent) {
	if k.Typing && k.Key == "Escape" {
		call(prop(e, "target"), "blur")
	}
}

// preventDefault cancels the event's default action.
func preventDefault(e app.Value) {
	call(e, "preventDefault")
}

// stopPropagation keeps the event from the host page's listeners.
func stopPropagation(e app.Value) {
	call(e, "stopPropagation")
}

// writeClipboard writes text to the clipboard and calls done with the
// outcome, on a goroutine of its own (done must dispatch to touch UI
// state). done(false) comes at once when the page has no clipboard (not a
// secure context, or an old browser).
func writeClipboard(text string, done func(ok bool)) {
	cb := prop(prop(app.Window(), "navigator"), "clipboard")
	p, ok := call(cb, "writeText", text)
	if !ok || !isObject(p) {
		go done(false)
		return
	}
	var onOK, onErr app.Func
	settle := func(ok bool) {
		onOK.Release()
		onErr.Release()
		go done(ok)
	}
	onOK = app.FuncOf(func(app.Value, []app.Value) any { settle(true); return nil })
	onErr = app.FuncOf(func(app.Value, []app.Value) any { settle(false); return nil })
	if _, ok := call(p, "then", onOK, onErr); !ok {
		onOK.Release()
		onErr.Release()
		go done(false)
	}
}

// listen adds a listener for event on the window and returns the function
// that removes it. The handler runs inside the browser's event dispatch:
// it may cancel the event, and must hand any UI work to ctx.Dispatch.
func listen(event string, h func(e app.Value)) (remove func()) {
	w := app.Window()
	fn := app.FuncOf(func(_ app.Value, args []app.Value) any {
		if len(args) > 0 && isObject(args[0]) {
			h(args[0])
		}
		return nil
	})
	if _, ok := call(w, "addEventListener", event, fn); !ok {
		fn.Release()
		return func() {}
	}
	return func() {
		call(w, "removeEventListener", event, fn)
		fn.Release()
	}
}

// pageOrigin returns the time the page started loading (the Performance
// timeOrigin) in Unix ns, 0 when unknown.
func pageOrigin() uint64 {
	ms := number(prop(app.Window(), "performance"), "timeOrigin")
	if ms <= 0 {
		return 0
	}
	return uint64(ms * 1e6)
}

// innerHeight returns the window's inner height in CSS pixels, 0 when
// unknown.
func innerHeight() float64 {
	return number(app.Window(), "innerHeight")
}
