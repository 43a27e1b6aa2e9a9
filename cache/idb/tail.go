//go:build js && wasm

package idb

import (
	"context"
	"fmt"
	"slices"

	"github.com/hack-pad/safejs"

	"github.com/spanfall/spanfall/cache"
)

var _ cache.TraceTailer = (*Store)(nil)

// TraceAfter returns the records of the trace with a Seq above seq, in
// Seq order: what the viewer's live refresh of an open trace reads instead
// of the whole trace. None for an unknown trace. Seqs are the spans
// store's own keys, so this is one getAll over the keys above seq (the
// spans stored since, of any trace: few between two refreshes), filtered
// by trace; an index for it would cost every span room in the store
// (which matters under a tight quota) for a read that is small anyway.
func (s *Store) TraceAfter(ctx context.Context, traceID string, seq uint64) ([]cache.Record, error) {
	op := fmt.Sprintf("trace %s after %d", traceID, seq)
	if err := s.begin(ctx, op); err != nil {
		return nil, err
	}
	txn, err := s.readTxn(spansStore, resourcesStore)
	if err != nil {
		return nil, s.fail(op, "begin transaction", err)
	}
	kr, err := safejs.Global().Get("IDBKeyRange")
	if err != nil {
		return nil, s.fail(op, "key range", err)
	}
	// Seqs are IndexedDB's generated keys: integers well below 2^53.
	keyRange, err := kr.Call("lowerBound", float64(seq), true)
	if err != nil {
		return nil, s.fail(op, "key range", err)
	}
	recs, err := txn.readRecords(ctx, "", keyRange, 0)
	if err != nil {
		return nil, s.fail(op, "", err)
	}
	return slices.DeleteFunc(recs, func(r cache.Record) bool { return r.Span.TraceID != traceID }), nil
}
