//go:build js && wasm

package idb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"syscall/js"

	"github.com/hack-pad/go-indexeddb/idb"
	"github.com/hack-pad/safejs"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

var _ cache.Store = (*Store)(nil)

// Store is a [cache.Store] in an IndexedDB database; get one with [Open].
// It is safe for concurrent use. Each method runs its own transaction and
// waits for it on the calling goroutine, never inside a JS callback, until
// ctx is done. A write whose ctx ends before it commits is aborted, so
// nothing of it is stored, unless it committed first (then it returns nil).
// Errors keep the DOM exception of their cause: test them with
// errors.Is(err, idb.NewDOMException("QuotaExceededError")).
type Store struct {
	db     *idb.Database
	name   string
	closed atomic.Bool
}

// Kind returns "indexeddb".
func (s *Store) Kind() string { return "indexeddb" }

// Put stores spans, pending export, in one readwrite transaction over the
// spans and resources stores, and waits for it to commit. It stores nothing
// when a span is invalid (the error then wraps [cache.ErrInvalidSpan]). A
// resource replaces an earlier one with the same id.
func (s *Store) Put(ctx context.Context, spans []span.Span) error {
	op := fmt.Sprintf("put %d spans", len(spans))
	if err := s.begin(ctx, op); err != nil {
		return err
	}
	if len(spans) == 0 {
		return nil
	}
	batch, err := cache.EncodeBatch(spans)
	if err != nil {
		return fmt.Errorf("cache/idb: %s: %w", op, err)
	}
	text, err := json.Marshal(batch)
	if err != nil {
		return s.fail(op, "encode", err)
	}
	// One JSON.parse for the whole batch; the stores then keep plain JS
	// objects in OTLP shape.
	v, err := parseJSON(text)
	if err != nil {
		return s.fail(op, "encode", err)
	}
	txn, err := s.db.Transaction(idb.TransactionReadWrite, spansStore, resourcesStore)
	if err != nil {
		return s.fail(op, "begin transaction", err)
	}
	if err := putBatch(txn, safejs.Safe(v), len(batch.Records), len(batch.Resources)); err != nil {
		_ = txn.Abort() // roll back the requests made so far; err says why
		return s.fail(op, "write", err)
	}
	if err := commit(ctx, txn); err != nil {
		return s.fail(op, "commit", err)
	}
	return nil
}

// putBatch requests the adds and puts of a parsed cache.Batch in txn
// without waiting: the transaction's outcome reports their errors.
func putBatch(txn *idb.Transaction, batch safejs.Value, records, resources int) error {
	spans, err := txn.ObjectStore(spansStore)
	if err != nil {
		return err
	}
	res, err := txn.ObjectStore(resourcesStore)
	if err != nil {
		return err
	}
	recs, err := batch.Get("records")
	if err != nil {
		return err
	}
	for i := range records {
		r, err := recs.Index(i)
		if err != nil {
			return err
		}
		if _, err := spans.Add(safejs.Unsafe(r)); err != nil {
			return fmt.Errorf("add span %d: %w", i, err)
		}
	}
	rs, err := batch.Get("resources")
	if err != nil {
		return err
	}
	for i := range resources {
		r, err := rs.Index(i)
		if err != nil {
			return err
		}
		if _, err := res.Put(safejs.Unsafe(r)); err != nil {
			return fmt.Errorf("put resource %d: %w", i, err)
		}
	}
	return nil
}

