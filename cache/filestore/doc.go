// Package filestore is a cache.Store in one file, for Go programs built
// with GOOS=wasip1 (edge and serverless WebAssembly), which have a
// filesystem but no IndexedDB.
//
// The file is an outbox of OTLP JSON lines: each line is one
// ExportTraceServiceRequest (the collector file exporter's format) holding
// spans not yet exported. Puts append a line; exporting or evicting
// rewrites the file through a temporary file and a rename, so a crash
// leaves either the old or the new file. [Ship] sends such a file to a
// collector from the host and removes only what the collector acknowledged.
//
// The caps and the eviction policy are cache's own (a cache.Memory holds
// the index), so a file outbox evicts exactly as the browser store does.
package filestore
