//go:build js && wasm

package idb

import (
	"errors"

	"github.com/hack-pad/go-indexeddb/idb"
	"github.com/hack-pad/safejs"
)

// shimFactory is a JS object with the open method of an IDBFactory: it
// calls the real factory's open and keeps the request, so that the
// upgrader can reach the request's versionchange transaction, which
// go-indexeddb v0.3.2 does not expose.
type shimFactory struct {
	real  safejs.Value
	value safejs.Value
	fn    safejs.Func
	// req is the request of the last open call, err what it threw.
	req safejs.Value
	err error
}

func newShimFactory(real safejs.Value) (*shimFactory, error) {
	s := &shimFactory{real: real}
	fn, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		a := make([]any, len(args))
		for i, v := range args {
			a[i] = v
		}
		req, err := s.real.Call("open", a...)
		if err != nil {
			s.err = withDOMName(err)
			return nil
		}
		s.req = req
		return req
	})
	if err != nil {
		return nil, err
	}
	s.fn = fn
	object, err := safejs.Global().Get("Object")
	if err == nil {
		s.value, err = object.New()
	}
	if err == nil {
		err = s.value.Set("open", fn.Value())
	}
	if err != nil {
		fn.Release()
		return nil, err
	}
	return s, nil
}

// open runs call, which opens a database through the shim with
// go-indexeddb. When the real open throws (as it does where storage is
// denied), the shim returns no request, go-indexeddb panics on it, and
// open recovers that panic and returns what open threw.
func (s *shimFactory) open(call func() (*idb.OpenDBRequest, error)) (req *idb.OpenDBRequest, err error) {
	defer func() {
		if s.err == nil {
			return // any panic is not ours: let it go on
		}
		_ = recover() // go-indexeddb's panic on the missing request
		req, err = nil, s.err
	}()
	return call()
}

// versionChange returns the versionchange transaction of the open request,
// during its upgradeneeded event.
func (s *shimFactory) versionChange() (safejs.Value, error) {
	if s.req.IsUndefined() {
		return safejs.Value{}, errors.New("no open request")
	}
	txn, err := s.req.Get("transaction")
	if err != nil {
		return safejs.Value{}, err
	}
	if txn.IsNull() || txn.IsUndefined() {
		return safejs.Value{}, errors.New("the open request has no transaction")
	}
	return txn, nil
}

// release frees the shim's Go function; the request it returned lives on.
func (s *shimFactory) release() { s.fn.Release() }
