//go:build js && wasm

package idb

import (
	"context"
	"encoding/json"
	"fmt"
	"syscall/js"

	"github.com/hack-pad/go-indexeddb/idb"
	"github.com/hack-pad/safejs"

	"github.com/spanfall/spanfall/cache"
)

// Trace summaries (schema 4). The "traceSummaries" store keeps one
// [cache.TraceAgg] per trace, which Put merges its spans into in its own
// transaction; Traces reads them with one getAll instead of every span.
//
// Evictions and the service worker do not touch the summaries, so Traces
// checks each against the spans it summarises, in its transaction: a count
// on the "traceId" index must equal the summary's span count (a summary's
// count only grows, with the spans Put adds, so after any eviction of the
// trace's spans it is higher than the stored spans), and the pending count
// comes from the "traceExported" index ([traceId, exported]), which
// follows MarkExported and the service worker's marks as they happen. A
// trace whose summary does not match is summarised again from its spans,
// in a readwrite transaction that stores the new summary; a trace with no
// span left loses its summary.
//
// A database upgraded from schema 3 or earlier has spans and no
// summaries: Open summarises every stored trace once (ensureSummaries),
// and records in the meta store that it did.

// summarizedKey is the meta record set once every stored trace has its
// summary.
const summarizedKey = "summarized"

// addSummaries merges aggs, the summaries of a batch of spans Put adds in
// txn, into the stored summaries of their traces.
func addSummaries(ctx context.Context, txn *idb.Transaction, aggs []cache.TraceAgg) error {
	if len(aggs) == 0 {
		return nil
	}
	store, err := txn.ObjectStore(summariesStore)
	if err != nil {
		return err
	}
	keys := make([]js.Value, len(aggs))
	for i := range aggs {
		keys[i] = js.ValueOf(aggs[i].TraceID)
	}
	vals, err := getAll(ctx, store, keys)
	if err != nil {
		return fmt.Errorf("read trace summaries: %w", err)
	}
	for i := range aggs {
		var t cache.TraceAgg
		if _, err := decodeValue(vals[i], &t); err != nil {
			return fmt.Errorf("read the summary of trace %s: %w", aggs[i].TraceID, err)
		}
		t.Merge(&aggs[i])
		v, err := aggValue(&t)
		if err != nil {
			return err
		}
		if _, err := store.Put(v); err != nil {
			return fmt.Errorf("write the summary of trace %s: %w", t.TraceID, err)
		}
	}
	return nil
}

// aggValue is the stored form of t.
func aggValue(t *cache.TraceAgg) (js.Value, error) {
	text, err := json.Marshal(t)
	if err != nil {
		return js.Value{}, fmt.Errorf("encode the summary of trace %s: %w", t.TraceID, err)
	}
	return parseJSON(text)
}

// Traces summarises every stored trace, newest start first, from the
// stored summaries, each checked by two counts (see above) in one
// readonly transaction; the ones that fail the check are summarised again
// from their spans.
func (s *Store) Traces(ctx context.Context) ([]cache.TraceSummary, error) {
	const op = "traces"
	if err := s.begin(ctx, op); err != nil {
		return nil, err
	}
	txn, err := s.readTxn(summariesStore, spansStore)
	if err != nil {
		return nil, s.fail(op, "begin transaction", err)
	}
	text, err := txn.getAllJSON(ctx, summariesStore, "", nil, 0)
	if err != nil {
		return nil, s.fail(op, "read trace summaries", err)
	}
	var aggs []cache.TraceAgg
	if err := json.Unmarshal(text, &aggs); err != nil {
		return nil, s.fail(op, "decode trace summaries", err)
	}
	counts, err := txn.traceCounts(ctx, aggs)
	if err != nil {
		return nil, s.fail(op, "count spans", err)
	}
	out := make([]cache.TraceSummary, 0, len(aggs))
	var stale []string
	for i := range aggs {
		if c := counts[i]; c.spans == aggs[i].Spans {
			out = append(out, aggs[i].Summary(c.pending))
		} else {
			stale = append(stale, aggs[i].TraceID)
		}
	}
	if len(stale) > 0 {
		fresh, err := s.resummarize(ctx, stale)
		if err != nil {
			return nil, s.fail(op, "summarise evicted traces again", err)
		}
		out = append(out, fresh...)
	}
	cache.SortSummaries(out)
	return out, nil
}

