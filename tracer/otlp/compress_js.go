//go:build js && wasm

package otlp

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"

	"github.com/spanfall/spanfall/tracer/internal/jspromise"
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
	buf, err := jspromise.Await(context.Background(), resp.New(stream).Call("arrayBuffer"))
	if err != nil {
		return nil, fmt.Errorf("CompressionStream: %w", err)
	}
	dst := u8.New(buf)
	out = make([]byte, dst.Length())
	js.CopyBytesToGo(out, dst)
	return out, nil
}
