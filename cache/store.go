package cache

import (
	"context"
	"errors"

	"github.com/spanfall/spanfall/tracer/span"
)

// ErrQuotaExceeded is wrapped by the error of a Put the browser refused
// for lack of storage quota even after the store evicted what it could: a
// smaller write may still fit.
var ErrQuotaExceeded = errors.New("cache: storage quota exceeded")

// ErrClosed is returned by every method of a closed [Store].
var ErrClosed = errors.New("cache: store is closed")

// Record is one stored span and its export state.
type Record struct {
	// Seq is the store-assigned sequence number: unique, increasing in
	// insertion order, never reused by the same store.
	Seq uint64
	// Span is the span with its Resource and Scope restored.
	Span span.Span
	// Exported is true once an exporter got a 2xx for the span.
	Exported bool
}

// Stats counts what a store holds and what it evicted.
type Stats struct {
	Spans    int `json:"spans"`
	Pending  int `json:"pending"`
	Exported int `json:"exported"`
	Traces   int `json:"traces"`
	// Bytes is the stored size of the spans, what [Limits].MaxBytes caps:
	// the sum of their [StoredRecord.Size].
	Bytes int64 `json:"bytes"`
	// Evicted counts the spans evicted so far (for IndexedDB, over the
	// life of the database).
	Evicted Evictions `json:"evicted"`
}

// TraceSummary describes one stored trace for the trace list.
type TraceSummary struct {
	TraceID string `json:"traceId"`
	// RootName is the name of the span with no parent, or of the earliest
	// span when the root is not stored.
	RootName string `json:"rootName"`
	// RootMissing is true when no span of the trace lacks a parent.
	RootMissing bool   `json:"rootMissing,omitempty"`
	Service     string `json:"service,omitempty"`
	// Start and End span the earliest start and the latest end, in Unix ns.
	Start    uint64 `json:"start"`
	End      uint64 `json:"end"`
	Spans    int    `json:"spans"`
	Errors   int    `json:"errors"`
	Pending  int    `json:"pending"`
	Exported int    `json:"exported"`
}

// Store keeps spans. Implementations are safe for concurrent use; every
// method honours ctx and returns ErrClosed after Close.
type Store interface {
	// Put stores spans in one transaction: either all are stored, pending
	// export, or none is and an error says why. Resources are stored once
	// per distinct Resource.ID.
	//
	// Put keeps the store within its [Limits] in the same transaction.
	// First it evicts, oldest Seq first, the spans stored longer than
	// MaxAge ago. Then, with the batch added, while the store holds more
	// than MaxSpans spans or MaxBytes bytes, it evicts spans in ascending
	// [Class] and oldest Seq first within a class: exported spans before
	// pending ones, and spans of error traces after all others of the same
	// export state. A batch larger than the caps thus keeps its newest
	// spans that fit. Every eviction is counted in [Stats].Evicted. A
	// store at its caps never makes Put block or fail. When the browser
	// refuses the write for lack of quota, the store evicts a quarter of
	// its spans by the same order and retries, until the write fits; Put
	// fails, with an error wrapping the browser's, only when nothing is
	// left to evict or the browser refuses the eviction too.
	Put(ctx context.Context, spans []span.Span) error
	// Pending returns up to limit unexported records, oldest Seq first.
	Pending(ctx context.Context, limit int) ([]Record, error)
	// MarkExported marks the records with these Seqs as exported in one
	// transaction, which moves them to an exported [Class]. Unknown Seqs
	// are ignored (they may have been evicted).
	MarkExported(ctx context.Context, seqs []uint64) error
	// Traces summarises every stored trace, newest start first.
	Traces(ctx context.Context) ([]TraceSummary, error)
	// Trace returns every stored record of one trace, by start time.
	Trace(ctx context.Context, traceID string) ([]Record, error)
	// Stats counts stored, pending and exported spans and traces, the
	// stored bytes and the evictions.
	Stats(ctx context.Context) (Stats, error)
	// Kind names the implementation ("memory", "indexeddb").
	Kind() string
	// Close releases the store; later calls return ErrClosed.
	Close() error
}

// TraceHeader is a [Store] that reads the first spans of a trace cheaply,
// without reading the rest: the viewer draws its first screen of a big
// trace from them while Trace reads it all. Memory and the IndexedDB
// store implement it.
type TraceHeader interface {
	// TraceHead returns the first n records of the trace in the order of
	// Trace (start time, then Seq): Trace's first n. It returns none when
	// n <= 0 or the trace is unknown.
	TraceHead(ctx context.Context, traceID string, n int) ([]Record, error)
}

// TraceTailer is a [Store] that reads the spans of a trace stored after
// a given Seq: the viewer's live refresh of a big open trace reads only
// those instead of the whole trace. Memory and the IndexedDB store
// implement it.
type TraceTailer interface {
	// TraceAfter returns the records of the trace whose Seq is above
	// seq, in Seq order; none for an unknown trace.
	TraceAfter(ctx context.Context, traceID string, seq uint64) ([]Record, error)
}

// Seqs returns the Seq of each record, in order: what MarkExported takes.
func Seqs(recs []Record) []uint64 {
	seqs := make([]uint64, len(recs))
	for i, r := range recs {
		seqs[i] = r.Seq
	}
	return seqs
}