// Pending returns up to limit unexported records, oldest Seq first, read
// with a cursor on the "exported" index at 0; none when limit <= 0.
func (s *Store) Pending(ctx context.Context, limit int) ([]cache.Record, error) {
	const op = "pending"
	if err := s.begin(ctx, op); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, nil
	}
	txn, err := s.db.Transaction(idb.TransactionReadOnly, spansStore, resourcesStore)
	if err != nil {
		return nil, s.fail(op, "begin transaction", err)
	}
	index, err := spansIndex(txn, exportedIndex)
	if err != nil {
		return nil, s.fail(op, "open index", err)
	}
	cur, err := index.OpenCursorKey(js.ValueOf(0), idb.CursorNext)
	if err != nil {
		return nil, s.fail(op, "open cursor", err)
	}
	raws, err := collect(ctx, cur, limit)
	if err != nil {
		return nil, s.fail(op, "read spans", err)
	}
	recs, err := decode(ctx, txn, raws)
	if err != nil {
		return nil, s.fail(op, "", err)
	}
	return recs, nil
}

// MarkExported sets exported to 1 on the records with these Seqs in one
// readwrite transaction, ignoring unknown Seqs.
func (s *Store) MarkExported(ctx context.Context, seqs []uint64) error {
	op := fmt.Sprintf("mark %d spans exported", len(seqs))
	if err := s.begin(ctx, op); err != nil {
		return err
	}
	if len(seqs) == 0 {
		return nil
	}
	txn, err := s.db.Transaction(idb.TransactionReadWrite, spansStore)
	if err != nil {
		return s.fail(op, "begin transaction", err)
	}
	if err := markExported(ctx, txn, seqs); err != nil {
		_ = txn.Abort() // nothing of a failed mark is kept; err says why
		return s.fail(op, "", err)
	}
	if err := commit(ctx, txn); err != nil {
		return s.fail(op, "commit", err)
	}
	return nil
}

// markExported reads each record in txn and writes it back marked.
func markExported(ctx context.Context, txn *idb.Transaction, seqs []uint64) error {
	spans, err := txn.ObjectStore(spansStore)
	if err != nil {
		return err
	}
	for _, seq := range seqs {
		v, err := get(ctx, spans, js.ValueOf(float64(seq)))
		if err != nil {
			return fmt.Errorf("get span %d: %w", seq, err)
		}
		if v.IsUndefined() {
			continue // unknown or evicted
		}
		rec := safejs.Safe(v)
		if e, err := rec.Get("exported"); err == nil {
			if n, err := e.Int(); err == nil && n == 1 {
				continue
			}
		}
		if err := rec.Set("exported", 1); err != nil {
			return fmt.Errorf("mark span %d: %w", seq, err)
		}
		if _, err := spans.Put(v); err != nil {
			return fmt.Errorf("put span %d: %w", seq, err)
		}
	}
	return nil
}

// Traces summarises every stored trace, newest start first (see
// [cache.Summarize]). It reads every record.
func (s *Store) Traces(ctx context.Context) ([]cache.TraceSummary, error) {
	const op = "traces"
	if err := s.begin(ctx, op); err != nil {
		return nil, err
	}
	txn, err := s.db.Transaction(idb.TransactionReadOnly, spansStore, resourcesStore)
	if err != nil {
		return nil, s.fail(op, "begin transaction", err)
	}
	spans, err := txn.ObjectStore(spansStore)
	if err != nil {
		return nil, s.fail(op, "open store", err)
	}
	cur, err := spans.OpenCursor(idb.CursorNext)
	if err != nil {
		return nil, s.fail(op, "open cursor", err)
	}
	raws, err := collect(ctx, cur, 0)
	if err != nil {
		return nil, s.fail(op, "read spans", err)
	}
	recs, err := decode(ctx, txn, raws)
	if err != nil {
		return nil, s.fail(op, "", err)
	}
	return cache.Summarize(recs), nil
}

