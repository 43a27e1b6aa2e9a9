//go:build js && wasm

package idb

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"

	"github.com/hack-pad/go-indexeddb/idb"
	"github.com/hack-pad/safejs"

	"github.com/spanfall/spanfall/cache"
)

// ErrUnavailable is wrapped by the error of [Open] and [Delete] when the
// global indexedDB is missing (some workers, old browsers); callers fall
// back to cache.Memory. IndexedDB can also exist and still refuse to open,
// as in some private modes: any Open error calls for the fallback.
var ErrUnavailable = errors.New("cache/idb: indexedDB is not available")

// schemaVersion is the IndexedDB version of the schema that upgrade
// creates. Version 2 added the "class" index and the "meta" and
// "errorTraces" stores, version 3 the "traceStart" index; see the package
// doc.
const schemaVersion = 3

// Names of the object stores and indexes.
const (
	spansStore       = "spans"
	resourcesStore   = "resources"
	metaStore        = "meta"
	errorTracesStore = "errorTraces"
	exportedIndex    = "exported"
	traceIndex       = "traceId"
	classIndex       = "class"
	// traceStartIndex orders the records of a trace by start time, then
	// Seq: key [traceId, start].
	traceStartIndex = "traceStart"
)

// Open opens, creating or upgrading it when needed, the IndexedDB database
// name and returns the store in it. Options set the caps
// ([cache.WithLimits], default [cache.DefaultLimits]) and the clock
// ([cache.WithClock]). A database of schema version 1 is upgraded in place,
// its records classed, sized and stamped as stored now. When ctx is done
// first, Open returns its error and closes the connection should it open
// later.
func Open(ctx context.Context, name string, opts ...cache.Option) (*Store, error) {
	f, err := factory()
	if err != nil {
		return nil, fmt.Errorf("cache/idb: open %q: %w", name, withDOMName(err))
	}
	return openIn(ctx, f, name, cache.NewConfig(opts...))
}

// openIn opens the store name in the IndexedDB factory f (the global one,
// or a storage bucket's in tests).
func openIn(ctx context.Context, f safejs.Value, name string, cfg cache.Config) (*Store, error) {
	db, raw, err := openDB(ctx, f, name)
	if err != nil {
		return nil, fmt.Errorf("cache/idb: open %q: %w", name, withDOMName(err))
	}
	s := &Store{db: db, raw: raw, name: name, cfg: cfg}
	if err := s.ensureMeta(ctx); err != nil {
		_ = db.Close() // the store is unusable; err says why
		return nil, err
	}
	return s, nil
}

// openDB opens the database name in f at schemaVersion, upgrading it. It
// also returns the connection's own IDBDatabase, for the reads that
// go-indexeddb v0.3.2 has no method for (getAll of values).
func openDB(ctx context.Context, f safejs.Value, name string) (_ *idb.Database, raw safejs.Value, err error) {
	// go-indexeddb hands the upgrader the database but not the
	// versionchange transaction, which creating an index on an existing
	// store needs: a shim factory keeps the raw open request, whose
	// "transaction" it is.
	shim, err := newShimFactory(f)
	if err != nil {
		return nil, safejs.Value{}, err
	}
	defer shim.release()
	lib, err := idb.WrapFactory(safejs.Unsafe(shim.value))
	if err != nil {
		return nil, safejs.Value{}, err
	}
	// The library panics when the upgrader fails, so the upgrader records
	// its error and closes the connection instead, which aborts the
	// upgrade and fails the open request.
	// The upgrade listener must outlive ctx: a database created without
	// its schema would stay broken at this version.
	var upgradeErr error
	req, err := shim.open(func() (*idb.OpenDBRequest, error) {
		return lib.Open(context.WithoutCancel(ctx), name, schemaVersion, func(db *idb.Database, oldVersion, _ uint) error {
			if err := upgrade(db, shim.versionChange, oldVersion); err != nil {
				upgradeErr = err
				_ = db.Close() // fails only if already closed; the open request fails either way
			}
			return nil
		})
	})
	if err != nil {
		return nil, safejs.Value{}, err
	}
	db, err := awaitOpen(ctx, req)
	if err != nil {
		if upgradeErr != nil {
			err = fmt.Errorf("upgrade to schema %d: %w", schemaVersion, upgradeErr)
		}
		return nil, safejs.Value{}, err
	}
	raw, err = shim.req.Get("result")
	if err != nil {
		_ = db.Close() // unusable without its raw form; err says why
		return nil, safejs.Value{}, err
	}
	return db, raw, nil
}

