package browser

import "github.com/spanfall/spanfall/tracer"

// SyncTag is the Background Sync tag of the outbox flush; the service
// worker's sync handler (app/server's WithBackgroundSync) answers it.
const SyncTag = "spanfall-flush"

// NeedsSync reports whether a flush outcome calls for a Background Sync, so
// that the service worker sends the pending spans should the page be
// closed first: spans are left pending, and the browser is offline or the
// flush failed (a backoff in force included). A flush skipped because
// another tab held the lock leaves the matter to that tab.
func NeedsSync(res tracer.FlushResult, err error, online bool) bool {
	if res.Skipped || res.Pending <= 0 {
		return false
	}
	return !online || err != nil
}
