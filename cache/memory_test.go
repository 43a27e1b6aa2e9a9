package cache_test

import (
	"testing"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/cache/cachetest"
)

func TestMemory(t *testing.T) {
	cachetest.Run(t, func(t *testing.T) cache.Store { return cache.NewMemory() })
}

func TestMemoryKind(t *testing.T) {
	if got := cache.NewMemory().Kind(); got != "memory" {
		t.Errorf("Kind() = %q, want memory", got)
	}
}
