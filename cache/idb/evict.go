//go:build js && wasm

package idb

import (
	"context"
	"fmt"
	"syscall/js"
	"time"

	"github.com/hack-pad/go-indexeddb/idb"

	"github.com/spanfall/spanfall/cache"
)

// evictor evicts records in one readwrite transaction over the spans,
// meta and errorTraces stores, by the policy of package cache: it walks the
// candidates with one cursor, accounts for them in a cache.Trim and keeps
// the span counts of the "errorTraces" store. A walk only reads; it
// requests the deletes and updates when it is done, because a write in the
// middle of a cursor walk stops the browser from prefetching the next
// records, which makes each step a round trip.
type evictor struct {
	ctx         context.Context
	spans       *idb.ObjectStore
	errorTraces *idb.ObjectStore
	trim        *cache.Trim
	// errTraces is what the transaction knows of the traces it touched.
	errTraces map[string]*errTrace
	// victims are the keys of the records the current walk evicts.
	victims []js.Value
}

// errTrace is one trace's entry in the "errorTraces" store: stored is its
// span count as read (or counted by reclass), delta the change since.
type errTrace struct {
	loaded bool
	error  bool
	stored int
	delta  int
	dirty  bool
}

func newEvictor(ctx context.Context, txn *idb.Transaction, trim *cache.Trim) (*evictor, error) {
	spans, err := txn.ObjectStore(spansStore)
	if err != nil {
		return nil, err
	}
	errorTraces, err := txn.ObjectStore(errorTracesStore)
	if err != nil {
		return nil, err
	}
	return &evictor{ctx: ctx, spans: spans, errorTraces: errorTraces, trim: trim, errTraces: make(map[string]*errTrace)}, nil
}

// trace returns the entry of a trace, not yet loaded when new.
func (e *evictor) trace(id string) *errTrace {
	t := e.errTraces[id]
	if t == nil {
		t = &errTrace{}
		e.errTraces[id] = t
	}
	return t
}

// load reads the entries of the traces not loaded yet, all requests at
// once.
func (e *evictor) load(ids []string) error {
	reqs, loading, err := e.requestLoad(ids)
	if err != nil {
		return err
	}
	vals, err := awaitAll(e.ctx, reqs)
	if err != nil {
		return fmt.Errorf("read error traces: %w", err)
	}
	e.applyLoad(loading, vals)
	return nil
}

// requestLoad requests the entries of the traces not loaded yet; pass
// what the requests return to applyLoad.
func (e *evictor) requestLoad(ids []string) ([]*idb.Request, []*errTrace, error) {
	var reqs []*idb.Request
	var loading []*errTrace
	for _, id := range ids {
		t := e.trace(id)
		if t.loaded {
			continue
		}
		req, err := e.errorTraces.Get(js.ValueOf(id))
		if err != nil {
			return nil, nil, fmt.Errorf("read error trace %s: %w", id, err)
		}
		reqs = append(reqs, req)
		loading = append(loading, t)
	}
	return reqs, loading, nil
}

// applyLoad records the entries read for requestLoad.
func (e *evictor) applyLoad(loading []*errTrace, vals []js.Value) {
	for i, v := range vals {
		t := loading[i]
		t.loaded = true
		if !v.IsUndefined() {
			t.error = true
			t.stored = int(numberField(v, "spans"))
		}
	}
}

// expire deletes, lowest Seq first, the records stored before MaxAge ago,
// stopping at the first younger one, and returns its stamp (0 when none
// is left).
func (e *evictor) expire() (oldest int64, err error) {
	cur, err := e.spans.OpenCursor(idb.CursorNext)
	if err != nil {
		return 0, err
	}
	err = iterate(e.ctx, cur, func(v js.Value) error {
		stored := int64(numberField(v, "stored"))
		if !e.trim.Expired(time.UnixMilli(stored)) {
			oldest = stored
			return idb.ErrCursorStopIter
		}
		e.evict(v, cache.ReasonAge)
		return nil
	})
	if err == nil {
		err = e.deleteVictims()
	}
	if err != nil {
		return 0, fmt.Errorf("evict expired spans: %w", err)
	}
	return oldest, nil
}