// traceCount is what Traces counts for a trace: its spans, and those of
// them not exported.
type traceCount struct{ spans, pending int }

// traceCounts counts the spans and the pending spans of each trace of
// aggs, every count requested before the first is awaited.
func (t rawTxn) traceCounts(ctx context.Context, aggs []cache.TraceAgg) ([]traceCount, error) {
	spans, err := t.v.Call("objectStore", spansStore)
	if err != nil {
		return nil, withDOMName(err)
	}
	byTrace, err := spans.Call("index", traceIndex)
	if err != nil {
		return nil, withDOMName(err)
	}
	byExport, err := spans.Call("index", traceExportedIndex)
	if err != nil {
		return nil, withDOMName(err)
	}
	ls := make([]*rawListener, 0, 2*len(aggs))
	defer func() {
		for _, l := range ls {
			if l != nil {
				l.release() // those not waited for
			}
		}
	}()
	for i := range aggs {
		id := aggs[i].TraceID
		for _, q := range []struct {
			index safejs.Value
			key   any
		}{{byTrace, id}, {byExport, []any{id, 0}}} {
			req, err := q.index.Call("count", q.key)
			if err != nil {
				return nil, withDOMName(err)
			}
			l, err := listenRaw(req)
			if err != nil {
				return nil, err
			}
			ls = append(ls, l)
		}
	}
	out := make([]traceCount, len(aggs))
	for i := range ls {
		l := ls[i]
		ls[i] = nil
		v, err := l.wait(ctx)
		if err != nil {
			return nil, err
		}
		n, err := v.Int()
		if err != nil {
			return nil, err
		}
		if i%2 == 0 {
			out[i/2].spans = n
		} else {
			out[i/2].pending = n
		}
	}
	return out, nil
}

// resummarize summarises the traces ids again from their spans, and
// stores their new summaries (or deletes those of traces with no span
// left), in one readwrite transaction. Failing to store them is no error.
func (s *Store) resummarize(ctx context.Context, ids []string) ([]cache.TraceSummary, error) {
	txn, err := s.rawWriteTxn(spansStore, resourcesStore, summariesStore)
	if err != nil {
		return nil, err
	}
	out, err := txn.resummarize(ctx, ids)
	if err != nil {
		_, _ = txn.v.Call("abort") // nothing of it is kept; err says why
		return nil, err
	}
	// The summaries are right whether or not they are stored: a store
	// over its quota refuses the write, and the next Traces summarises
	// these traces again.
	_ = txn.commit(ctx)
	return out, nil
}

func (t rawTxn) resummarize(ctx context.Context, ids []string) ([]cache.TraceSummary, error) {
	store, err := t.v.Call("objectStore", summariesStore)
	if err != nil {
		return nil, withDOMName(err)
	}
	var out []cache.TraceSummary
	for _, id := range ids {
		recs, err := t.readRecords(ctx, traceIndex, id, 0)
		if err != nil {
			return nil, fmt.Errorf("trace %s: %w", id, err)
		}
		if len(recs) == 0 {
			if _, err := store.Call("delete", id); err != nil {
				return nil, fmt.Errorf("delete the summary of trace %s: %w", id, withDOMName(err))
			}
			continue
		}
		agg := cache.AggOf(recs)[id]
		pending := 0
		for _, r := range recs {
			if !r.Exported {
				pending++
			}
		}
		v, err := aggValue(agg)
		if err != nil {
			return nil, err
		}
		if _, err := store.Call("put", safejs.Safe(v)); err != nil {
			return nil, fmt.Errorf("write the summary of trace %s: %w", id, withDOMName(err))
		}
		out = append(out, agg.Summary(pending))
	}
	return out, nil
}