// Trace returns every record of the trace, read with the "traceId" index,
// by start time then Seq; none for an unknown trace.
func (s *Store) Trace(ctx context.Context, traceID string) ([]cache.Record, error) {
	op := "trace " + traceID
	if err := s.begin(ctx, op); err != nil {
		return nil, err
	}
	txn, err := s.db.Transaction(idb.TransactionReadOnly, spansStore, resourcesStore)
	if err != nil {
		return nil, s.fail(op, "begin transaction", err)
	}
	index, err := spansIndex(txn, traceIndex)
	if err != nil {
		return nil, s.fail(op, "open index", err)
	}
	cur, err := index.OpenCursorKey(js.ValueOf(traceID), idb.CursorNext)
	if err != nil {
		return nil, s.fail(op, "open cursor", err)
	}
	raws, err := collect(ctx, cur, 0)
	if err != nil {
		return nil, s.fail(op, "read spans", err)
	}
	recs, err := decode(ctx, txn, raws)
	if err != nil {
		return nil, s.fail(op, "", err)
	}
	cache.SortByStart(recs)
	return recs, nil
}

// Stats counts records, those at 0 in the "exported" index, and distinct
// keys of the "traceId" index, in one readonly transaction.
func (s *Store) Stats(ctx context.Context) (cache.Stats, error) {
	const op = "stats"
	if err := s.begin(ctx, op); err != nil {
		return cache.Stats{}, err
	}
	txn, err := s.db.Transaction(idb.TransactionReadOnly, spansStore)
	if err != nil {
		return cache.Stats{}, s.fail(op, "begin transaction", err)
	}
	st, err := stats(ctx, txn)
	if err != nil {
		return cache.Stats{}, s.fail(op, "", err)
	}
	return st, nil
}

func stats(ctx context.Context, txn *idb.Transaction) (cache.Stats, error) {
	var st cache.Stats
	spans, err := txn.ObjectStore(spansStore)
	if err != nil {
		return st, err
	}
	all, err := spans.Count()
	if err != nil {
		return st, fmt.Errorf("count spans: %w", err)
	}
	if st.Spans, err = awaitCount(ctx, all); err != nil {
		return st, fmt.Errorf("count spans: %w", err)
	}
	exported, err := spans.Index(exportedIndex)
	if err != nil {
		return st, err
	}
	pending, err := exported.CountKey(js.ValueOf(0))
	if err != nil {
		return st, fmt.Errorf("count pending: %w", err)
	}
	if st.Pending, err = awaitCount(ctx, pending); err != nil {
		return st, fmt.Errorf("count pending: %w", err)
	}
	st.Exported = st.Spans - st.Pending
	traces, err := spans.Index(traceIndex)
	if err != nil {
		return st, err
	}
	cur, err := traces.OpenKeyCursor(idb.CursorNextUnique)
	if err != nil {
		return st, fmt.Errorf("count traces: %w", err)
	}
	err = cur.Iter(ctx, func(*idb.Cursor) error {
		st.Traces++
		return nil
	})
	if err == nil {
		err = ctx.Err() // Iter returns nil when ctx ends it
	}
	if err != nil {
		return st, fmt.Errorf("count traces: %w", err)
	}
	return st, nil
}

// Close closes the connection; transactions already started still finish.
// Later calls, Close included, return [cache.ErrClosed].
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return cache.ErrClosed
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("cache/idb: close %q: %w", s.name, withDOMName(err))
	}
	return nil
}

// begin returns the error that stops op before it starts.
func (s *Store) begin(ctx context.Context, op string) error {
	if s.closed.Load() {
		return cache.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("cache/idb: %s: %w", op, err)
	}
	return nil
}

// fail returns "cache/idb: op: step: err", with the DOM exception name of
// err (see withDOMName), and wrapping cache.ErrClosed as well when the
// store was closed meanwhile (which is then the likely cause).
func (s *Store) fail(op, step string, err error) error {
	err = withDOMName(err)
	if step != "" {
		err = fmt.Errorf("%s: %w", step, err)
	}
	if s.closed.Load() && !errors.Is(err, cache.ErrClosed) {
		return fmt.Errorf("cache/idb: %s: %w (%w)", op, err, cache.ErrClosed)
	}
	return fmt.Errorf("cache/idb: %s: %w", op, err)
}
