//go:build js && wasm

package idb

import (
	"context"
	"fmt"
	"math"

	"github.com/hack-pad/safejs"

	"github.com/spanfall/spanfall/cache"
)

var _ cache.TraceTailer = (*Store)(nil)

// TraceAfter returns the records of the trace with a Seq above seq, in
// Seq order, read with one getAll on the "traceSeq" index: what the
// viewer's live refresh of an open trace reads instead of the whole
// trace. None for an unknown trace.
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
	keyRange, err := kr.Call("bound", []any{traceID, float64(seq)}, []any{traceID, math.Inf(1)}, true, false)
	if err != nil {
		return nil, s.fail(op, "key range", err)
	}
	recs, err := txn.readRecords(ctx, traceSeqIndex, keyRange, 0)
	if err != nil {
		return nil, s.fail(op, "", err)
	}
	return recs, nil
}