// ensureSummaries summarises every stored trace, once: the first time a
// database of schema 3 or earlier is opened by schema 4.
func (s *Store) ensureSummaries(ctx context.Context) error {
	const op = "open"
	txn, err := s.rawWriteTxn(spansStore, resourcesStore, summariesStore, metaStore)
	if err != nil {
		return s.fail(op, "begin transaction", err)
	}
	done, err := txn.summarizeAll(ctx)
	if err != nil {
		_, _ = txn.v.Call("abort") // nothing of it is kept; err says why
		return s.fail(op, "summarise the stored traces", err)
	}
	if done {
		return nil // already summarised; the readwrite transaction ends with nothing to commit
	}
	if err := txn.commit(ctx); err != nil {
		return s.fail(op, "summarise the stored traces: commit", err)
	}
	return nil
}

// summarizeAll summarises every stored trace unless the meta store says
// it was done (done is then true).
func (t rawTxn) summarizeAll(ctx context.Context) (done bool, err error) {
	meta, err := t.v.Call("objectStore", metaStore)
	if err != nil {
		return false, withDOMName(err)
	}
	req, err := meta.Call("get", summarizedKey)
	if err != nil {
		return false, withDOMName(err)
	}
	v, err := awaitRaw(ctx, req)
	if err != nil {
		return false, err
	}
	if !v.IsUndefined() {
		return true, nil
	}
	recs, err := t.readRecords(ctx, "", nil, 0)
	if err != nil {
		return false, err
	}
	store, err := t.v.Call("objectStore", summariesStore)
	if err != nil {
		return false, withDOMName(err)
	}
	if _, err := store.Call("clear"); err != nil {
		return false, withDOMName(err)
	}
	for id, agg := range cache.AggOf(recs) {
		v, err := aggValue(agg)
		if err != nil {
			return false, err
		}
		if _, err := store.Call("put", safejs.Safe(v)); err != nil {
			return false, fmt.Errorf("write the summary of trace %s: %w", id, withDOMName(err))
		}
	}
	if _, err := meta.Call("put", true, summarizedKey); err != nil {
		return false, withDOMName(err)
	}
	return false, nil
}

// rawWriteTxn begins a readwrite transaction over stores on the raw
// connection.
func (s *Store) rawWriteTxn(stores ...string) (rawTxn, error) {
	names := make([]any, len(stores))
	for i, n := range stores {
		names[i] = n
	}
	t, err := s.raw.Call("transaction", names, "readwrite")
	if err != nil {
		return rawTxn{}, withDOMName(err)
	}
	return rawTxn{t}, nil
}

// commit waits for the raw transaction to complete; it fails when the
// transaction aborts, or when ctx ends first (the transaction is then
// aborted, unless it completed).
func (t rawTxn) commit(ctx context.Context) error {
	done := make(chan error, 1)
	var fns []js.Func
	on := func(event string, fn func() error) error {
		f := js.FuncOf(func(js.Value, []js.Value) any {
			select {
			case done <- fn():
			default:
			}
			return nil
		})
		fns = append(fns, f)
		return t.v.Set("on"+event, safejs.Safe(f.Value))
	}
	defer func() {
		for _, e := range []string{"complete", "error", "abort"} {
			_ = t.v.Set("on"+e, nil) // the handlers are about to be released
		}
		for _, f := range fns {
			f.Release()
		}
	}()
	failed := func() error {
		if e, err := t.v.Get("error"); err == nil && !e.IsNull() && !e.IsUndefined() {
			name, _ := e.Get("name")
			n, _ := name.String()
			return fmt.Errorf("transaction aborted: %w", idb.NewDOMException(n))
		}
		return fmt.Errorf("transaction aborted")
	}
	for _, h := range []struct {
		event string
		fn    func() error
	}{{"complete", func() error { return nil }}, {"error", failed}, {"abort", failed}} {
		if err := on(h.event, h.fn); err != nil {
			return err
		}
	}
	if _, err := t.v.Call("commit"); err != nil {
		return withDOMName(err)
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		_, _ = t.v.Call("abort") // fails if it completed meanwhile: then it stands
		return ctx.Err()
	}
}
