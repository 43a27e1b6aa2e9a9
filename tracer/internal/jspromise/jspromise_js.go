//go:build js && wasm

// Package jspromise waits for JavaScript promises from Go.
package jspromise

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"
)

// Await waits for promise p to settle, or for ctx to end, and returns its
// value or its rejection as an error. Call it from a goroutine, never
// inside a js.FuncOf callback: the callbacks only hand the outcome over a
// buffered channel. When ctx ends first the callbacks stay registered, as
// the promise may still settle and must not call a released function.
func Await(ctx context.Context, p js.Value) (js.Value, error) {
	type outcome struct {
		v   js.Value
		err error
	}
	ch := make(chan outcome, 1)
	arg := func(args []js.Value) js.Value {
		if len(args) == 0 {
			return js.Undefined()
		}
		return args[0]
	}
	resolve := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- outcome{v: arg(args)}
		return nil
	})
	reject := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- outcome{err: Rejection(arg(args))}
		return nil
	})
	p.Call("then", resolve, reject)
	select {
	case o := <-ch:
		resolve.Release()
		reject.Release()
		return o.v, o.err
	case <-ctx.Done():
		return js.Undefined(), ctx.Err()
	}
}

// Rejection describes a promise's rejection reason, keeping a
// DOMException's or Error's name ("NotReadableError: …"). Unlike js.Error's
// Error method it cannot panic on a reason that is not an object.
func Rejection(v js.Value) error {
	if v.Type() == js.TypeObject {
		name, msg := v.Get("name"), v.Get("message")
		if name.Type() == js.TypeString && msg.Type() == js.TypeString {
			return fmt.Errorf("%s: %s", name.String(), msg.String())
		}
	}
	if v.Type() == js.TypeString {
		return errors.New(v.String())
	}
	return fmt.Errorf("promise rejected with %s", v.Type())
}
