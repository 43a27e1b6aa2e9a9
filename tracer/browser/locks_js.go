//go:build js && wasm

package browser

import (
	"context"
	"fmt"
	"syscall/js"

	"github.com/spanfall/spanfall/tracer"
)

// WebLocks is a tracer.Locker on the Web Locks API (navigator.locks): one
// holder at a time across every tab and worker of the origin. Where the
// browser lacks the API it falls back to a lock within this tab.
type WebLocks struct {
	name     string
	fallback *tracer.ProcessLocker
}

var _ tracer.Locker = (*WebLocks)(nil)

// NewWebLocks returns a locker on the Web Lock called name.
func NewWebLocks(name string) *WebLocks {
	return &WebLocks{name: name, fallback: tracer.NewProcessLocker()}
}

// Available reports whether the browser has navigator.locks.
func (l *WebLocks) Available() bool {
	return js.Global().Get("navigator").Get("locks").Truthy()
}

// Do implements tracer.Locker with navigator.locks.request. The lock is
// held until fn returns; fn runs on its own goroutine, never inside a JS
// callback.
func (l *WebLocks) Do(ctx context.Context, wait bool, fn func(context.Context)) (bool, error) {
	if !l.Available() {
		return l.fallback.Do(ctx, wait, fn)
	}
	granted := make(chan bool, 1)
	done := make(chan struct{})
	settled := make(chan error, 1)

	var cb, onOK, onErr js.Func
	cb = js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) == 0 || args[0].IsNull() { // ifAvailable and taken
			granted <- false
			return nil
		}
		var executor js.Func
		executor = js.FuncOf(func(_ js.Value, a []js.Value) any {
			resolve := a[0]
			granted <- true
			go func() {
				defer close(done)
				defer resolve.Invoke()
				fn(ctx)
			}()
			return nil
		})
		defer executor.Release()
		return js.Global().Get("Promise").New(executor)
	})
	onOK = js.FuncOf(func(js.Value, []js.Value) any { settled <- nil; return nil })
	onErr = js.FuncOf(func(_ js.Value, a []js.Value) any {
		msg := "rejected"
		if len(a) > 0 {
			msg = js.Global().Get("String").Invoke(a[0]).String()
		}
		settled <- fmt.Errorf("tracer/browser: web lock %q: %s", l.name, msg)
		return nil
	})
	defer func() { cb.Release(); onOK.Release(); onErr.Release() }()

	opts := js.Global().Get("Object").New()
	abort := js.Global().Get("AbortController").New()
	if wait {
		opts.Set("signal", abort.Get("signal"))
	} else {
		opts.Set("ifAvailable", true)
	}
	js.Global().Get("navigator").Get("locks").Call("request", l.name, opts, cb).Call("then", onOK, onErr)

	select {
	case ok := <-granted:
		if !ok {
			<-settled
			return false, nil
		}
		<-done
		<-settled
		return true, nil
	case err := <-settled: // rejected before being granted
		return false, err
	case <-ctx.Done():
		abort.Call("abort")
		select {
		case ok := <-granted: // granted at the same moment: fn sees ctx done
			if ok {
				<-done
			}
		case <-settled:
			return false, fmt.Errorf("tracer/browser: wait for web lock %q: %w", l.name, ctx.Err())
		}
		<-settled
		return false, fmt.Errorf("tracer/browser: wait for web lock %q: %w", l.name, ctx.Err())
	}
}
