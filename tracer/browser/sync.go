package browser

import "github.com/spanfall/spanfall/tracer"

// SyncTag is the Background Sync tag of the outbox flush; the service
// worker's sync handler (app/server's WithBackgroundSync) answers it.
const SyncTag = "spanfall-flush"

// NeedsSync reports whether a flush outcome calls for a Background Sync, so
// that the service worker sends the pending spans should the page be
// closed first. It does when spans are left pending and either the browser
// is offline (the sync then fires once it is back online) or the flush
// failed (a backoff in force included) while the page is hidden, maybe
// about to close. A visible page that is online keeps retrying by itself,
// honouring the collector's Retry-After, which a sync fired at once would
// not. A flush skipped because another tab held the lock leaves the matter
// to that tab.
func NeedsSync(res tracer.FlushResult, err error, online, visible bool) bool {
	if res.Skipped || res.Pending <= 0 {
		return false
	}
	return !online || (err != nil && !visible)
}