// trimToCaps deletes records in policy order, walking the "class" index,
// while the store exceeds a cap.
func (e *evictor) trimToCaps() error {
	if _, over := e.trim.Over(); !over {
		return nil
	}
	return e.walkClasses(func() (cache.Reason, bool) { return e.trim.Over() })
}

// evictN deletes n records in policy order for reason.
func (e *evictor) evictN(n int, reason cache.Reason) error {
	return e.walkClasses(func() (cache.Reason, bool) {
		n--
		return reason, n >= 0
	})
}

// walkClasses deletes records in ascending class, then Seq (the order of
// the "class" index), while next says why one more must go.
func (e *evictor) walkClasses(next func() (cache.Reason, bool)) error {
	index, err := e.spans.Index(classIndex)
	if err != nil {
		return err
	}
	cur, err := index.OpenCursor(idb.CursorNext)
	if err != nil {
		return err
	}
	err = iterate(e.ctx, cur, func(v js.Value) error {
		reason, more := next()
		if !more {
			return idb.ErrCursorStopIter
		}
		e.evict(v, reason)
		return nil
	})
	if err == nil {
		err = e.deleteVictims()
	}
	if err != nil {
		return fmt.Errorf("evict spans: %w", err)
	}
	return nil
}

// evict accounts for the eviction of the record v; deleteVictims deletes
// it.
func (e *evictor) evict(v js.Value, reason cache.Reason) {
	class := cache.Class(numberField(v, "class"))
	e.victims = append(e.victims, v.Get("seq"))
	e.trim.Evict(reason, class, int64(numberField(v, "size")))
	if class.ErrorTrace() {
		t := e.trace(stringField(v, "traceId"))
		t.delta--
		t.dirty = true
	}
}

// deleteVictims requests the deletes of the records evicted by the walk
// that just ended.
func (e *evictor) deleteVictims() error {
	for _, key := range e.victims {
		if _, err := e.spans.Delete(key); err != nil {
			return fmt.Errorf("delete span %v: %w", key, err)
		}
	}
	e.victims = e.victims[:0]
	return nil
}

// update requests the writes of records changed by a walk.
func (e *evictor) update(recs []js.Value) error {
	for _, v := range recs {
		if _, err := e.spans.Put(v); err != nil {
			return fmt.Errorf("update span %v: %w", v.Get("seq"), err)
		}
	}
	return nil
}

// reclass moves the stored records of a trace that just became an error
// trace to the error classes, and returns how many it has.
func (e *evictor) reclass(traceID string) (int, error) {
	index, err := e.spans.Index(traceIndex)
	if err != nil {
		return 0, err
	}
	cur, err := index.OpenCursorKey(js.ValueOf(traceID), idb.CursorNext)
	if err != nil {
		return 0, err
	}
	n := 0
	var changed []js.Value
	err = iterate(e.ctx, cur, func(v js.Value) error {
		n++
		if class := cache.Class(numberField(v, "class")); !class.ErrorTrace() {
			v.Set("class", int(cache.ClassOf(class.Exported(), true)))
			changed = append(changed, v)
		}
		return nil
	})
	if err == nil {
		err = e.update(changed)
	}
	if err != nil {
		return 0, fmt.Errorf("reclass trace %s: %w", traceID, err)
	}
	return n, nil
}

// reclassNewest moves the n newest records of a trace, those just added,
// to the error classes, or out of them: the "traceId" index orders a
// trace's records by Seq.
func (e *evictor) reclassNewest(traceID string, n int, errorTrace bool) error {
	index, err := e.spans.Index(traceIndex)
	if err != nil {
		return err
	}
	cur, err := index.OpenCursorKey(js.ValueOf(traceID), idb.CursorPrevious)
	if err != nil {
		return err
	}
	var changed []js.Value
	err = iterate(e.ctx, cur, func(v js.Value) error {
		if n--; n < 0 {
			return idb.ErrCursorStopIter
		}
		if class := cache.Class(numberField(v, "class")); class.ErrorTrace() != errorTrace {
			v.Set("class", int(cache.ClassOf(class.Exported(), errorTrace)))
			changed = append(changed, v)
		}
		return nil
	})
	if err == nil {
		err = e.update(changed)
	}
	if err != nil {
		return fmt.Errorf("reclass trace %s: %w", traceID, err)
	}
	return nil
}

