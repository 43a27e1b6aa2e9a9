//go:build js && wasm

package idb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"sync"
	"syscall/js"
	"unsafe"

	"github.com/hack-pad/go-indexeddb/idb"
	"github.com/hack-pad/safejs"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/internal/jsonenc"
)

// The write path of Put in a few crossings of syscall/js whatever the
// batch's size. Going through go-indexeddb, each record cost three JS calls
// (the array element, add, and the library's instanceof check) and each
// trace of the batch a read of its "errorTraces" entry awaited by a Go
// event listener of its own (a goroutine, two js.FuncOf and four
// add/removeEventListener calls). Here the batch's records, resources and
// trace ids arrive in JS as one JSON.parse, and JS's own Array.from and
// Array.prototype.map issue every request in one call each, with
// functions made from built-ins only (bound Reflect.apply and getters), so
// that nothing is evaluated: the app's Content-Security-Policy allows no
// eval. Requests in a transaction are served in order, so Put listens to
// the last read only, and collects the results of all the reads with one
// more Array.from and one JSON.stringify.

// builtins are Array.from, Array.of, Reflect.apply,
// Function.prototype.bind, resultOf(req), which returns req.result, and
// pop(a), which is a.pop().
type builtins struct{ from, of, apply, bind, resultOf, pop safejs.Value }

// jsBuiltins are the JS functions the write path calls, looked up once.
var jsBuiltins = sync.OnceValues(func() (b builtins, err error) {
	global := safejs.Global()
	array, err := global.Get("Array")
	if err != nil {
		return b, err
	}
	if b.from, err = array.Get("from"); err != nil {
		return b, err
	}
	if b.of, err = array.Get("of"); err != nil {
		return b, err
	}
	reflectObj, err := global.Get("Reflect")
	if err != nil {
		return b, err
	}
	if b.apply, err = reflectObj.Get("apply"); err != nil {
		return b, err
	}
	fn, err := global.Get("Function")
	if err != nil {
		return b, err
	}
	proto, err := fn.Get("prototype")
	if err != nil {
		return b, err
	}
	if b.bind, err = proto.Get("bind"); err != nil {
		return b, err
	}
	call, err := proto.Get("call")
	if err != nil {
		return b, err
	}
	// resultOf(req) is req.result: Function.prototype.call bound to the
	// getter of IDBRequest.prototype.result.
	object, err := global.Get("Object")
	if err != nil {
		return b, err
	}
	reqClass, err := global.Get("IDBRequest")
	if err != nil {
		return b, err
	}
	reqProto, err := reqClass.Get("prototype")
	if err != nil {
		return b, err
	}
	desc, err := object.Call("getOwnPropertyDescriptor", reqProto, "result")
	if err != nil {
		return b, err
	}
	getter, err := desc.Get("get")
	if err != nil {
		return b, err
	}
	if b.resultOf, err = b.bind.Call("call", call, getter); err != nil {
		return b, err
	}
	arrayProto, err := array.Get("prototype")
	if err != nil {
		return b, err
	}
	pop, err := arrayProto.Get("pop")
	if err != nil {
		return b, err
	}
	b.pop, err = b.bind.Call("call", call, pop)
	return b, err
})

// newArray returns a new JS array.
func newArray() (safejs.Value, error) {
	array, err := safejs.Global().Get("Array")
	if err != nil {
		return safejs.Value{}, err
	}
	return array.New()
}

