//go:build js && wasm

package idb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"syscall/js"

	"github.com/hack-pad/go-indexeddb/idb"
	"github.com/hack-pad/safejs"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

// Bulk reads. Every JS call from Go costs a crossing of syscall/js, and a
// cursor costs several per record (the success event, the value, its
// JSON), plus a trip through the event loop: some 0.13 ms a span, 0.64 s
// for a trace of 5,000. A bulk read asks IndexedDB for all the values at
// once with getAll, then turns the whole array into one JSON text with
// one JSON.stringify: a few crossings whatever the number of records, and
// one copy of the text into Go. go-indexeddb v0.3.2 has no getAll for
// values, so these reads use the raw connection (Store.raw).

// rawTxn is a readonly transaction on the raw connection.
type rawTxn struct{ v safejs.Value }

// readTxn begins a readonly transaction over stores on the raw connection.
func (s *Store) readTxn(stores ...string) (rawTxn, error) {
	names := make([]any, len(stores))
	for i, n := range stores {
		names[i] = n
	}
	t, err := s.raw.Call("transaction", names, "readonly")
	if err != nil {
		return rawTxn{}, withDOMName(err)
	}
	return rawTxn{t}, nil
}

// getAllJSON returns, as one JSON array text, the values of store (or of
// its index when index is not "") whose key is query, up to count of them
// (0: all), in key order. query nil means every value.
func (t rawTxn) getAllJSON(ctx context.Context, store, index string, query any, count int) ([]byte, error) {
	src, err := t.v.Call("objectStore", store)
	if err != nil {
		return nil, withDOMName(err)
	}
	if index != "" {
		if src, err = src.Call("index", index); err != nil {
			return nil, withDOMName(err)
		}
	}
	var args []any
	switch {
	case query != nil && count > 0:
		args = []any{query, count}
	case query != nil:
		args = []any{query}
	case count > 0:
		args = []any{nil, count}
	}
	req, err := src.Call("getAll", args...)
	if err != nil {
		return nil, withDOMName(err)
	}
	vals, err := awaitRaw(ctx, req)
	if err != nil {
		return nil, err
	}
	return stringify(safejs.Unsafe(vals))
}

// awaitRaw waits for a raw IDBRequest and returns its result. When ctx
// ends first it returns ctx's error; the request's outcome is then
// dropped.
func awaitRaw(ctx context.Context, req safejs.Value) (safejs.Value, error) {
	l, err := listenRaw(req)
	if err != nil {
		return safejs.Value{}, err
	}
	return l.wait(ctx)
}

// rawListener waits for one raw request; see listenRaw.
type rawListener struct {
	req          safejs.Value
	done         chan bool
	onOK, onFail js.Func
}

// listenRaw sets the handlers of a raw IDBRequest, so that requests made
// together all have theirs before Go yields to JS and none is missed.
// Call wait once.
func listenRaw(req safejs.Value) (*rawListener, error) {
	l := &rawListener{req: req, done: make(chan bool, 1)}
	handler := func(ok bool) js.Func {
		return js.FuncOf(func(js.Value, []js.Value) any {
			l.done <- ok // buffered: the request fires one of the two, once
			return nil
		})
	}
	l.onOK, l.onFail = handler(true), handler(false)
	err := req.Set("onsuccess", safejs.Safe(l.onOK.Value))
	if err == nil {
		err = req.Set("onerror", safejs.Safe(l.onFail.Value))
	}
	if err != nil {
		l.release()
		return nil, err
	}
	return l, nil
}

// wait waits for the request and returns its result, or ctx's error.
func (l *rawListener) wait(ctx context.Context) (safejs.Value, error) {
	defer l.release()
	select {
	case ok := <-l.done:
		if ok {
			return l.req.Get("result")
		}
		return safejs.Value{}, requestError(l.req)
	case <-ctx.Done():
		return safejs.Value{}, ctx.Err()
	}
}

// release detaches and frees the handlers.
func (l *rawListener) release() {
	_ = l.req.Set("onsuccess", nil) // the handlers are about to be released
	_ = l.req.Set("onerror", nil)
	l.onOK.Release()
	l.onFail.Release()
}

// requestError returns the error of a failed raw request, matching
// errors.Is(err, idb.NewDOMException(name)) as go-indexeddb's do.
func requestError(req safejs.Value) error {
	e, err := req.Get("error")
	if err != nil {
		return err
	}
	if e.IsNull() || e.IsUndefined() {
		return errors.New("request failed with no error")
	}
	name, _ := e.Get("name")
	msg, _ := e.Get("message")
	n, _ := name.String()
	m, _ := msg.String()
	if n == "" {
		return fmt.Errorf("request failed: %s", m)
	}
	return fmt.Errorf("%s: %w", m, idb.NewDOMException(n))
}

// readRecords reads with getAllJSON and decodes the records, with their
// resources read in the same transaction.
func (t rawTxn) readRecords(ctx context.Context, index string, query any, count int) ([]cache.Record, error) {
	text, err := t.getAllJSON(ctx, spansStore, index, query, count)
	if err != nil {
		return nil, fmt.Errorf("read spans: %w", err)
	}
	recs, ids, err := cache.DecodeRecords(text)
	if err != nil {
		return nil, err
	}
	resources, err := t.resources(ctx, cache.ResourceIDs(ids))
	if err != nil {
		return nil, err
	}
	if err := cache.AttachResources(recs, ids, resources); err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, nil
	}
	return recs, nil
}

// resources reads the resources with these ids, all requested before the
// first answer is awaited; missing ones are left out.
func (t rawTxn) resources(ctx context.Context, ids []string) (map[string]*span.Resource, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	store, err := t.v.Call("objectStore", resourcesStore)
	if err != nil {
		return nil, withDOMName(err)
	}
	ls := make([]*rawListener, len(ids))
	defer func() {
		for _, l := range ls {
			if l != nil {
				l.release() // those not waited for
			}
		}
	}()
	for i, id := range ids {
		req, err := store.Call("get", id)
		if err != nil {
			return nil, fmt.Errorf("get resource %q: %w", id, withDOMName(err))
		}
		if ls[i], err = listenRaw(req); err != nil {
			return nil, err
		}
	}
	out := make(map[string]*span.Resource, len(ids))
	for i, id := range ids {
		l := ls[i]
		ls[i] = nil
		v, err := l.wait(ctx)
		if err != nil {
			return nil, fmt.Errorf("get resource %q: %w", id, err)
		}
		if v.IsUndefined() {
			continue
		}
		text, err := stringify(safejs.Unsafe(v))
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

// traceRange is the key range of the "traceStart" index that holds the
// records of traceID: [traceID, -Infinity] to [traceID, Infinity].
func traceRange(traceID string) (safejs.Value, error) {
	kr, err := safejs.Global().Get("IDBKeyRange")
	if err != nil {
		return safejs.Value{}, err
	}
	inf := math.Inf(1)
	return kr.Call("bound", []any{traceID, -inf}, []any{traceID, inf})
}
