//go:build js && wasm

package browser

import (
	"syscall/js"
	"testing"
)

// TestOnlineCachedFollowsEvents: OnlineCached starts from navigator.onLine
// and follows the window's "offline" and "online" events; Online reads
// the property and leaves the cache at what it read.
func TestOnlineCachedFollowsEvents(t *testing.T) {
	if got, want := OnlineCached(), Online(); got != want {
		t.Fatalf("OnlineCached() = %v, navigator.onLine %v", got, want)
	}
	dispatch := func(name string) {
		js.Global().Call("dispatchEvent", js.Global().Get("Event").New(name))
	}
	dispatch("offline")
	if OnlineCached() {
		t.Error("after an offline event OnlineCached() = true")
	}
	dispatch("online")
	if !OnlineCached() {
		t.Error("after an online event OnlineCached() = false")
	}
	dispatch("offline")
	if got := Online(); OnlineCached() != got {
		t.Errorf("after Online() = %v, OnlineCached() = %v", got, OnlineCached())
	}
}
