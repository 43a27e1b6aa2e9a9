package tracer

import (
	"context"
	"sync"
	"time"
)

// FlushState is the flusher's record that outlives a page: the backoff in
// force and running totals. It is shared by every tab of an origin (the
// browser keeps it in localStorage), so a reload or another tab does not
// hammer a collector that asked for a pause.
type FlushState struct {
	// NotBefore is the earliest time the next export may be sent.
	NotBefore time.Time `json:"notBefore,omitzero"`
	// Attempt counts consecutive failed exports; 0 after a success.
	Attempt int `json:"attempt,omitempty"`
	// ServerBackoff is true when the receiver itself answered (429, 5xx,
	// Retry-After): such a backoff binds every flush. A backoff after a
	// network failure binds only background flushes and ends when the
	// browser comes back online.
	ServerBackoff bool `json:"serverBackoff,omitempty"`

	Exported  int64     `json:"exported"`
	Rejected  int64     `json:"rejected"`
	Retries   int64     `json:"retries"`
	Requests  int64     `json:"requests"`
	LastFlush time.Time `json:"lastFlush,omitzero"`
	LastError string    `json:"lastError,omitempty"`
}

// StateStore keeps the [FlushState]. Load and Save are called by the
// flusher while it holds its [Locker], so implementations need no locking
// across tabs of their own; they must be safe for concurrent use in one
// process.
type StateStore interface {
	Load(ctx context.Context) (FlushState, error)
	Save(ctx context.Context, s FlushState) error
}

// MemoryState is a [StateStore] in process memory: the default, and the
// host's.
type MemoryState struct {
	mu sync.Mutex
	s  FlushState
}

var _ StateStore = (*MemoryState)(nil)

// Load returns the saved state.
func (m *MemoryState) Load(context.Context) (FlushState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.s, nil
}

// Save replaces the saved state.
func (m *MemoryState) Save(_ context.Context, s FlushState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.s = s
	return nil
}
