package gcpace

import (
	"context"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestPercent(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		live, headroom uint64
		want           int
	}{
		{0, 16 * mib, 400}, // the heap minimum, 4 MiB at 100 %, sets the goal
		{1 * mib, 16 * mib, 400},
		{1 * mib, 32 * mib, 800},
		{1 * mib, 64 * mib, MaxPercent}, // 1600 % capped
		{4 * mib, 16 * mib, 400},
		{8 * mib, 16 * mib, 200},
		{16 * mib, 16 * mib, 100},
		{200 * mib, 16 * mib, MinPercent}, // a big heap: Go's default
		{4 * mib, 0, MinPercent},
	} {
		if got := Percent(c.live, c.headroom); got != c.want {
			t.Errorf("Percent(%d MiB, %d MiB) = %d, want %d", c.live/mib, c.headroom/mib, got, c.want)
		}
	}
}

// TestRunSetsAndRestores: Run sets GOGC from the live heap it reads and
// gives the old value back when its context ends.
func TestRunSetsAndRestores(t *testing.T) {
	old := debug.SetGCPercent(123)
	defer debug.SetGCPercent(old)
	runtime.GC() // a live heap to read
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { Run(ctx, 1<<40, time.Millisecond); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		p := debug.SetGCPercent(MaxPercent) // read (and keep) the current value
		if p == MaxPercent {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GOGC is %d, want %d (huge headroom)", p, MaxPercent)
		}
		debug.SetGCPercent(p)
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	if p := debug.SetGCPercent(old); p != 123 {
		t.Errorf("after Run: GOGC %d, want the 123 it found", p)
	}
}