// awaitOpen waits for the open request until ctx is done; a connection that
// opens after that is closed.
func awaitOpen(ctx context.Context, req *idb.OpenDBRequest) (*idb.Database, error) {
	type opened struct {
		db  *idb.Database
		err error
	}
	done := make(chan opened, 1)
	go func() {
		// An open request always ends, in success or error, unless another
		// connection blocks the upgrade; it then waits for that one.
		db, err := req.Await(context.WithoutCancel(ctx))
		done <- opened{db, err}
	}()
	select {
	case o := <-done:
		return o.db, o.err
	case <-ctx.Done():
		go func() {
			if o := <-done; o.err == nil {
				_ = o.db.Close() // nobody holds this connection
			}
		}()
		return nil, ctx.Err()
	}
}

// upgrade creates the schema in db, which is at oldVersion; versionChange
// returns the upgrade's transaction. The records of a version 1 database
// are migrated later, by ensureMeta, with requests the upgrade callback
// could not wait for.
func upgrade(db *idb.Database, versionChange func() (safejs.Value, error), oldVersion uint) error {
	if oldVersion < 1 {
		spans, err := db.CreateObjectStore(spansStore, idb.ObjectStoreOptions{
			KeyPath:       js.ValueOf("seq"),
			AutoIncrement: true,
		})
		if err != nil {
			return fmt.Errorf("create %s store: %w", spansStore, err)
		}
		for _, name := range []string{exportedIndex, traceIndex} {
			if _, err := spans.CreateIndex(name, js.ValueOf(name), idb.IndexOptions{}); err != nil {
				return fmt.Errorf("create %s index: %w", name, err)
			}
		}
		if _, err := db.CreateObjectStore(resourcesStore, idb.ObjectStoreOptions{KeyPath: js.ValueOf("id")}); err != nil {
			return fmt.Errorf("create %s store: %w", resourcesStore, err)
		}
	}
	if oldVersion < 2 {
		txn, err := versionChange()
		if err != nil {
			return fmt.Errorf("get the upgrade transaction: %w", err)
		}
		spans, err := txn.Call("objectStore", spansStore)
		if err != nil {
			return fmt.Errorf("open %s store: %w", spansStore, withDOMName(err))
		}
		if _, err := spans.Call("createIndex", classIndex, classIndex); err != nil {
			return fmt.Errorf("create %s index: %w", classIndex, withDOMName(err))
		}
		if _, err := db.CreateObjectStore(metaStore, idb.ObjectStoreOptions{}); err != nil {
			return fmt.Errorf("create %s store: %w", metaStore, err)
		}
		if _, err := db.CreateObjectStore(errorTracesStore, idb.ObjectStoreOptions{KeyPath: js.ValueOf("traceId")}); err != nil {
			return fmt.Errorf("create %s store: %w", errorTracesStore, err)
		}
	}
	if oldVersion < 3 {
		// The records keep their shape: the browser indexes the stored
		// ones, by their traceId and start fields, as it creates the
		// index.
		txn, err := versionChange()
		if err != nil {
			return fmt.Errorf("get the upgrade transaction: %w", err)
		}
		spans, err := txn.Call("objectStore", spansStore)
		if err != nil {
			return fmt.Errorf("open %s store: %w", spansStore, withDOMName(err))
		}
		if _, err := spans.Call("createIndex", traceStartIndex, []any{"traceId", "start"}); err != nil {
			return fmt.Errorf("create %s index: %w", traceStartIndex, withDOMName(err))
		}
	}
	return nil
}

// Delete deletes the IndexedDB database name; open connections to it are
// closed first (the library closes a connection on "versionchange"). Tests
// use it to drop their databases.
func Delete(ctx context.Context, name string) error {
	v, err := factory()
	if err != nil {
		return fmt.Errorf("cache/idb: delete %q: %w", name, withDOMName(err))
	}
	f, err := idb.WrapFactory(safejs.Unsafe(v))
	if err != nil {
		return fmt.Errorf("cache/idb: delete %q: %w", name, withDOMName(err))
	}
	req, err := f.DeleteDatabase(name)
	if err != nil {
		return fmt.Errorf("cache/idb: delete %q: %w", name, withDOMName(err))
	}
	if err := req.Await(ctx); err != nil {
		return fmt.Errorf("cache/idb: delete %q: %w", name, withDOMName(err))
	}
	return nil
}

// factory returns the global IndexedDB factory. Unlike idb.Global it does
// not panic when there is none.
func factory() (safejs.Value, error) {
	v, err := safejs.Global().Get("indexedDB")
	if err != nil {
		return safejs.Value{}, err
	}
	if ok, err := v.Truthy(); err != nil || !ok {
		return safejs.Value{}, ErrUnavailable
	}
	return v, nil
}
