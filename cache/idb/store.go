//go:build js && wasm

package idb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"syscall/js"
	"time"

	"github.com/hack-pad/go-indexeddb/idb"
	"github.com/hack-pad/safejs"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

var (
	_ cache.Store       = (*Store)(nil)
	_ cache.TraceHeader = (*Store)(nil)
)

// Store is a [cache.Store] in an IndexedDB database; get one with [Open].
// It is safe for concurrent use. Each method runs its own transaction and
// waits for it on the calling goroutine, never inside a JS callback, until
// ctx is done. A write whose ctx ends before it commits is aborted, so
// nothing of it is stored, unless it committed first (then it returns nil).
// Errors keep the DOM exception of their cause: test them with
// errors.Is(err, idb.NewDOMException("QuotaExceededError")).
type Store struct {
	db *idb.Database
	// raw is the same connection as db, unwrapped (see read.go).
	raw    safejs.Value
	name   string
	cfg    cache.Config
	closed atomic.Bool
	// putFault, set by tests, fails a Put transaction with its error just
	// before it commits, as the browser does for lack of quota.
	putFault func() error
	// markFault, set by tests, does the same to a MarkExported transaction.
	markFault func() error

	// unsaved counts evictions for quota that committed without their
	// count, which the next write records (see evictForQuota). futile is
	// set when evicting for quota did not let a write through, and cleared
	// when a write goes through.
	mu      sync.Mutex
	unsaved cache.Evictions
	futile  time.Time // until when evicting for quota is known not to help
	// errHint remembers which traces this store last saw as error traces,
	// so that a write can add their new spans in the error class without
	// waiting to read; the read that follows checks it.
	errHint map[string]bool
}

// maxErrHints bounds Store.errHint; it starts over when full.
const maxErrHints = 4096

// quotaExceeded matches the error of a write refused for lack of quota.
var quotaExceeded = idb.NewDOMException("QuotaExceededError")

// Kind returns "indexeddb".
func (s *Store) Kind() string { return "indexeddb" }

// Put stores spans, pending export, in one readwrite transaction over the
// spans, resources, meta and errorTraces stores, which also enforces the
// caps as [cache.Store.Put] says, and waits for it to commit. It stores
// nothing when a span is invalid (the error then wraps
// [cache.ErrInvalidSpan]). A resource replaces an earlier one with the same
// id.
//
// When the transaction fails with QuotaExceededError, Put evicts a quarter
// of the stored spans by the policy, counted under Quota, in a transaction
// of its own that only deletes (a browser over quota refuses any other
// write: Chromium does), and tries again, until the write fits; the retry
// counts the totals again and records the evictions. Put gives up, with an
// error wrapping cache.ErrQuotaExceeded and the QuotaExceededError, when
// no span is left to evict, when the browser refuses the eviction too, or
// when the spans evicted for this write add up to more than four times its
// size (stored JSON; the browser's own overhead per record comes on top)
// and it still does not fit: the browser is then not giving their space back (Chromium, in tests
// with a storage bucket's quota, gives back the space of deleted records
// only when it compacts its files, later), and evicting everything would
// lose the store for nothing. After that, for 10 s, Puts refused for quota
// fail without evicting, unless one goes through.
func (s *Store) Put(ctx context.Context, spans []span.Span) error {
	op := fmt.Sprintf("put %d spans", len(spans))
	if err := s.begin(ctx, op); err != nil {
		return err
	}
	if len(spans) == 0 {
		return nil
	}
	now := s.cfg.Clock()
	batch, err := cache.EncodeBatch(spans, now)
	if err != nil {
		return fmt.Errorf("cache/idb: %s: %w", op, err)
	}
	evicted, freed := 0, int64(0)
	for round := 1; ; round++ {
		err := s.put(ctx, &batch, now)
		if err == nil {
			s.setFutile(false)
			return nil
		}
		if !errors.Is(withDOMName(err), quotaExceeded) {
			return s.fail(op, "", err)
		}
		err = fmt.Errorf("%w: %w", cache.ErrQuotaExceeded, err)
		if round == 1 && s.isFutile() {
			return s.fail(op, "", fmt.Errorf("storage quota exceeded, and evicting for an earlier write did not make room: not evicting again before a write goes through: %w", err))
		}
		if freed > 4*batch.Bytes {
			s.setFutile(true)
			return s.fail(op, "", fmt.Errorf("storage quota exceeded even after evicting %d spans of %d bytes, over four times the write, in %d rounds: %w", evicted, freed, round-1, err))
		}
		ev, n, everr := s.evictForQuota(ctx)
		if everr != nil {
			return s.fail(op, "", fmt.Errorf("storage quota exceeded, and evicting to make room failed (%d evicted in %d rounds): %w; evict: %w", evicted, round-1, err, everr))
		}
		if ev.Total() == 0 {
			return s.fail(op, "", fmt.Errorf("storage quota exceeded with no span left to evict (%d evicted in %d rounds): %w", evicted, round-1, err))
		}
		s.keepUnsaved(ev)
		evicted += ev.Total()
		freed += n
	}
}

