//go:build js && wasm

// Package idb is the IndexedDB [cache.Store] used in the browser.
//
// Schema version 3 of a database holds four object stores. "spans" keeps
// one [cache.StoredRecord] per span, as a plain JS object whose "span"
// property is the OTLP JSON span, keyed by "seq" from IndexedDB's key
// generator (so Seqs keep increasing across reopening and are never
// reused), with indexes "exported" (0 or 1), "traceId", "class" (the
// eviction class: the index orders records as the eviction walks them,
// class then Seq) and "traceStart" (key [traceId, start]: a trace's
// records by start time, for [Store.TraceHead]). "resources" keeps one [cache.StoredResource] per
// distinct resource, keyed by "id". "meta" keeps two records: "totals",
// the number of stored spans, their total size and a lower bound of their
// stored stamps, and "evicted", the eviction counters. Every transaction
// that adds or evicts spans updates both, so enforcing the caps reads no
// other record; an eviction for quota, which may only delete, deletes
// "totals" instead, and the next write counts them again.
// "errorTraces" keeps {traceId, spans} for each trace with an error span,
// with its number of stored spans, so that a later span of the trace
// joins the error class; the entry goes with the trace's last span. A
// plain JS reader, such as a service worker flushing pending spans, can
// read the spans and resources without Go; it should open the database
// without a version (indexedDB.open(name) opens the current one): opening
// it with an older version number fails with a VersionError.
//
// Reads of many records (Trace, Pending, Traces) ask for them with one
// getAll and cross into Go as one JSON text, decoded by
// [cache.DecodeRecords]: a cursor costs several syscall/js crossings and
// an event-loop trip per record.
//
// A database of version 1 (spans and resources only) is upgraded on Open:
// the upgrade adds the indexes and the stores, then a transaction classes,
// sizes and stamps every record and writes the totals. Version 3 only
// added the "traceStart" index: the record shape of versions 2 and 3 is
// the same, and the browser indexes the stored records as the upgrade
// creates the index.
//
// Every file of the package is built only for js && wasm; package cache's
// Memory is the pure-Go twin, and both pass the suite in cache/cachetest.
package idb