// getEach reads the records with these Seqs from the raw object store in
// a few JS calls: the keys arrive as one JSON.parse, Array.from requests
// every get, Go listens to the last one only (a transaction serves its
// requests in order), and one more Array.from collects the results, into
// the JS array it returns (undefined for a missing key).
func getEach(ctx context.Context, store safejs.Value, seqs []uint64) (safejs.Value, error) {
	b, err := jsBuiltins()
	if err != nil {
		return safejs.Value{}, fmt.Errorf("JS built-ins: %w", err)
	}
	text := make([]byte, 0, 2+len(seqs)*8)
	text = append(text, '[')
	for i, seq := range seqs {
		if i > 0 {
			text = append(text, ',')
		}
		text = strconv.AppendUint(text, seq, 10)
	}
	keys, err := parseJSON(append(text, ']'))
	if err != nil {
		return safejs.Value{}, err
	}
	get, err := boundMethod(b, store, "get")
	if err != nil {
		return safejs.Value{}, err
	}
	reqs, err := b.from.Call("call", safejs.Null(), safejs.Safe(keys), get)
	if err != nil {
		return safejs.Value{}, withDOMName(err)
	}
	if len(seqs) > 0 {
		last, err := reqs.Index(len(seqs) - 1)
		if err != nil {
			return safejs.Value{}, err
		}
		if _, err := awaitRaw(ctx, last); err != nil {
			return safejs.Value{}, err
		}
	}
	return b.from.Call("call", safejs.Null(), reqs, b.resultOf)
}

// stringifyFields returns the JSON of the array vals with only the named
// fields of its objects (JSON.stringify's allowlist); undefined elements
// become null.
func stringifyFields(vals safejs.Value, fields ...string) ([]byte, error) {
	jsJSON, err := safejs.Global().Get("JSON")
	if err != nil {
		return nil, err
	}
	allow := make([]any, len(fields))
	for i, f := range fields {
		allow[i] = f
	}
	s, err := jsJSON.Call("stringify", vals, allow)
	if err != nil {
		return nil, fmt.Errorf("JSON.stringify: %w", err)
	}
	text, err := s.String()
	return []byte(text), err
}

// putEach puts every value of the JS array vals in the raw object store,
// in three JS calls: Array.from(vals, Array.of) makes the argument lists
// [v, i], popping the index off each leaves [v], and Reflect.apply bound
// to put calls put(v) with each.
func putEach(store, vals safejs.Value) error {
	if n, err := vals.Length(); err != nil || n == 0 {
		return err
	}
	b, err := jsBuiltins()
	if err != nil {
		return fmt.Errorf("JS built-ins: %w", err)
	}
	lists, err := b.from.Call("call", safejs.Null(), vals, b.of)
	if err != nil {
		return err
	}
	if _, err := lists.Call("forEach", b.pop); err != nil {
		return err
	}
	put, err := store.Get("put")
	if err != nil {
		return err
	}
	apply, err := b.bind.Call("call", b.apply, safejs.Null(), put, store)
	if err != nil {
		return err
	}
	if _, err := lists.Call("forEach", apply); err != nil {
		return withDOMName(err)
	}
	return nil
}

// rawTxnOf returns the IDBTransaction that txn wraps. go-indexeddb v0.3.2
// does not expose it, and the write path needs it to make its requests in
// bulk; the field is read by reflection and the error says so should a
// new version of the library rename it.
func rawTxnOf(txn *idb.Transaction) (safejs.Value, error) {
	f := reflect.ValueOf(txn).Elem().FieldByName("jsTransaction")
	if !f.IsValid() || f.Type() != reflect.TypeFor[safejs.Value]() {
		return safejs.Value{}, errors.New("go-indexeddb's Transaction has no jsTransaction field of type safejs.Value")
	}
	return *(*safejs.Value)(unsafe.Pointer(f.UnsafeAddr())), nil
}

// appendPayload appends the JSON that carries a batch into JS:
// {"records": [[record], …], "resources": [[resource], …], "traces": [id,
// …]}, each record and resource in an array of one, the argument list
// Reflect.apply passes to add and put. The records are written as
// json.Marshal writes a cache.StoredRecord (same fields, omitempty and all)
// without reflection and without checking the span's JSON again, which
// encoding made: json.Marshal costs as much as the rest of the write.
func appendPayload(b []byte, batch *cache.Batch) ([]byte, error) {
	b = append(b, `{"records":[`...)
	for i := range batch.Records {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendRecord(append(b, '['), &batch.Records[i])
		b = append(b, ']')
	}
	resources := make([][1]*cache.StoredResource, len(batch.Resources))
	for i := range batch.Resources {
		resources[i][0] = &batch.Resources[i]
	}
	traces := make([]string, len(batch.Traces))
	for i, t := range batch.Traces {
		traces[i] = t.TraceID
	}
	rest, err := json.Marshal(struct {
		Resources [][1]*cache.StoredResource `json:"resources"`
		Traces    []string                   `json:"traces"`
	}{resources, traces})
	if err != nil {
		return nil, err
	}
	b = append(b, "],"...)
	return append(b, rest[1:]...), nil // rest without its {
}

