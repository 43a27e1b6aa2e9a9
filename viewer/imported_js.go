//go:build js && wasm

package viewer

import (
	"context"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/cache/idb"
)

// openImported opens the imported store: the IndexedDB database
// [ImportedName], apart from the app's.
func openImported(ctx context.Context) (cache.Store, error) {
	return idb.Open(ctx, ImportedName, cache.WithLimits(ImportedLimits))
}
