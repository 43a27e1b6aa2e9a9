//go:build js && wasm

package browser_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/browser"
	"github.com/spanfall/spanfall/tracer/otlp"
	"github.com/spanfall/spanfall/tracer/span"
)

func TestWebLocksAreExclusive(t *testing.T) {
	l := browser.NewWebLocks("spanfall-test-" + t.Name())
	if !l.Available() {
		t.Fatal("navigator.locks missing in Chromium")
	}
	ctx := t.Context()
	inside := make(chan struct{})
	release := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		ran, err := l.Do(ctx, true, func(context.Context) {
			close(inside)
			<-release
		})
		if !ran || err != nil {
			t.Errorf("first holder: ran %v err %v", ran, err)
		}
	}()
	<-inside
	ran, err := l.Do(ctx, false, func(context.Context) { t.Error("ran while the lock was held") })
	if ran || err != nil {
		t.Fatalf("ifAvailable while held: ran %v err %v", ran, err)
	}
	wctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if ran, err := l.Do(wctx, true, func(context.Context) { t.Error("ran while held") }); ran || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting past the deadline: ran %v err %v", ran, err)
	}
	close(release)
	wg.Wait()
	if ran, err := l.Do(ctx, false, func(context.Context) {}); !ran || err != nil {
		t.Fatalf("after release: ran %v err %v", ran, err)
	}
}

func TestLocalStateRoundTrip(t *testing.T) {
	ctx := t.Context()
	key := "spanfall-test-" + t.Name()
	a := browser.NewLocalState(key)
	want := tracer.FlushState{NotBefore: time.Unix(1_800_000_000, 5).UTC(), Attempt: 2, ServerBackoff: true, Rejected: 7, Retries: 3}
	if err := a.Save(ctx, want); err != nil {
		t.Fatal(err)
	}
	// Another instance (another tab, or after a reload) sees it.
	got, err := browser.NewLocalState(key).Load(ctx)
	if err != nil || !got.NotBefore.Equal(want.NotBefore) || got.Attempt != 2 || !got.ServerBackoff || got.Rejected != 7 {
		t.Fatalf("Load = %+v, %v; want %+v", got, err, want)
	}
	if a.Err() != nil {
		t.Fatalf("localStorage reported unusable: %v", a.Err())
	}
}

func TestKeepaliveExporterRefusesOverBudgetUnsent(t *testing.T) {
	k := &browser.KeepaliveExporter{URL: "http://127.0.0.1:9/v1/traces", Encoder: otlp.NewExporter(""), Budget: 10}
	s := span.Span{TraceID: "0123456789abcdef0123456789abcdef", SpanID: "0123456789abcdef", Name: "x", StartTimeUnixNano: 1, EndTimeUnixNano: 2}
	_, err := k.Export(t.Context(), []span.Span{s})
	var tl *tracer.BodyTooLargeError
	if !errors.As(err, &tl) || tl.Limit != 10 || tl.Size <= 10 {
		t.Fatalf("err = %v, want BodyTooLargeError", err)
	}
	k.Budget = 0 // default budget: the body fits, the post fails (nothing listens on port 9)
	_, err = k.Export(t.Context(), []span.Span{s})
	if err == nil || errors.As(err, &tl) {
		t.Fatalf("err = %v, want a transport failure", err)
	}
}
