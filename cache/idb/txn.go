//go:build js && wasm

package idb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"syscall/js"

	"github.com/hack-pad/go-indexeddb/idb"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

// commit waits for a readwrite transaction to finish. When ctx ends first
// it aborts the transaction and returns ctx's error, unless the transaction
// could no longer be aborted and then committed.
func commit(ctx context.Context, txn *idb.Transaction) error {
	done := make(chan error, 1)
	go func() {
		// A transaction always ends, and the library reports an abort we
		// request as success, so it must not be what tells us the outcome
		// after ctx ends: the Abort call below does.
		done <- txn.Await(context.WithoutCancel(ctx))
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	if err := txn.Abort(); err == nil {
		return ctx.Err() // aborted: nothing of it is stored
	}
	// Abort fails once the transaction is committing or finished; its
	// outcome is about to arrive.
	return <-done
}

// spansIndex returns the named index of the spans store in txn.
func spansIndex(txn *idb.Transaction, name string) (*idb.Index, error) {
	spans, err := txn.ObjectStore(spansStore)
	if err != nil {
		return nil, err
	}
	return spans.Index(name)
}

// collect returns the JSON of up to limit (0: all) values of a cursor.
func collect(ctx context.Context, req *idb.CursorWithValueRequest, limit int) ([][]byte, error) {
	var out [][]byte
	err := req.Iter(ctx, func(c *idb.CursorWithValue) error {
		v, err := c.Value()
		if err != nil {
			return err
		}
		text, err := stringify(v)
		if err != nil {
			return err
		}
		out = append(out, text)
		if limit > 0 && len(out) >= limit {
			return idb.ErrCursorStopIter
		}
		return nil
	})
	if err == nil {
		err = ctx.Err() // Iter returns nil when ctx ends it
	}
	return out, err
}

// iterate calls fn with each value of a cursor until fn returns an error
// or idb.ErrCursorStopIter, or ctx ends. fn runs inside the cursor's
// success event, so it must not wait.
func iterate(ctx context.Context, req *idb.CursorWithValueRequest, fn func(v js.Value) error) error {
	err := req.Iter(ctx, func(c *idb.CursorWithValue) error {
		v, err := c.Value()
		if err != nil {
			return err
		}
		return fn(v)
	})
	if err == nil {
		err = ctx.Err() // Iter returns nil when ctx ends it
	}
	return err
}

// awaitAll waits for requests made together. Each is awaited on its own
// goroutine: they all listen before Go yields to JS, so no event is
// missed.
func awaitAll(ctx context.Context, reqs []*idb.Request) ([]js.Value, error) {
	vals := make([]js.Value, len(reqs))
	errs := make([]error, len(reqs))
	var wg sync.WaitGroup
	for i, req := range reqs {
		wg.Go(func() { vals[i], errs[i] = req.Await(ctx) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err // Await returns no error when ctx ends it
	}
	return vals, nil
}

// numberField returns the number v[name], 0 when it is not a number.
func numberField(v js.Value, name string) float64 {
	if v.Type() != js.TypeObject {
		return 0
	}
	if f := v.Get(name); f.Type() == js.TypeNumber {
		return f.Float()
	}
	return 0
}

// hasNumber reports whether v[name] is a number.
func hasNumber(v js.Value, name string) bool {
	return v.Type() == js.TypeObject && v.Get(name).Type() == js.TypeNumber
}

// objectField returns the object v[name], undefined when it is not one.
func objectField(v js.Value, name string) js.Value {
	if v.Type() != js.TypeObject {
		return js.Undefined()
	}
	if f := v.Get(name); f.Type() == js.TypeObject {
		return f
	}
	return js.Undefined()
}

// stringField returns the string v[name], "" when it is not a string.
func stringField(v js.Value, name string) string {
	if v.Type() != js.TypeObject {
		return ""
	}
	if f := v.Get(name); f.Type() == js.TypeString {
		return f.String()
	}
	return ""
}

// get returns the value stored under key, undefined when there is none.
func get(ctx context.Context, store *idb.ObjectStore, key js.Value) (js.Value, error) {
	req, err := store.Get(key)
	if err != nil {
		return js.Value{}, err
	}
	v, err := req.Await(ctx)
	if err == nil {
		err = ctx.Err() // Await returns no error when ctx ends it
	}
	return v, err
}

// awaitCount waits for a count request.
func awaitCount(ctx context.Context, req *idb.UintRequest) (int, error) {
	n, err := req.Await(ctx)
	if cerr := ctx.Err(); cerr != nil {
		return 0, cerr
	}
	return int(n), err
}

// decode decodes stored records read in txn, with their resources read in
// the same transaction.
func decode(ctx context.Context, txn *idb.Transaction, raws [][]byte) ([]cache.Record, error) {
	if len(raws) == 0 {
		return nil, nil
	}
	stored := make([]cache.StoredRecord, len(raws))
	var ids []string
	for i, raw := range raws {
		if err := json.Unmarshal(raw, &stored[i]); err != nil {
			return nil, fmt.Errorf("decode record: %w", err)
		}
		if id := stored[i].Resource; id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	resources, err := loadResources(ctx, txn, ids)
	if err != nil {
		return nil, err
	}
	recs := make([]cache.Record, len(stored))
	for i, st := range stored {
		if recs[i], err = st.Decode(resources); err != nil {
			return nil, err
		}
	}
	return recs, nil
}

// loadResources reads the resources with these ids; missing ones are left
// out for StoredRecord.Decode to report.
func loadResources(ctx context.Context, txn *idb.Transaction, ids []string) (map[string]*span.Resource, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	store, err := txn.ObjectStore(resourcesStore)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*span.Resource, len(ids))
	for _, id := range ids {
		v, err := get(ctx, store, js.ValueOf(id))
		if err != nil {
			return nil, fmt.Errorf("get resource %q: %w", id, err)
		}
		if v.IsUndefined() {
			continue
		}
		text, err := stringify(v)
		if err != nil {
			return nil, fmt.Errorf("read resource %q: %w", id, err)
		}
		var sr cache.StoredResource
		if err := json.Unmarshal(text, &sr); err != nil {
			return nil, fmt.Errorf("decode resource %q: %w", id, err)
		}
		out[id] = sr.Decode()
	}
	return out, nil
}

// getAll reads the values of keys in one pipelined round: every get is
// requested before the first answer is awaited, so the browser serves them
// back to back instead of one JS round trip each. A missing key gives
// undefined.
func getAll(ctx context.Context, store *idb.ObjectStore, keys []js.Value) ([]js.Value, error) {
	vals := make([]js.Value, len(keys))
	if len(keys) == 0 {
		return vals, nil
	}
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var firstErr error
	remaining := len(keys)
	done := make(chan struct{})
	settle := func(err error) {
		if err != nil && firstErr == nil {
			firstErr = err
		}
		if remaining--; remaining == 0 {
			close(done)
		}
	}
	for i, key := range keys {
		req, err := store.Get(key)
		if err != nil {
			return nil, err
		}
		// The callbacks run on the JS event loop, one at a time, after
		// this loop has requested every key.
		err = req.Listen(lctx, func() {
			v, err := req.Result()
			vals[i] = v
			settle(err)
		}, func() {
			settle(req.Err())
		})
		if err != nil {
			return nil, err
		}
	}
	select {
	case <-done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return vals, nil
}
