//go:build js && wasm

package browser

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"syscall/js"
	"time"

	"github.com/spanfall/spanfall/tracer/internal/jspromise"
)

// BackgroundSync registers the one-off Background Sync (SyncManager) whose
// handler, in the service worker, flushes the outbox even after every tab
// is closed. Where the browser has no SyncManager or no service worker
// (Firefox, Safari), Request does nothing: the next page start flushes.
type BackgroundSync struct {
	tag  string
	busy atomic.Bool
}

// NewBackgroundSync returns a registrar of the sync tag (SyncTag for the
// outbox).
func NewBackgroundSync(tag string) *BackgroundSync { return &BackgroundSync{tag: tag} }

// ErrNoBackgroundSync is returned by Register where the browser lacks
// Background Sync or service workers.
var ErrNoBackgroundSync = errors.New("tracer/browser: Background Sync is not available")

// Available reports whether the browser has service workers and
// SyncManager.
func (b *BackgroundSync) Available() bool {
	return js.Global().Get("SyncManager").Truthy() && js.Global().Get("navigator").Get("serviceWorker").Truthy()
}

// Register waits for the active service worker's registration, then
// registers the tag unless it is already registered (pending or waiting for
// the browser's retry), until ctx is done.
func (b *BackgroundSync) Register(ctx context.Context) error {
	if !b.Available() {
		return ErrNoBackgroundSync
	}
	reg, err := jspromise.Await(ctx, js.Global().Get("navigator").Get("serviceWorker").Get("ready"))
	if err != nil {
		return fmt.Errorf("tracer/browser: background sync %q: service worker: %w", b.tag, err)
	}
	mgr := reg.Get("sync")
	if !mgr.Truthy() {
		return ErrNoBackgroundSync
	}
	tags, err := jspromise.Await(ctx, mgr.Call("getTags"))
	if err != nil {
		return fmt.Errorf("tracer/browser: background sync %q: get tags: %w", b.tag, err)
	}
	for i := range tags.Length() {
		if tags.Index(i).String() == b.tag {
			return nil
		}
	}
	if _, err := jspromise.Await(ctx, mgr.Call("register", b.tag)); err != nil {
		return fmt.Errorf("tracer/browser: background sync %q: register: %w", b.tag, err)
	}
	return nil
}

// Visible reports whether the document is visible (document.visibilityState;
// true where there is no document).
func Visible() bool {
	doc := js.Global().Get("document")
	return !doc.Truthy() || doc.Get("visibilityState").String() != "hidden"
}

// Request registers the sync in the background (one registration at a
// time; later requests while one runs are dropped; each gives up after
// 30 s) and reports failures to onErr, which may be nil. It never blocks.
func (b *BackgroundSync) Request(ctx context.Context, onErr func(error)) {
	if !b.Available() || !b.busy.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer b.busy.Store(false)
		// Without a service worker, "ready" never settles.
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := b.Register(ctx); err != nil && onErr != nil {
			onErr(err)
		}
	}()
}
