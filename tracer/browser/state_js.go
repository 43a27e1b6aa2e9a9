//go:build js && wasm

package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"syscall/js"

	"github.com/spanfall/spanfall/tracer"
)

// LocalState is a tracer.StateStore in localStorage, shared by every tab
// of the origin, so a backoff survives reloads and binds other tabs. Where
// localStorage is unavailable (disabled, sandboxed) it keeps the state in
// memory for this tab and says so in Err.
type LocalState struct {
	key string
	mu  sync.Mutex
	mem tracer.FlushState
	err error
}

var _ tracer.StateStore = (*LocalState)(nil)

// NewLocalState returns a state store under the localStorage key.
func NewLocalState(key string) *LocalState { return &LocalState{key: key} }

// Err returns why localStorage could not be used, or nil.
func (s *LocalState) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Load reads the state; a missing or unreadable entry is the zero state.
func (s *LocalState) Load(context.Context) (tracer.FlushState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	raw, err := jsTry(func() js.Value { return js.Global().Get("localStorage").Call("getItem", s.key) })
	if err != nil {
		s.err = err
		return s.mem, nil
	}
	if raw.Type() != js.TypeString {
		return s.mem, nil
	}
	var st tracer.FlushState
	if err := json.Unmarshal([]byte(raw.String()), &st); err != nil {
		return s.mem, nil // a corrupt entry is replaced at the next Save
	}
	s.mem = st
	return st, nil
}

// Save writes the state.
func (s *LocalState) Save(_ context.Context, st tracer.FlushState) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mem = st
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("tracer/browser: encode flush state: %w", err)
	}
	if _, err := jsTry(func() js.Value {
		return js.Global().Get("localStorage").Call("setItem", s.key, string(b))
	}); err != nil {
		s.err = err
	}
	return nil
}

// jsTry runs f, turning a thrown JS exception into an error.
func jsTry(f func() js.Value) (v js.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("tracer/browser: %v", r)
		}
	}()
	return f(), nil
}
