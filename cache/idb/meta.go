//go:build js && wasm

package idb

import (
	"context"
	"encoding/json"
	"fmt"
	"syscall/js"

	"github.com/hack-pad/go-indexeddb/idb"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

// Keys of the two records of the "meta" store.
const (
	totalsKey  = "totals"
	evictedKey = "evicted"
)

// totals is the "totals" record of the "meta" store: the running totals
// that let a write enforce the caps without reading every record. Every
// transaction that adds or evicts spans updates it, except an eviction for
// quota, which can only delete (a browser over quota refuses any other
// write) and so deletes it: a missing record means the totals must be
// counted again from the records (see rebuild).
type totals struct {
	// Spans and Bytes are the number of stored records and the sum of
	// their sizes.
	Spans int   `json:"spans"`
	Bytes int64 `json:"bytes"`
	// Oldest is at most the stored stamp (Unix ms) of the record with the
	// lowest Seq, 0 when there is none: Put walks for expired records only
	// when it is past MaxAge.
	Oldest int64 `json:"oldest"`
}

// meta is what the "meta" store holds: the totals, unless counting is due,
// and the eviction counters (the "evicted" record).
type meta struct {
	totals
	counted bool
	evicted cache.Evictions
}

// requestMeta requests the reads of the meta records in txn; pass what
// the requests return to decodeMeta.
func requestMeta(txn *idb.Transaction) ([]*idb.Request, error) {
	store, err := txn.ObjectStore(metaStore)
	if err != nil {
		return nil, err
	}
	var reqs []*idb.Request
	for _, key := range []string{totalsKey, evictedKey} {
		req, err := store.Get(js.ValueOf(key))
		if err != nil {
			return nil, fmt.Errorf("read meta %s: %w", key, err)
		}
		reqs = append(reqs, req)
	}
	return reqs, nil
}

// readMeta reads the meta records in txn.
func readMeta(ctx context.Context, txn *idb.Transaction) (meta, error) {
	reqs, err := requestMeta(txn)
	if err != nil {
		return meta{}, err
	}
	vals, err := awaitAll(ctx, reqs)
	if err != nil {
		return meta{}, fmt.Errorf("read meta: %w", err)
	}
	return decodeMeta(vals)
}

// decodeMeta decodes the values read for requestMeta.
func decodeMeta(vals []js.Value) (meta, error) {
	var m meta
	var err error
	if m.counted, err = decodeValue(vals[0], &m.totals); err == nil {
		_, err = decodeValue(vals[1], &m.evicted)
	}
	if err != nil {
		return meta{}, fmt.Errorf("read meta: %w", err)
	}
	return m, nil
}

// decodeValue decodes the JSON of v into x; ok is false when v is
// undefined.
func decodeValue(v js.Value, x any) (ok bool, err error) {
	if v.IsUndefined() {
		return false, nil
	}
	text, err := stringify(v)
	if err == nil {
		err = json.Unmarshal(text, x)
	}
	return err == nil, err
}

// writeMeta requests the writes of both meta records in txn.
func writeMeta(txn *idb.Transaction, m meta) error {
	store, err := txn.ObjectStore(metaStore)
	if err != nil {
		return err
	}
	for key, x := range map[string]any{totalsKey: m.totals, evictedKey: m.evicted} {
		text, err := json.Marshal(x)
		if err != nil {
			return err
		}
		v, err := parseJSON(text)
		if err != nil {
			return err
		}
		if _, err := store.PutKey(js.ValueOf(key), v); err != nil {
			return fmt.Errorf("write meta %s: %w", key, err)
		}
	}
	return nil
}

// ensureMeta counts the totals when the database has none: new, upgraded
// from schema version 1 (whose records it migrates), or left by an
// eviction for quota.
func (s *Store) ensureMeta(ctx context.Context) error {
	const op = "open"
	txn, err := s.db.Transaction(idb.TransactionReadWrite, spansStore, metaStore, errorTracesStore)
	if err != nil {
		return s.fail(op, "begin transaction", err)
	}
	m, err := readMeta(ctx, txn)
	if err == nil && !m.counted {
		if m.totals, err = rebuild(ctx, txn, s.cfg.Clock().UnixMilli()); err == nil {
			err = writeMeta(txn, m)
		}
	}
	if err != nil {
		_ = txn.Abort() // nothing of a failed count is kept; err says why
		return s.fail(op, "count the stored spans", err)
	}
	if err := commit(ctx, txn); err != nil {
		return s.fail(op, "count the stored spans: commit", err)
	}
	return nil
}

// rebuild counts the totals of the records of txn's spans store and
// rewrites the "errorTraces" store from them. A trace is an error trace
// when one of its records is in an error class or, for a record of schema
// 1, which has no class, has status error. Records without a class, size
// and stamp (schema 1) get them, stamped now; records of error traces not
// yet in an error class are moved to one.
func rebuild(ctx context.Context, txn *idb.Transaction, now int64) (totals, error) {
	spans, err := txn.ObjectStore(spansStore)
	if err != nil {
		return totals{}, err
	}
	// First pass: which traces are error traces, and how many spans each
	// trace has.
	perTrace := make(map[string]int)
	errorTrace := make(map[string]bool)
	cur, err := spans.OpenCursor(idb.CursorNext)
	if err != nil {
		return totals{}, err
	}
	err = iterate(ctx, cur, func(v js.Value) error {
		id := stringField(v, "traceId")
		perTrace[id]++
		if hasNumber(v, "class") {
			errorTrace[id] = errorTrace[id] || cache.Class(numberField(v, "class")).ErrorTrace()
		} else if status := objectField(objectField(v, "span"), "status"); numberField(status, "code") == float64(span.StatusError) {
			errorTrace[id] = true
		}
		return nil
	})
	if err != nil {
		return totals{}, fmt.Errorf("read spans: %w", err)
	}
	// Second pass: count, and class, size and stamp what needs it; the
	// changed records are written after the walk (see evictor).
	var t totals
	var changed []js.Value
	cur, err = spans.OpenCursor(idb.CursorNext)
	if err != nil {
		return totals{}, err
	}
	err = iterate(ctx, cur, func(v js.Value) error {
		id := stringField(v, "traceId")
		var size, stored int64
		if hasNumber(v, "class") && hasNumber(v, "size") && hasNumber(v, "stored") {
			size, stored = int64(numberField(v, "size")), int64(numberField(v, "stored"))
			if class := cache.Class(numberField(v, "class")); errorTrace[id] && !class.ErrorTrace() {
				v.Set("class", int(cache.ClassOf(class.Exported(), true)))
				changed = append(changed, v)
			}
		} else {
			rec, err := migrateRecord(v, errorTrace[id], now)
			if err != nil {
				return err
			}
			size, stored = rec.Size, rec.Stored
			changed = append(changed, v)
		}
		t.Spans++
		t.Bytes += size
		if t.Oldest == 0 || stored < t.Oldest {
			t.Oldest = stored
		}
		return nil
	})
	if err != nil {
		return totals{}, fmt.Errorf("count spans: %w", err)
	}
	for _, v := range changed {
		if _, err := spans.Put(v); err != nil {
			return totals{}, fmt.Errorf("update span %v: %w", v.Get("seq"), err)
		}
	}
	errorTraces, err := txn.ObjectStore(errorTracesStore)
	if err != nil {
		return totals{}, err
	}
	if _, err := errorTraces.Clear(); err != nil {
		return totals{}, fmt.Errorf("clear error traces: %w", err)
	}
	for id := range errorTrace {
		if _, err := errorTraces.Put(errorTraceValue(id, perTrace[id])); err != nil {
			return totals{}, fmt.Errorf("record error trace %s: %w", id, err)
		}
	}
	return t, nil
}

// migrateRecord gives the schema 1 record v the class, stamp and size of
// schema 2.
func migrateRecord(v js.Value, errorTrace bool, now int64) (cache.StoredRecord, error) {
	text, err := stringify(v)
	if err != nil {
		return cache.StoredRecord{}, err
	}
	var rec cache.StoredRecord
	if err := json.Unmarshal(text, &rec); err != nil {
		return cache.StoredRecord{}, fmt.Errorf("decode record: %w", err)
	}
	rec.Class = cache.ClassOf(rec.Exported != 0, errorTrace)
	rec.Stored = now
	if rec.Size, err = rec.EncodedSize(); err != nil {
		return cache.StoredRecord{}, err
	}
	v.Set("class", int(rec.Class))
	v.Set("stored", float64(rec.Stored))
	v.Set("size", float64(rec.Size))
	return rec, nil
}

// countTotals counts the totals of the records in a readonly transaction,
// as rebuild does but changing nothing: Stats uses it while the totals are
// missing.
func countTotals(ctx context.Context, txn *idb.Transaction) (totals, error) {
	spans, err := txn.ObjectStore(spansStore)
	if err != nil {
		return totals{}, err
	}
	cur, err := spans.OpenCursor(idb.CursorNext)
	if err != nil {
		return totals{}, err
	}
	var t totals
	err = iterate(ctx, cur, func(v js.Value) error {
		t.Spans++
		t.Bytes += int64(numberField(v, "size"))
		return nil
	})
	if err != nil {
		return totals{}, fmt.Errorf("count spans: %w", err)
	}
	return t, nil
}