// saveErrorTraces writes the span counts of the error traces the
// transaction changed, deleting the entries of traces left without spans.
func (e *evictor) saveErrorTraces() error {
	var ids []string
	for id, t := range e.errTraces {
		if t.dirty {
			ids = append(ids, id)
		}
	}
	if err := e.load(ids); err != nil {
		return err
	}
	for _, id := range ids {
		t := e.errTraces[id]
		if !t.error {
			continue
		}
		n := t.stored + t.delta
		var err error
		if n <= 0 {
			_, err = e.errorTraces.Delete(js.ValueOf(id))
		} else {
			_, err = e.errorTraces.Put(errorTraceValue(id, n))
		}
		if err != nil {
			return fmt.Errorf("write error trace %s: %w", id, err)
		}
	}
	return nil
}

// errorTraceValue returns an entry of the "errorTraces" store.
func errorTraceValue(traceID string, spans int) js.Value {
	return js.ValueOf(map[string]any{"traceId": traceID, "spans": spans})
}

// evictForQuota evicts a quarter of the stored spans, by the policy, in a
// transaction of its own, and returns what it evicted and their stored
// size, nothing when the store is empty. A browser over quota refuses any transaction that writes
// anything but deletes (Chromium does), so this one only deletes: the
// spans, and the totals record, which the next write counts again (see
// rebuild). The caller keeps the counts until a write records them.
func (s *Store) evictForQuota(ctx context.Context) (cache.Evictions, int64, error) {
	txn, err := s.db.Transaction(idb.TransactionReadWrite, spansStore, metaStore, errorTracesStore)
	if err != nil {
		return cache.Evictions{}, 0, fmt.Errorf("begin transaction: %w", err)
	}
	trim, err := evictForQuota(ctx, txn, s.cfg)
	if err != nil || trim == nil {
		_ = txn.Abort() // nothing to keep; err says why
		return cache.Evictions{}, 0, err
	}
	if err := commit(ctx, txn); err != nil {
		return cache.Evictions{}, 0, fmt.Errorf("commit: %w", err)
	}
	return trim.Evicted(), -trim.Usage().Bytes, nil
}

// evictForQuota requests the deletes in txn and returns the trim that
// counted them, nil when there is nothing to evict.
func evictForQuota(ctx context.Context, txn *idb.Transaction, cfg cache.Config) (*cache.Trim, error) {
	spans, err := txn.ObjectStore(spansStore)
	if err != nil {
		return nil, err
	}
	// The totals may be missing after an earlier round: count the records.
	req, err := spans.Count()
	if err != nil {
		return nil, fmt.Errorf("count spans: %w", err)
	}
	n, err := awaitCount(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("count spans: %w", err)
	}
	if n = cache.QuotaVictims(n); n == 0 {
		return nil, nil
	}
	// The trim only counts, from zero: its usage ends at minus the
	// victims' size.
	trim := cache.NewTrim(cfg.Limits, cfg.Clock(), cache.Usage{})
	e, err := newEvictor(ctx, txn, trim)
	if err != nil {
		return nil, err
	}
	if err := e.evictN(n, cache.ReasonQuota); err != nil {
		return nil, err
	}
	metas, err := txn.ObjectStore(metaStore)
	if err != nil {
		return nil, err
	}
	if _, err := metas.Delete(js.ValueOf(totalsKey)); err != nil {
		return nil, fmt.Errorf("delete meta %s: %w", totalsKey, err)
	}
	return trim, nil
}
