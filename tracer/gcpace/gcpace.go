// Package gcpace gives the Go garbage collector a minimum of headroom: it
// sets GOGC so that a cycle starts no sooner than after a given number of
// bytes allocated above the live heap, and never later than Go's default
// (GOGC=100) would.
//
// A Go wasm app in the browser has a small live heap (under 1 MiB after a
// collection in the Spanfall app), so with the default GOGC=100 the
// collector runs every 4 MiB allocated (its heap minimum). In js/wasm it
// runs on the page's one thread, a cycle of the app costs about 5 ms
// whatever the small live heap, and allocations made while it marks pay
// assists and write barriers. A span allocates about 0.9 KB (0.4 KB of it
// the caller's own trace.WithAttributes), so the collector ran every
// ~4,000 spans. Measured in the app (docs/benchmarks.md, medians of 4
// interleaved runs), a span into a dropping processor cost 2.13 µs at
// GOGC=100, 1.48 µs with 16 MiB of headroom and 1.15 µs with 40 MiB; with
// the real pipeline, on the page's thread, 2.87 µs against 1.35 µs
// (16 MiB).
//
// Headroom is the trade: up to that many more bytes of heap, and of wasm
// linear memory, which never shrinks. For a big live heap (the viewer
// holding a large trace) the percentage falls back to 100, so the
// overhead stays bounded by the headroom.
package gcpace

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Bounds of the percentage [Percent] returns.
const (
	MinPercent = 100 // Go's default: never collect more often than it would
	MaxPercent = 1000
)

// heapMinimum is the Go collector's smallest heap goal at GOGC=100 (4 MiB,
// runtime.heapMinimum), which scales with GOGC.
const heapMinimum = 4 << 20

// Percent returns the GOGC that lets the heap grow by about headroom bytes
// above a live heap of live bytes before the next cycle, within
// [MinPercent, MaxPercent]. Below 4 MiB live, the collector's heap
// minimum (4 MiB × GOGC/100) sets the goal, so the heap grows to about
// headroom.
func Percent(live, headroom uint64) int {
	p := headroom * 100 / max(live, heapMinimum)
	switch {
	case p < MinPercent:
		return MinPercent
	case p > MaxPercent:
		return MaxPercent
	}
	return int(p)
}

// liveHeap reads the live heap of the last cycle ("/gc/heap/live:bytes").
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// Apply sets GOGC for headroom from the live heap now and returns the
// percentage set.
func Apply(headroom uint64) int {
	p := Percent(liveHeap(), headroom)
	debug.SetGCPercent(p)
	return p
}

// Run applies headroom now and again every interval until ctx is done,
// then restores the GOGC it found.
func Run(ctx context.Context, headroom uint64, interval time.Duration) {
	old := debug.SetGCPercent(Percent(liveHeap(), headroom))
	defer debug.SetGCPercent(old)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			Apply(headroom)
		}
	}
}
