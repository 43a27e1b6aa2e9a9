package server

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// syncWorkerJS is the service worker's Background Sync handler; see
// WithBackgroundSync.
//
//go:embed sync-worker.js
var syncWorkerJS string

// syncPlaceholder is where WithBackgroundSync writes the SyncConfig.
const syncPlaceholder = "{{.SpanfallSync}}"

// Names shared by the page and the service worker.
const (
	// SyncTag is the Background Sync tag the page registers and the
	// worker's sync handler answers.
	SyncTag = "spanfall-flush"
	// SyncLock is the Web Lock held by every flush, the page's
	// (tracer.Flusher with browser.WebLocks) and the worker's.
	SyncLock = "spanfall-flush"
	// SyncDatabase is the IndexedDB database of the page's span store.
	SyncDatabase = "spanfall"
	// SyncSchema is the schema version of that database the worker reads
	// (cache/idb's schemaVersion); it leaves any other version alone.
	SyncSchema = 3
)

// SyncConfig is what the service worker needs to flush the outbox on its
// own: the page's export settings. The worker always sends OTLP JSON (the
// stored span shape); Gzip compresses it as the page does.
type SyncConfig struct {
	// ExportURL is where spans are posted: a path of this origin such as
	// /v1/traces (default), or an http(s) URL.
	ExportURL string
	// Gzip compresses request bodies (CompressionStream, where the browser
	// has it).
	Gzip bool
	// BatchSize is the most spans per request. Default 512.
	BatchSize int
	// MaxBodyBytes caps the uncompressed JSON of a request; a larger batch
	// is split. Default 1 MiB.
	MaxBodyBytes int64
}

// WithBackgroundSync appends to a go-app service-worker template (such as
// AppWorker's) a "sync" handler that, for the tag SyncTag, drains the
// IndexedDB outbox to cfg.ExportURL itself; see sync-worker.js for the
// rules, which are the Go flusher's. The configuration is written into the
// worker's script, so a new setting also updates the worker.
func WithBackgroundSync(worker string, cfg SyncConfig) (string, error) {
	if cfg.ExportURL == "" {
		cfg.ExportURL = "/v1/traces"
	}
	u, err := url.Parse(cfg.ExportURL)
	switch {
	case err != nil:
		return "", fmt.Errorf("server: background sync: export URL %q: %w", cfg.ExportURL, err)
	case u.Scheme == "" && u.Host == "" && strings.HasPrefix(u.Path, "/"):
	case (u.Scheme == "http" || u.Scheme == "https") && u.Host != "":
	default:
		return "", fmt.Errorf("server: background sync: export URL %q: want a path such as /v1/traces or an http(s) URL", cfg.ExportURL)
	}
	if cfg.BatchSize < 0 || cfg.MaxBodyBytes < 0 {
		return "", errors.New("server: background sync: batch size and body cap must not be negative")
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = 512
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if strings.Contains(worker, syncPlaceholder) || strings.Contains(worker, `addEventListener("sync"`) {
		return "", errors.New("server: background sync: the worker already has a sync handler")
	}
	conf, err := json.Marshal(map[string]any{
		"exportURL":    cfg.ExportURL,
		"gzip":         cfg.Gzip,
		"batchSize":    cfg.BatchSize,
		"maxBodyBytes": cfg.MaxBodyBytes,
		"tag":          SyncTag,
		"lock":         SyncLock,
		"db":           SyncDatabase,
		"schema":       SyncSchema,
	})
	if err != nil {
		return "", fmt.Errorf("server: background sync: %w", err)
	}
	// json.Marshal escapes <, > and & already: the config cannot close a
	// script or comment.
	return worker + "\n" + strings.Replace(syncWorkerJS, syncPlaceholder, string(conf), 1), nil
}
