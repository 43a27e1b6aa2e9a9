//go:build js && wasm

package idb

import (
	"context"
	"errors"
	"sync"
	"syscall/js"

	"github.com/hack-pad/go-indexeddb/idb"
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
