//go:build js && wasm

package exception

import (
	"context"
	"syscall/js"

	"go.opentelemetry.io/otel/trace"
)

// Listen records the page's uncaught errors (window "error") and
// unhandled promise rejections (window "unhandledrejection") with t, then
// replays those the early buffer (window.__spanfall_early.errors) caught
// before the wasm booted, with their original times: the live listener is
// installed first and the buffer spliced after, so no error is lost or
// recorded twice. It returns a function that removes the listeners.
func Listen(t trace.Tracer) (stop func()) {
	g := js.Global()
	onError := js.FuncOf(func(_ js.Value, args []js.Value) any {
		RecordJS(context.Background(), t, fromErrorEvent(args[0]))
		return nil
	})
	onRejection := js.FuncOf(func(_ js.Value, args []js.Value) any {
		RecordJS(context.Background(), t, fromRejectionEvent(args[0]))
		return nil
	})
	g.Call("addEventListener", "error", onError)
	g.Call("addEventListener", "unhandledrejection", onRejection)
	ReplayEarly(t)
	return func() {
		g.Call("removeEventListener", "error", onError)
		g.Call("removeEventListener", "unhandledrejection", onRejection)
		onError.Release()
		onRejection.Release()
	}
}

// ReplayEarly takes every entry of window.__spanfall_early.errors (it
// empties the array) and records each with its original time. It does
// nothing when the early buffer is absent.
func ReplayEarly(t trace.Tracer) int {
	early := js.Global().Get("__spanfall_early")
	if early.Type() != js.TypeObject {
		return 0
	}
	arr := early.Get("errors")
	if !arr.InstanceOf(js.Global().Get("Array")) {
		return 0
	}
	taken := arr.Call("splice", 0, arr.Length())
	for i := range taken.Length() {
		e := taken.Index(i)
		if e.Type() != js.TypeObject {
			continue
		}
		RecordJS(context.Background(), t, JSError{
			Kind: str(e.Get("type")), Time: flt(e.Get("time")), Message: str(e.Get("message")),
			ErrorType: str(e.Get("errorType")), Stack: str(e.Get("stack")), Filename: str(e.Get("filename")),
			Lineno: int(flt(e.Get("lineno"))), Colno: int(flt(e.Get("colno"))), Early: true,
		})
	}
	return taken.Length()
}

// eventTime is the event's time in ms since the epoch.
func eventTime(ev js.Value) float64 {
	perf := js.Global().Get("performance")
	return flt(perf.Get("timeOrigin")) + flt(ev.Get("timeStamp"))
}

func fromErrorEvent(ev js.Value) JSError {
	e := JSError{
		Kind: KindError, Time: eventTime(ev), Message: str(ev.Get("message")),
		Filename: str(ev.Get("filename")), Lineno: int(flt(ev.Get("lineno"))), Colno: int(flt(ev.Get("colno"))),
	}
	if err := ev.Get("error"); err.Type() == js.TypeObject {
		e.ErrorType, e.Stack = str(err.Get("name")), str(err.Get("stack"))
		if m := str(err.Get("message")); m != "" && e.Message == "" {
			e.Message = m
		}
	}
	return e
}

func fromRejectionEvent(ev js.Value) JSError {
	e := JSError{Kind: KindRejection, Time: eventTime(ev)}
	r := ev.Get("reason")
	switch {
	case r.Type() == js.TypeObject && r.InstanceOf(js.Global().Get("Error")):
		e.ErrorType, e.Message, e.Stack = str(r.Get("name")), str(r.Get("message")), str(r.Get("stack"))
	default:
		e.ErrorType = r.Type().String()
		e.Message = js.Global().Get("String").Invoke(r).String()
	}
	return e
}

func str(v js.Value) string {
	if v.Type() != js.TypeString {
		return ""
	}
	return v.String()
}

func flt(v js.Value) float64 {
	if v.Type() != js.TypeNumber {
		return 0
	}
	return v.Float()
}
