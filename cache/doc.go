// Package cache keeps ended spans until they are exported, and after, so
// the viewer can draw them. [Store] is the contract; [Memory] is the pure-Go
// store used on the host and as the fallback when IndexedDB is missing, and
// package cache/idb is the IndexedDB store used in the browser. Both pass
// the one conformance suite in cache/cachetest.
package cache
