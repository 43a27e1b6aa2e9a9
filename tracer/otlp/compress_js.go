//go:build js && wasm

package otlp

import (
	"errors"
	"fmt"
	"syscall/js"
)

// errNoCompressionStream says the browser lacks CompressionStream (or the
// Blob and Response it is driven with).
var errNoCompressionStream = errors.New("CompressionStream is not available")

// platformGzip is the exporter's gzipFunc in the browser: the native
// CompressionStream('gzip'), which runs outside the wasm and costs no code
// size, with compress/gzip as the fallback when it is missing or fails. Both
// produce a standard gzip member, so the fallback changes nothing for the
// receiver; only when both fail is the error returned (with both causes).
func platformGzip(in []byte) ([]byte, error) {
	out, err := gzipNative(in)
	if err == nil {
		return out, nil
	}
	out, gerr := gzipGo(in)
	if gerr != nil {
		return nil, errors.Join(err, gerr)
	}
	return out, nil
}

// gzipNative compresses in with the browser's CompressionStream:
//
//	await new Response(new Blob([in]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer()
//
// It blocks the calling goroutine until the promise settles, so it must
// not run inside a js.FuncOf callback.
func gzipNative(in []byte) (out []byte, err error) {
	g := js.Global()
	cs, blob, resp, u8 := g.Get("CompressionStream"), g.Get("Blob"), g.Get("Response"), g.Get("Uint8Array")
	for _, c := range []js.Value{cs, blob, resp, u8} {
		if c.Type() != js.TypeFunction {
			return nil, errNoCompressionStream
		}
	}
	defer func() {
		// syscall/js panics with a js.Error when a call throws.
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("CompressionStream: %v", r)
		}
	}()
	src := u8.New(len(in))
	js.CopyBytesToJS(src, in)
	stream := blob.New([]any{src}).Call("stream").Call("pipeThrough", cs.New("gzip"))
	buf, err := await(resp.New(stream).Call("arrayBuffer"))
	if err != nil {
		return nil, fmt.Errorf("CompressionStream: %w", err)
	}
	dst := u8.New(buf)
	out = make([]byte, dst.Length())
	js.CopyBytesToGo(out, dst)
	return out, nil
}

// await waits for promise p to settle and returns its value or its
// rejection as an error. The callbacks only hand the outcome over a
// buffered channel; the waiting happens on the caller's goroutine.
func await(p js.Value) (js.Value, error) {
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
	defer resolve.Release()
	reject := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- outcome{err: rejection(arg(args))}
		return nil
	})
	defer reject.Release()
	p.Call("then", resolve, reject)
	o := <-ch
	return o.v, o.err
}

// rejection describes a promise's rejection reason, keeping a DOMException's
// or Error's name ("NotReadableError: …"). Unlike js.Error's Error method
// it cannot panic on a reason that is not an object.
func rejection(v js.Value) error {
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
