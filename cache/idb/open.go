//go:build js && wasm

package idb

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"

	"github.com/hack-pad/go-indexeddb/idb"
	"github.com/hack-pad/safejs"
)

// ErrUnavailable is wrapped by the error of [Open] and [Delete] when the
// global indexedDB is missing (some workers, old browsers); callers fall
// back to cache.Memory. IndexedDB can also exist and still refuse to open,
// as in some private modes: any Open error calls for the fallback.
var ErrUnavailable = errors.New("cache/idb: indexedDB is not available")

// schemaVersion is the IndexedDB version of the schema that upgrade
// creates.
const schemaVersion = 1

// Names of the object stores and indexes.
const (
	spansStore     = "spans"
	resourcesStore = "resources"
	exportedIndex  = "exported"
	traceIndex     = "traceId"
)

// Open opens, creating or upgrading it when needed, the IndexedDB database
// name and returns the store in it. When ctx is done first, Open returns
// its error and closes the connection should it open later.
func Open(ctx context.Context, name string) (*Store, error) {
	f, err := factory()
	if err != nil {
		return nil, fmt.Errorf("cache/idb: open %q: %w", name, withDOMName(err))
	}
	// The library panics when the upgrader fails, so the upgrader records
	// its error and closes the connection instead, which aborts the
	// upgrade and fails the open request.
	// The upgrade listener must outlive ctx: a database created without
	// its schema would stay broken at this version.
	var upgradeErr error
	req, err := f.Open(context.WithoutCancel(ctx), name, schemaVersion, func(db *idb.Database, oldVersion, _ uint) error {
		if err := upgrade(db, oldVersion); err != nil {
			upgradeErr = err
			_ = db.Close() // fails only if already closed; the open request fails either way
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cache/idb: open %q: %w", name, withDOMName(err))
	}
	db, err := awaitOpen(ctx, req)
	if err != nil {
		if upgradeErr != nil {
			err = fmt.Errorf("upgrade to schema %d: %w", schemaVersion, upgradeErr)
		}
		return nil, fmt.Errorf("cache/idb: open %q: %w", name, withDOMName(err))
	}
	return &Store{db: db, name: name}, nil
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

// upgrade creates the schema in db, which is at oldVersion.
func upgrade(db *idb.Database, oldVersion uint) error {
	if oldVersion >= 1 {
		return nil
	}
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
	return nil
}

// Delete deletes the IndexedDB database name; open connections to it are
// closed first (the library closes a connection on "versionchange"). Tests
// use it to drop their databases.
func Delete(ctx context.Context, name string) error {
	f, err := factory()
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
func factory() (*idb.Factory, error) {
	v, err := safejs.Global().Get("indexedDB")
	if err != nil {
		return nil, err
	}
	if ok, err := v.Truthy(); err != nil || !ok {
		return nil, ErrUnavailable
	}
	return idb.WrapFactory(safejs.Unsafe(v))
}