// appendRecord appends the JSON object of r.
func appendRecord(b []byte, r *cache.StoredRecord) []byte {
	b = append(b, '{')
	if r.Seq != 0 {
		b = append(b, `"seq":`...)
		b = strconv.AppendUint(b, r.Seq, 10)
		b = append(b, ',')
	}
	b = append(b, `"traceId":`...)
	b = jsonenc.AppendString(b, r.TraceID)
	b = append(b, `,"spanId":`...)
	b = jsonenc.AppendString(b, r.SpanID)
	b = append(b, `,"start":`...)
	b = strconv.AppendFloat(b, r.Start, 'g', -1, 64)
	b = append(b, `,"exported":`...)
	b = strconv.AppendInt(b, int64(r.Exported), 10)
	b = append(b, `,"class":`...)
	b = strconv.AppendInt(b, int64(r.Class), 10)
	b = append(b, `,"stored":`...)
	b = strconv.AppendInt(b, r.Stored, 10)
	if r.Size != 0 {
		b = append(b, `,"size":`...)
		b = strconv.AppendInt(b, r.Size, 10)
	}
	b = append(b, `,"resource":`...)
	b = jsonenc.AppendString(b, r.Resource)
	b = append(b, `,"scope":{"name":`...)
	b = jsonenc.AppendString(b, r.Scope.Name)
	if r.Scope.Version != "" {
		b = append(b, `,"version":`...)
		b = jsonenc.AppendString(b, r.Scope.Version)
	}
	b = append(b, `},"span":`...)
	if len(r.Span) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, r.Span...)
	}
	return append(b, '}')
}

// batchReads are the reads writeBatch requested: the batch's entries of the
// "errorTraces" store and the two meta records.
type batchReads struct {
	errorTraces safejs.Value // array of IDBRequest
	totals      safejs.Value
	evicted     safejs.Value
	traces      int
}

// writeBatch requests, in raw, the reads of the batch's error-trace
// entries and of the meta records, then the adds of the records and the
// puts of the resources, all without waiting: the transaction's outcome
// reports the errors of the writes.
func writeBatch(raw safejs.Value, batch *cache.Batch) (*batchReads, error) {
	b, err := jsBuiltins()
	if err != nil {
		return nil, fmt.Errorf("JS built-ins: %w", err)
	}
	n := 64
	for i := range batch.Records {
		n += len(batch.Records[i].Span) + 256
	}
	text, err := appendPayload(make([]byte, 0, n), batch)
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	parsed, err := parseJSON(text)
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	v := safejs.Safe(parsed)

	r := &batchReads{traces: len(batch.Traces)}
	errorTraces, err := objectStore(raw, errorTracesStore)
	if err != nil {
		return nil, err
	}
	traces, err := v.Get("traces")
	if err != nil {
		return nil, err
	}
	// get(id, index) ignores the index.
	get, err := boundMethod(b, errorTraces, "get")
	if err != nil {
		return nil, err
	}
	if r.errorTraces, err = b.from.Call("call", safejs.Null(), traces, get); err != nil {
		return nil, fmt.Errorf("read error traces: %w", withDOMName(err))
	}
	metas, err := objectStore(raw, metaStore)
	if err != nil {
		return nil, err
	}
	if r.totals, err = metas.Call("get", totalsKey); err != nil {
		return nil, fmt.Errorf("read meta %s: %w", totalsKey, withDOMName(err))
	}
	if r.evicted, err = metas.Call("get", evictedKey); err != nil {
		return nil, fmt.Errorf("read meta %s: %w", evictedKey, withDOMName(err))
	}
	if err := applyEach(b, raw, v, spansStore, "records", "add"); err != nil {
		return nil, fmt.Errorf("add spans: %w", err)
	}
	if err := applyEach(b, raw, v, resourcesStore, "resources", "put"); err != nil {
		return nil, fmt.Errorf("put resources: %w", err)
	}
	return r, nil
}

