//go:build js && wasm

package idb

import (
	"context"
	"syscall/js"

	"github.com/hack-pad/safejs"

	"github.com/spanfall/spanfall/cache"
)

// OpenIn opens the store name in the IndexedDB factory f, such as a
// storage bucket's, for tests.
func OpenIn(ctx context.Context, f js.Value, name string, opts ...cache.Option) (*Store, error) {
	return openIn(ctx, safejs.Safe(f), name, cache.NewConfig(opts...))
}

// SetPutFault makes every Put transaction of s fail with the error fault
// returns, if not nil, just before it commits.
func SetPutFault(s *Store, fault func() error) { s.putFault = fault }

// SetMarkFault makes MarkExported transactions fail with fault's error.
func SetMarkFault(s *Store, fault func() error) { s.markFault = fault }
