//go:build !(js && wasm)

package viewer

import (
	"context"

	"github.com/spanfall/spanfall/cache"
)

// openImported opens the imported store: in memory off the browser.
func openImported(context.Context) (cache.Store, error) {
	return cache.NewMemory(cache.WithLimits(ImportedLimits)), nil
}