// objectStore returns the object store name of the raw transaction.
func objectStore(raw safejs.Value, name string) (safejs.Value, error) {
	store, err := raw.Call("objectStore", name)
	if err != nil {
		return safejs.Value{}, withDOMName(err)
	}
	return store, nil
}

// boundMethod returns store[method] bound to store.
func boundMethod(b builtins, store safejs.Value, method string) (safejs.Value, error) {
	fn, err := store.Get(method)
	if err != nil {
		return safejs.Value{}, err
	}
	return b.bind.Call("call", fn, store)
}

// applyEach calls the method of the object store name with each argument
// list of v[field], in one JS call: v[field].map(Reflect.apply.bind(null,
// store[method], store)); the extra arguments map passes to Reflect.apply
// are ignored.
func applyEach(b builtins, raw, v safejs.Value, name, field, method string) error {
	lists, err := v.Get(field)
	if err != nil {
		return err
	}
	if n, err := lists.Length(); err != nil || n == 0 {
		return err
	}
	store, err := objectStore(raw, name)
	if err != nil {
		return err
	}
	fn, err := store.Get(method)
	if err != nil {
		return err
	}
	apply, err := b.bind.Call("call", b.apply, safejs.Null(), fn, store)
	if err != nil {
		return err
	}
	if _, err := lists.Call("forEach", apply); err != nil {
		return withDOMName(err)
	}
	return nil
}

// wait waits for the reads and returns the span counts of the batch's
// error traces, in the order of its traces (nil for a trace that is not
// one), and the meta records for decodeMeta.
func (r *batchReads) wait(ctx context.Context) ([]*int, []js.Value, error) {
	// The evicted record was requested last: when it is read, so is
	// everything before it.
	evicted, err := awaitRaw(ctx, r.evicted)
	if err != nil {
		return nil, nil, err
	}
	totals, err := r.totals.Get("result")
	if err != nil {
		return nil, nil, err
	}
	loaded := make([]*int, r.traces)
	if r.traces > 0 {
		b, err := jsBuiltins()
		if err != nil {
			return nil, nil, err
		}
		vals, err := b.from.Call("call", safejs.Null(), r.errorTraces, b.resultOf)
		if err != nil {
			return nil, nil, err
		}
		text, err := stringify(safejs.Unsafe(vals))
		if err != nil {
			return nil, nil, err
		}
		// Undefined (no entry) becomes null in a JSON array.
		entries := make([]*struct {
			Spans int `json:"spans"`
		}, 0, r.traces)
		if err := json.Unmarshal(text, &entries); err != nil {
			return nil, nil, fmt.Errorf("decode error traces: %w", err)
		}
		if len(entries) != r.traces {
			return nil, nil, fmt.Errorf("read %d error traces for %d traces", len(entries), r.traces)
		}
		for i, e := range entries {
			if e != nil {
				loaded[i] = &e.Spans
			}
		}
	}
	return loaded, []js.Value{safejs.Unsafe(totals), safejs.Unsafe(evicted)}, nil
}

// applyLoaded records the error-trace entries read for the batch's traces
// (see batchReads.wait).
func (e *evictor) applyLoaded(traces []cache.BatchTrace, spans []*int) {
	for i, bt := range traces {
		t := e.trace(bt.TraceID)
		if t.loaded {
			continue
		}
		t.loaded = true
		if spans[i] != nil {
			t.error = true
			t.stored = *spans[i]
		}
	}
}
