package cache_test

import (
	"testing"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/cache/cachetest"
)

func TestMemory(t *testing.T) {
	cachetest.Run(t, func(_ *testing.T, opts ...cache.Option) cache.Store { return cache.NewMemory(opts...) })
}

func TestMemoryKind(t *testing.T) {
	if got := cache.NewMemory().Kind(); got != "memory" {
		t.Errorf("Kind() = %q, want memory", got)
	}
}
