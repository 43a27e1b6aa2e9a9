package tracer_test

import (
	"context"
	"errors"
	"testing"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer"
)

// onFlushCall is one call of a WithOnFlush hook.
type onFlushCall struct {
	res tracer.FlushResult
	err error
}

func TestFlusherOnFlushSeesEveryOutcome(t *testing.T) {
	offline := errors.New("fetch failed")
	store := cache.NewMemory()
	putSpans(t, store, 5)
	exp := &fakeExporter{fail: map[int]error{0: offline}}
	var calls []onFlushCall
	f := tracer.NewFlusher(store, exp, tracer.WithBackoff(0, 0),
		tracer.WithOnFlush(func(res tracer.FlushResult, err error) { calls = append(calls, onFlushCall{res, err}) }))

	// A failed export: the hook sees the error and the spans left pending.
	if _, err := f.Flush(t.Context()); !errors.Is(err, offline) {
		t.Fatalf("first flush: err = %v, want %v", err, offline)
	}
	// A successful one: no error, nothing pending.
	if _, err := f.Flush(t.Context()); err != nil {
		t.Fatalf("second flush: %v", err)
	}
	// A flush skipped because another holder has the lock.
	lock := tracer.NewProcessLocker()
	g := tracer.NewFlusher(store, exp, tracer.WithLocker(lock),
		tracer.WithOnFlush(func(res tracer.FlushResult, err error) { calls = append(calls, onFlushCall{res, err}) }))
	held := make(chan struct{})
	release := make(chan struct{})
	go func() {
		_, _ = lock.Do(t.Context(), true, func(ctx2 context.Context) { close(held); <-release })
	}()
	<-held
	if res, err := g.TryFlush(t.Context()); err != nil || !res.Skipped {
		t.Fatalf("TryFlush while the lock is held: %+v, %v; want skipped", res, err)
	}
	close(release)

	if len(calls) != 3 {
		t.Fatalf("the hook ran %d times, want 3: %+v", len(calls), calls)
	}
	if !errors.Is(calls[0].err, offline) || calls[0].res.Pending != 5 || calls[0].res.Exported != 0 {
		t.Errorf("failed flush: hook got %+v, %v; want 5 pending and the export error", calls[0].res, calls[0].err)
	}
	if calls[1].err != nil || calls[1].res.Pending != 0 || calls[1].res.Exported != 5 {
		t.Errorf("successful flush: hook got %+v, %v; want 5 exported, none pending", calls[1].res, calls[1].err)
	}
	if calls[2].err != nil || !calls[2].res.Skipped {
		t.Errorf("skipped flush: hook got %+v, %v; want Skipped", calls[2].res, calls[2].err)
	}
}
