package tracer

import (
	"context"
	"fmt"
)

// Locker makes flushes exclusive: across the tabs of an origin in the
// browser (Web Locks), within the process on the host.
//
// Do runs fn while holding the lock and reports whether it ran. With wait
// false it returns (false, nil) at once when another holder has the lock;
// with wait true it waits for the lock until ctx is done. fn runs on the
// calling goroutine or another; Do returns after fn returns.
type Locker interface {
	Do(ctx context.Context, wait bool, fn func(ctx context.Context)) (bool, error)
}

// ProcessLocker is a [Locker] within one process.
type ProcessLocker struct{ sem chan struct{} }

var _ Locker = (*ProcessLocker)(nil)

// NewProcessLocker returns an unlocked process-wide lock.
func NewProcessLocker() *ProcessLocker { return &ProcessLocker{sem: make(chan struct{}, 1)} }

// Do implements [Locker].
func (l *ProcessLocker) Do(ctx context.Context, wait bool, fn func(context.Context)) (bool, error) {
	if wait {
		select {
		case l.sem <- struct{}{}:
		case <-ctx.Done():
			return false, fmt.Errorf("tracer: wait for the flush lock: %w", ctx.Err())
		}
	} else {
		select {
		case l.sem <- struct{}{}:
		default:
			return false, nil
		}
	}
	defer func() { <-l.sem }()
	fn(ctx)
	return true, nil
}