// put makes one attempt at storing batch, stamped at now, and at
// enforcing the caps, in one transaction. It records the unsaved
// evictions, or gives them back when it fails.
func (s *Store) put(ctx context.Context, batch *cache.Batch, now time.Time) (err error) {
	unsaved := s.claimUnsaved()
	defer func() {
		if err != nil {
			s.keepUnsaved(unsaved)
		}
	}()
	txn, err := s.db.Transaction(idb.TransactionReadWrite, spansStore, resourcesStore, metaStore, errorTracesStore)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := s.write(ctx, txn, batch, now, unsaved); err != nil {
		_ = txn.Abort() // roll back the requests made so far; err says why
		return fmt.Errorf("write: %w", err)
	}
	if s.putFault != nil {
		if err := s.putFault(); err != nil {
			_ = txn.Abort() // as the browser aborts it
			return fmt.Errorf("commit: %w", err)
		}
	}
	if err := commit(ctx, txn); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// futileFor is how long Puts refused for quota do not evict again after
// evicting did not make room: long enough not to drain the store while the
// browser holds on to the space, short enough to try again once it has
// compacted its files.
const futileFor = 10 * time.Second

func (s *Store) isFutile() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg.Clock().Before(s.futile)
}

func (s *Store) setFutile(futile bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.futile = time.Time{}
	if futile {
		s.futile = s.cfg.Clock().Add(futileFor)
	}
}

// claimUnsaved takes the unsaved evictions for a write to record.
func (s *Store) claimUnsaved() cache.Evictions {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.unsaved
	s.unsaved = cache.Evictions{}
	return e
}

// keepUnsaved adds evictions not recorded yet.
func (s *Store) keepUnsaved(e cache.Evictions) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unsaved.Merge(e)
}

// write requests, in txn: the adds of the batch, the evictions for age,
// the error-trace updates, the evictions for the caps and the new meta
// records, which also record the evictions unsaved. It requests the reads
// of the meta records and of the batch's error traces and the adds in a
// few JS calls (see writeBatch) before it waits for the reads; the classes
// of the new records are fixed afterwards in the rare case that needs it.
func (s *Store) write(ctx context.Context, txn *idb.Transaction, batch *cache.Batch, now time.Time, unsaved cache.Evictions) error {
	e, err := newEvictor(ctx, txn, nil)
	if err != nil {
		return err
	}
	// The batch goes in with the classes the hints give; they are checked
	// once the error traces are read.
	assumed := s.errorHints(batch)
	for i := range batch.Records {
		r := &batch.Records[i]
		r.Class = cache.ClassOf(false, assumed[r.TraceID])
	}
	raw, err := rawTxnOf(txn)
	if err != nil {
		return err
	}
	reads, err := writeBatch(raw, batch)
	if err != nil {
		return err
	}
	loaded, vals, err := reads.wait(ctx)
	if err != nil {
		return fmt.Errorf("read meta and error traces: %w", err)
	}
	e.applyLoaded(batch.Traces, loaded)
	m, err := decodeMeta(vals)
	if err != nil {
		return err
	}
	for _, bt := range batch.Traces {
		if errorTrace := bt.Error || e.trace(bt.TraceID).error; errorTrace != assumed[bt.TraceID] {
			if err := e.reclassNewest(bt.TraceID, bt.Spans, errorTrace); err != nil {
				return err
			}
		}
	}
	// After an eviction for quota, the totals are counted again, the
	// batch with them, and the error traces rewritten.
	rebuilt := !m.counted
	if rebuilt {
		if m.totals, err = rebuild(ctx, txn, now.UnixMilli()); err != nil {
			return err
		}
		e.errTraces = make(map[string]*errTrace)
	}

	e.trim = cache.NewTrim(s.cfg.Limits, now, cache.Usage{Spans: m.Spans, Bytes: m.Bytes})
	if !rebuilt {
		e.trim.Add(len(batch.Records), batch.Bytes)
	}
	switch {
	case m.Spans == 0:
		m.Oldest = now.UnixMilli()
	case e.trim.Expired(time.UnixMilli(m.Oldest)):
		// The walk stops at the first young record, at the latest at the
		// batch's.
		if m.Oldest, err = e.expire(); err != nil {
			return err
		}
	}

	for _, bt := range batch.Traces {
		if rebuilt {
			break
		}
		t := e.trace(bt.TraceID)
		switch {
		case t.error:
			t.delta += bt.Spans
		case bt.Error:
			n, err := e.reclass(bt.TraceID)
			if err != nil {
				return err
			}
			t.error, t.stored = true, n
		default:
			continue
		}
		t.dirty = true
	}

	if err := e.trimToCaps(); err != nil {
		return err
	}
	if err := e.saveErrorTraces(); err != nil {
		return err
	}
	u := e.trim.Usage()
	m.Spans, m.Bytes = u.Spans, u.Bytes
	if m.Spans == 0 {
		m.Oldest = 0
	}
	m.evicted.Merge(e.trim.Evicted())
	m.evicted.Merge(unsaved)
	s.learnErrors(e)
	return writeMeta(txn, m)
}

