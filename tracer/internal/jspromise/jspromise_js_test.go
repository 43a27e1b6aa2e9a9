//go:build js && wasm

package jspromise_test

import (
	"context"
	"errors"
	"syscall/js"
	"testing"
	"time"

	"github.com/spanfall/spanfall/tracer/internal/jspromise"
)

// TestAwaitRejection checks a rejected promise, with an Error and with a
// bare string, becomes an error naming it.
func TestAwaitRejection(t *testing.T) {
	promise := js.Global().Get("Promise")
	tests := []struct {
		name   string
		reason js.Value
		want   string
	}{
		{"DOMException", js.Global().Get("DOMException").New("gone", "NotReadableError"), "NotReadableError: gone"},
		{"string", js.ValueOf("plain"), "plain"},
		{"number", js.ValueOf(7), "promise rejected with number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := jspromise.Await(t.Context(), promise.Call("reject", tt.reason))
			if err == nil || err.Error() != tt.want {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	v, err := jspromise.Await(t.Context(), promise.Call("resolve", 42))
	if err != nil || v.Int() != 42 {
		t.Fatalf("resolve: %v %v", v, err)
	}
}

// TestAwaitHonoursContext: a promise that never settles does not hold the
// caller past ctx.
func TestAwaitHonoursContext(t *testing.T) {
	never := js.Global().Get("Promise").New(js.FuncOf(func(js.Value, []js.Value) any { return nil }))
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := jspromise.Await(ctx, never); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
}
