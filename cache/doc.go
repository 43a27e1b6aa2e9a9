// Package cache keeps ended spans until they are exported, and after, so
// the viewer can draw them. [Store] is the contract; [Memory] is the pure-Go
// store used on the host and as the fallback when IndexedDB is missing, and
// package cache/idb is the IndexedDB store used in the browser. Both pass
// the one conformance suite in cache/cachetest.
//
// Every store is bounded by [Limits] (defaults 20,000 spans, 16 MiB, 7
// days; set with [WithLimits]) and evicts by one policy, whose arithmetic
// lives here ([Class], [Trim], [QuotaVictims]) and which the stores only
// walk: spans stored longer than MaxAge ago go first, whatever their class;
// then, while a cap is exceeded, exported spans before pending ones and
// spans of error traces after all others, oldest first within each class.
// [Stats] counts the evictions by reason and by class.
package cache
