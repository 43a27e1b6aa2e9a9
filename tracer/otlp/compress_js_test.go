//go:build js && wasm

package otlp

import (
	"errors"
	"syscall/js"
	"testing"
)

// TestGzipNative runs the gzipFunc suite on the browser's CompressionStream
// itself, with no fallback to hide a failure.
func TestGzipNative(t *testing.T) {
	if _, err := gzipNative(nil); err != nil {
		t.Fatalf("CompressionStream unusable in this browser: %v", err)
	}
	testGzipFunc(t, gzipNative)
}

// TestPlatformGzipFallback removes CompressionStream and checks that the
// browser's gzipFunc falls back to compress/gzip.
func TestPlatformGzipFallback(t *testing.T) {
	g := js.Global()
	saved := g.Get("CompressionStream")
	g.Set("CompressionStream", js.Undefined())
	defer g.Set("CompressionStream", saved)

	if _, err := gzipNative([]byte("x")); !errors.Is(err, errNoCompressionStream) {
		t.Fatalf("gzipNative err = %v, want errNoCompressionStream", err)
	}
	testGzipFunc(t, platformGzip)
}

// TestGzipNativeThrows makes CompressionStream throw and checks that the
// exception comes back as an error, not a panic, and that platformGzip
// still compresses with the fallback.
func TestGzipNativeThrows(t *testing.T) {
	g := js.Global()
	saved := g.Get("CompressionStream")
	g.Set("CompressionStream", g.Get("Function").New("format", `throw new TypeError("no " + format)`))
	defer g.Set("CompressionStream", saved)

	if _, err := gzipNative([]byte("x")); err == nil || errors.Is(err, errNoCompressionStream) {
		t.Fatalf("gzipNative err = %v, want the TypeError", err)
	}
	if _, err := platformGzip([]byte("x")); err != nil {
		t.Fatalf("platformGzip did not fall back: %v", err)
	}
}
