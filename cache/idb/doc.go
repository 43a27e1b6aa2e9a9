//go:build js && wasm

// Package idb is the IndexedDB [cache.Store] used in the browser.
//
// Schema version 1 of a database holds two object stores. "spans" keeps one
// [cache.StoredRecord] per span, as a plain JS object whose "span" property
// is the OTLP JSON span, keyed by "seq" from IndexedDB's key generator (so
// Seqs keep increasing across reopening and are never reused), with indexes
// "exported" (0 or 1) and "traceId". "resources" keeps one
// [cache.StoredResource] per distinct resource, keyed by "id". A plain JS
// reader, such as a service worker flushing pending spans, can read both
// without Go.
//
// Every file of the package is built only for js && wasm; package cache's
// Memory is the pure-Go twin, and both pass the suite in cache/cachetest.
package idb