// errorHints returns which traces of batch to add as error traces: those
// with an error span in it, and those the hints say are.
func (s *Store) errorHints(batch *cache.Batch) map[string]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]bool, len(batch.Traces))
	for _, bt := range batch.Traces {
		out[bt.TraceID] = bt.Error || s.errHint[bt.TraceID]
	}
	return out
}

// learnErrors updates the hints with the error traces e read or changed.
func (s *Store) learnErrors(e *evictor) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.errHint == nil || len(s.errHint) > maxErrHints {
		s.errHint = make(map[string]bool)
	}
	for id, t := range e.errTraces {
		if t.loaded || t.error {
			if t.error && t.stored+t.delta > 0 {
				s.errHint[id] = true
			} else {
				delete(s.errHint, id)
			}
		}
	}
}

// Pending returns up to limit unexported records, oldest Seq first, read
// with one getAll on the "exported" index at 0; none when limit <= 0.
func (s *Store) Pending(ctx context.Context, limit int) ([]cache.Record, error) {
	const op = "pending"
	if err := s.begin(ctx, op); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, nil
	}
	txn, err := s.readTxn(spansStore, resourcesStore)
	if err != nil {
		return nil, s.fail(op, "begin transaction", err)
	}
	recs, err := txn.readRecords(ctx, exportedIndex, 0, limit)
	if err != nil {
		return nil, s.fail(op, "", err)
	}
	return recs, nil
}

// MarkExported sets exported to 1 on the records with these Seqs, and
// moves them to the exported class of their trace, in one readwrite
// transaction, ignoring unknown Seqs.
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
	err = nil
	if s.markFault != nil {
		if err = s.markFault(); err != nil {
			_ = txn.Abort() // as the browser aborts it
		}
	}
	if err == nil {
		err = commit(ctx, txn)
	}
	if err != nil {
		if !errors.Is(withDOMName(err), quotaExceeded) {
			return s.fail(op, "commit", err)
		}
		// Over quota the browser refuses the update but not a delete:
		// the spans were delivered, so let them go, counted as evicted
		// for quota, rather than send them again and again.
		ev, derr := s.deleteDelivered(ctx, seqs)
		if derr != nil {
			return s.fail(op, "commit", fmt.Errorf("%w; deleting the delivered spans instead: %w", err, derr))
		}
		s.keepUnsaved(ev)
	}
	return nil
}

// deleteDelivered deletes exported spans in a transaction that only
// deletes, which a browser over quota still commits, and counts them as
// evicted for quota. Like evictForQuota it drops the totals record, so the
// next write counts them again.
func (s *Store) deleteDelivered(ctx context.Context, seqs []uint64) (cache.Evictions, error) {
	var ev cache.Evictions
	txn, err := s.db.Transaction(idb.TransactionReadWrite, spansStore, metaStore)
	if err != nil {
		return ev, fmt.Errorf("begin transaction: %w", err)
	}
	spans, err := txn.ObjectStore(spansStore)
	if err != nil {
		return ev, err
	}
	keys := seqKeys(seqs)
	vals, err := getAll(ctx, spans, keys)
	if err != nil {
		_ = txn.Abort() // nothing to keep; err says why
		return cache.Evictions{}, fmt.Errorf("get %d spans: %w", len(seqs), err)
	}
	for i, seq := range seqs {
		key, v := keys[i], vals[i]
		if v.IsUndefined() {
			continue // evicted meanwhile
		}
		class := cache.Class(numberField(v, "class"))
		if _, err := spans.Delete(key); err != nil {
			_ = txn.Abort()
			return cache.Evictions{}, fmt.Errorf("delete span %d: %w", seq, err)
		}
		ev.Add(cache.ReasonQuota, cache.ClassOf(true, class.ErrorTrace()))
	}
	metas, err := txn.ObjectStore(metaStore)
	if err != nil {
		return cache.Evictions{}, err
	}
	if _, err := metas.Delete(js.ValueOf(totalsKey)); err != nil {
		_ = txn.Abort()
		return cache.Evictions{}, fmt.Errorf("delete meta %s: %w", totalsKey, err)
	}
	if err := commit(ctx, txn); err != nil {
		return cache.Evictions{}, fmt.Errorf("commit: %w", err)
	}
	return ev, nil
}

// seqKeys returns the IndexedDB keys of seqs.
func seqKeys(seqs []uint64) []js.Value {
	keys := make([]js.Value, len(seqs))
	for i, seq := range seqs {
		keys[i] = js.ValueOf(float64(seq))
	}
	return keys
}

// markExported reads the records in txn and writes back those not yet
// marked, in a few JS calls whatever their number (see getEach).
func markExported(ctx context.Context, txn *idb.Transaction, seqs []uint64) error {
	raw, err := rawTxnOf(txn)
	if err != nil {
		return err
	}
	spans, err := objectStore(raw, spansStore)
	if err != nil {
		return err
	}
	vals, err := readSeqs(ctx, spans, seqs)
	if err != nil {
		return fmt.Errorf("get %d spans: %w", len(seqs), err)
	}
	// Only the fields to check cross into Go.
	text, err := stringifyFields(vals, "seq", "exported", "class")
	if err != nil {
		return err
	}
	var recs []*struct {
		Seq      uint64      `json:"seq"`
		Exported int         `json:"exported"`
		Class    cache.Class `json:"class"`
	}
	if err := json.Unmarshal(text, &recs); err != nil {
		return fmt.Errorf("decode spans: %w", err)
	}
	want := make(map[uint64]bool, len(seqs))
	for _, seq := range seqs {
		want[seq] = true
	}
	changed, err := newArray()
	if err != nil {
		return err
	}
	for i, r := range recs {
		if r == nil || !want[r.Seq] || r.Exported == 1 {
			continue // unknown or evicted, another span of the range, or marked already
		}
		v, err := vals.Index(i)
		if err == nil {
			err = v.Set("exported", 1)
		}
		if err == nil {
			err = v.Set("class", int(cache.ClassOf(true, r.Class.ErrorTrace())))
		}
		if err == nil {
			_, err = changed.Call("push", v)
		}
		if err != nil {
			return fmt.Errorf("mark span %d: %w", r.Seq, err)
		}
	}
	if err := putEach(spans, changed); err != nil {
		return fmt.Errorf("put spans: %w", err)
	}
	return nil
}

// denseRange is how many records, per Seq asked for, a range read may
// return at most: past it the Seqs are read one by one.
const denseRange = 4

// readSeqs returns, in a JS array, the records with these Seqs (in any
// order, missing ones left out or undefined) and possibly other records
// between them. When the Seqs are dense, as the exporter's oldest-first
// batches are, it reads their whole range with one getAll: every request
// costs the browser tens of µs whatever its size (Chromium here: 80–95 µs
// a record written), so one request per batch instead of one per span
// makes marking a batch of 512 spans exported cost half as many requests.
func readSeqs(ctx context.Context, store safejs.Value, seqs []uint64) (safejs.Value, error) {
	lo, hi := slices.Min(seqs), slices.Max(seqs)
	if hi-lo >= uint64(denseRange*len(seqs)) {
		return getEach(ctx, store, seqs)
	}
	keyRange, err := safejs.Global().Get("IDBKeyRange")
	if err != nil {
		return safejs.Value{}, err
	}
	rng, err := keyRange.Call("bound", float64(lo), float64(hi))
	if err != nil {
		return safejs.Value{}, withDOMName(err)
	}
	req, err := store.Call("getAll", rng)
	if err != nil {
		return safejs.Value{}, withDOMName(err)
	}
	return awaitRaw(ctx, req)
}

// Traces summarises every stored trace, newest start first (see
// [cache.Summarize]). It reads every record, with one getAll.
func (s *Store) Traces(ctx context.Context) ([]cache.TraceSummary, error) {
	const op = "traces"
	if err := s.begin(ctx, op); err != nil {
		return nil, err
	}
	txn, err := s.readTxn(spansStore, resourcesStore)
	if err != nil {
		return nil, s.fail(op, "begin transaction", err)
	}
	recs, err := txn.readRecords(ctx, "", nil, 0)
	if err != nil {
		return nil, s.fail(op, "", err)
	}
	return cache.Summarize(recs), nil
}

// Trace returns every record of the trace, read with one getAll on the
// "traceId" index, by start time then Seq; none for an unknown trace.
func (s *Store) Trace(ctx context.Context, traceID string) ([]cache.Record, error) {
	op := "trace " + traceID
	if err := s.begin(ctx, op); err != nil {
		return nil, err
	}
	txn, err := s.readTxn(spansStore, resourcesStore)
	if err != nil {
		return nil, s.fail(op, "begin transaction", err)
	}
	recs, err := txn.readRecords(ctx, traceIndex, traceID, 0)
	if err != nil {
		return nil, s.fail(op, "", err)
	}
	cache.SortByStart(recs)
	return recs, nil
}

// TraceHead returns the first n records of the trace by start time, then
// Seq, read with one getAll on the "traceStart" index: what the viewer
// draws first while [Store.Trace] reads the rest. None when n <= 0.
func (s *Store) TraceHead(ctx context.Context, traceID string, n int) ([]cache.Record, error) {
	op := "trace head " + traceID
	if err := s.begin(ctx, op); err != nil {
		return nil, err
	}
	if n <= 0 {
		return nil, nil
	}
	txn, err := s.readTxn(spansStore, resourcesStore)
	if err != nil {
		return nil, s.fail(op, "begin transaction", err)
	}
	keyRange, err := traceRange(traceID)
	if err != nil {
		return nil, s.fail(op, "key range", err)
	}
	recs, err := txn.readRecords(ctx, traceStartIndex, keyRange, n)
	if err != nil {
		return nil, s.fail(op, "", err)
	}
	if len(recs) == n {
		// The index's start is the float64 of the nanoseconds: records
		// with equal floats are in Seq order there, not by start. Those of
		// the last one read may include starts that sort before it, so
		// read all of them. (Rounding keeps order: a larger float is a
		// later start.)
		last := float64(recs[n-1].Span.StartTimeUnixNano)
		bucket, err := txn.readRecords(ctx, traceStartIndex, []any{traceID, last}, 0)
		if err != nil {
			return nil, s.fail(op, "", err)
		}
		recs = slices.DeleteFunc(recs, func(r cache.Record) bool { return float64(r.Span.StartTimeUnixNano) == last })
		recs = append(recs, bucket...)
	}
	cache.SortByStart(recs)
	return recs[:min(n, len(recs))], nil
}

// Stats reads the totals and eviction counters of the meta store (or,
// after an eviction for quota and before the next write, counts the totals
// from the records), and counts the records at 0 in the "exported" index
// and the distinct keys of the "traceId" index, in one readonly
// transaction. Evicted includes the evictions for quota not recorded yet.
func (s *Store) Stats(ctx context.Context) (cache.Stats, error) {
	const op = "stats"
	if err := s.begin(ctx, op); err != nil {
		return cache.Stats{}, err
	}
	txn, err := s.db.Transaction(idb.TransactionReadOnly, spansStore, metaStore)
	if err != nil {
		return cache.Stats{}, s.fail(op, "begin transaction", err)
	}
	st, err := stats(ctx, txn)
	if err != nil {
		return cache.Stats{}, s.fail(op, "", err)
	}
	s.mu.Lock()
	st.Evicted.Merge(s.unsaved)
	s.mu.Unlock()
	return st, nil
}

func stats(ctx context.Context, txn *idb.Transaction) (cache.Stats, error) {
	var st cache.Stats
	m, err := readMeta(ctx, txn)
	if err != nil {
		return st, err
	}
	if !m.counted {
		// An eviction for quota left the totals to count again.
		if m.totals, err = countTotals(ctx, txn); err != nil {
			return st, err
		}
	}
	st.Spans, st.Bytes, st.Evicted = m.Spans, m.Bytes, m.evicted
	spans, err := txn.ObjectStore(spansStore)
	if err != nil {
		return st, err
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
