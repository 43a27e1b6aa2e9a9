package tracer_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/span"
)

// httpErr mimics otlp.HTTPError's contract with the flusher.
type httpErr struct {
	status int
	after  time.Duration
}

func (e httpErr) Error() string             { return "receiver answered " + http(e.status) }
func (e httpErr) Retryable() bool           { return e.status == 429 || e.status >= 500 }
func (e httpErr) RetryDelay() time.Duration { return e.after }
func (e httpErr) TooLarge() bool            { return e.status == 413 }

func http(code int) string {
	return map[int]string{400: "400", 413: "413", 429: "429", 503: "503"}[code]
}

// fakeClock is a settable clock.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newClock() *fakeClock { return &fakeClock{t: time.Unix(1_800_000_000, 0)} }

func halfJitter() float64 { return 0.5 } // factor exactly 1.0

func TestFlusherBackoffHonoursRetryAfterAcrossRestarts(t *testing.T) {
	ctx := t.Context()
	store := cache.NewMemory()
	putSpans(t, store, 5)
	clock := newClock()
	state := &tracer.MemoryState{}
	exp := &fakeExporter{fail: map[int]error{0: httpErr{503, 7 * time.Second}}}
	f := tracer.NewFlusher(store, exp, tracer.WithStateStore(state), tracer.WithClock(clock.now, halfJitter))

	res, err := f.Flush(ctx)
	if err == nil || res.Exported != 0 || res.Pending != 5 {
		t.Fatalf("first flush = %+v, %v; want a failure keeping 5", res, err)
	}
	if want := clock.t.Add(7 * time.Second); !res.NotBefore.Equal(want) {
		t.Fatalf("NotBefore = %v, want Retry-After's %v", res.NotBefore, want)
	}

	// A "reload": a new flusher on the same state must not send early.
	f2 := tracer.NewFlusher(store, exp, tracer.WithStateStore(state), tracer.WithClock(clock.now, halfJitter))
	clock.advance(6 * time.Second)
	if _, err := f2.Flush(ctx); !errors.Is(err, tracer.ErrBackoff) {
		t.Fatalf("flush during backoff = %v, want ErrBackoff", err)
	}
	if len(exp.calls) != 1 {
		t.Fatalf("%d requests, want none sent during the backoff", len(exp.calls))
	}
	clock.advance(time.Second)
	res, err = f2.Flush(ctx)
	if err != nil || res.Exported != 5 {
		t.Fatalf("flush after backoff = %+v, %v", res, err)
	}
	st := f2.Status()
	if st.Retries != 1 || st.Attempt != 0 || !st.NotBefore.IsZero() || st.Exported != 5 || st.Requests != 2 {
		t.Fatalf("state after recovery = %+v", st)
	}
}

func TestFlusherBackoffGrowsExponentially(t *testing.T) {
	ctx := t.Context()
	store := cache.NewMemory()
	putSpans(t, store, 1)
	clock := newClock()
	offline := errors.New("fetch failed")
	exp := &fakeExporter{fail: map[int]error{0: offline, 1: offline, 2: offline, 3: offline, 4: offline}}
	f := tracer.NewFlusher(store, exp, tracer.WithBackoff(time.Second, 5*time.Second), tracer.WithClock(clock.now, halfJitter))
	var got []time.Duration
	for range 5 {
		res, err := f.Flush(ctx)
		if err == nil || errors.Is(err, tracer.ErrBackoff) {
			t.Fatalf("flush = %v, want the export failure", err)
		}
		d := res.NotBefore.Sub(clock.t)
		got = append(got, d)
		clock.advance(d)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("delays %v, want %v", got, want)
		}
	}
}

func TestFlusherJitterStaysWithinBounds(t *testing.T) {
	for _, j := range []float64{0, 0.999} {
		store := cache.NewMemory()
		putSpans(t, store, 1)
		clock := newClock()
		exp := &fakeExporter{fail: map[int]error{0: errors.New("offline")}}
		f := tracer.NewFlusher(store, exp, tracer.WithBackoff(10*time.Second, time.Minute),
			tracer.WithClock(clock.now, func() float64 { return j }))
		res, _ := f.Flush(t.Context())
		d := res.NotBefore.Sub(clock.t)
		if d < 8*time.Second || d > 12*time.Second {
			t.Fatalf("jitter %v gave delay %v, want 10s ±20%%", j, d)
		}
	}
}

func TestFlusherRejectsPoisonBatchAndGoesOn(t *testing.T) {
	ctx := t.Context()
	store := cache.NewMemory()
	putSpans(t, store, 30)
	exp := &fakeExporter{fail: map[int]error{1: httpErr{400, 0}}}
	f := tracer.NewFlusher(store, exp, tracer.WithBatchSize(10))
	res, err := f.Flush(ctx)
	if err != nil {
		t.Fatalf("a permanent refusal must not fail the flush: %v", err)
	}
	if res.Exported != 20 || res.Rejected != 10 || res.Pending != 0 || len(exp.calls) != 3 {
		t.Fatalf("result %+v after %d requests; want 20 exported, 10 rejected", res, len(exp.calls))
	}
	if st := f.Status(); st.Rejected != 10 || !strings.Contains(st.LastError, "dropped 10 spans") {
		t.Fatalf("status %+v", st)
	}
	if rejected := exp.calls[1][0].Name; rejected != "s10" {
		t.Fatalf("rejected batch starts at %s", rejected)
	}
}

func TestFlusherSplitsTooLargeBatches(t *testing.T) {
	ctx := t.Context()
	store := cache.NewMemory()
	putSpans(t, store, 10)
	exp := &sizeLimitedExporter{max: 3}
	f := tracer.NewFlusher(store, exp, tracer.WithBatchSize(10))
	res, err := f.Flush(ctx)
	if err != nil || res.Exported != 10 || res.Rejected != 0 {
		t.Fatalf("flush = %+v, %v", res, err)
	}
	// 10 → 5+5 → (2+3)+(2+3): 1 + 2 + 4 attempts.
	if exp.attempts != 7 || exp.delivered != 10 {
		t.Fatalf("%d attempts, %d delivered; want 7 and 10", exp.attempts, exp.delivered)
	}
}

func TestFlusherRejectsASingleSpanTooLarge(t *testing.T) {
	store := cache.NewMemory()
	putSpans(t, store, 2)
	exp := &sizeLimitedExporter{max: 0}
	res, err := tracer.NewFlusher(store, exp).Flush(t.Context())
	if err != nil || res.Rejected != 2 || res.Pending != 0 {
		t.Fatalf("flush = %+v, %v; want both spans rejected, nothing stuck", res, err)
	}
}

// sizeLimitedExporter answers 413 to batches over max spans.
type sizeLimitedExporter struct {
	max                 int
	attempts, delivered int
}

func (e *sizeLimitedExporter) Export(_ context.Context, spans []span.Span) (tracer.ExportResult, error) {
	e.attempts++
	if len(spans) > e.max {
		return tracer.ExportResult{}, httpErr{413, 0}
	}
	e.delivered += len(spans)
	return tracer.ExportResult{}, nil
}

func TestFlusherTryFlushSkipsWhileLocked(t *testing.T) {
	ctx := t.Context()
	store := cache.NewMemory()
	putSpans(t, store, 3)
	exp := &fakeExporter{}
	lock := tracer.NewProcessLocker()
	f := tracer.NewFlusher(store, exp, tracer.WithLocker(lock))
	ran, err := lock.Do(ctx, true, func(ctx context.Context) {
		res, err := f.TryFlush(ctx)
		if err != nil || !res.Skipped {
			t.Errorf("TryFlush under another holder = %+v, %v; want Skipped", res, err)
		}
	})
	if !ran || err != nil {
		t.Fatal(ran, err)
	}
	if len(exp.calls) != 0 {
		t.Fatalf("%d requests sent while another holder flushed", len(exp.calls))
	}
	if res, err := f.TryFlush(ctx); err != nil || res.Exported != 3 {
		t.Fatalf("TryFlush with the lock free = %+v, %v", res, err)
	}
}

func TestFlusherFlushViaRespectsBudget(t *testing.T) {
	store := cache.NewMemory()
	putSpans(t, store, 25)
	exp := &fakeExporter{}
	f := tracer.NewFlusher(store, &fakeExporter{}, tracer.WithBatchSize(10))
	res, err := f.FlushVia(t.Context(), exp, 1)
	if err != nil || res.Exported != 10 || res.Pending != 15 || len(exp.calls) != 1 {
		t.Fatalf("FlushVia with a budget of 1 = %+v, %v after %d requests", res, err, len(exp.calls))
	}
}

func TestFlusherNotifyTriggersPastThreshold(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := cache.NewMemory()
		exp := &fakeExporter{}
		f := tracer.NewFlusher(store, exp, tracer.WithFlushThreshold(10))
		ctx, cancel := context.WithCancel(context.Background())
		putSpans(t, store, 1)
		done := make(chan struct{})
		go func() { f.Run(ctx, time.Hour); close(done) }()
		synctest.Wait()
		if len(exp.calls) != 1 {
			t.Fatalf("%d requests after start, want the start-up flush", len(exp.calls))
		}
		putSpans(t, store, 1)
		f.Notify(9)
		synctest.Wait()
		if len(exp.calls) != 1 {
			t.Fatalf("flushed below the threshold")
		}
		f.Notify(1)
		synctest.Wait()
		if len(exp.calls) != 2 {
			t.Fatalf("%d requests, want a flush once 10 spans were stored", len(exp.calls))
		}
		time.Sleep(time.Hour) // fake time: the interval flush
		synctest.Wait()
		if len(exp.calls) != 2 {
			t.Fatalf("interval flush with nothing pending sent a request")
		}
		if f.Status().LastFlush.IsZero() {
			t.Fatal("no flush recorded")
		}
		cancel()
		<-done
	})
}

func TestFlusherNetworkBackoff(t *testing.T) {
	tests := []struct {
		name             string
		fail             error
		explicitSends    bool // Flush during the backoff sends
		clearedByNetwork bool // NetworkBack ends the backoff
	}{
		{name: "network failure", fail: errors.New("fetch failed"), explicitSends: true, clearedByNetwork: true},
		{name: "receiver 503", fail: httpErr{503, 0}},
		{name: "receiver 429 Retry-After", fail: httpErr{429, time.Minute}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			mk := func() (*tracer.Flusher, *fakeExporter) {
				store := cache.NewMemory()
				putSpans(t, store, 1)
				exp := &fakeExporter{fail: map[int]error{0: tt.fail}}
				return tracer.NewFlusher(store, exp, tracer.WithClock(newClock().now, halfJitter)), exp
			}

			f, exp := mk()
			_, _ = f.TryFlush(ctx)
			if _, err := f.TryFlush(ctx); !errors.Is(err, tracer.ErrBackoff) || len(exp.calls) != 1 {
				t.Fatalf("background flush during backoff = %v after %d requests", err, len(exp.calls))
			}
			_, err := f.Flush(ctx)
			if sent := len(exp.calls) == 2; sent != tt.explicitSends || (sent && err != nil) {
				t.Fatalf("explicit flush during backoff: sent %v (%v), want %v", sent, err, tt.explicitSends)
			}

			f, exp = mk()
			_, _ = f.TryFlush(ctx)
			if err := f.NetworkBack(ctx); err != nil {
				t.Fatal(err)
			}
			_, _ = f.TryFlush(ctx)
			if cleared := len(exp.calls) == 2; cleared != tt.clearedByNetwork {
				t.Fatalf("after NetworkBack the background flush sent: %v, want %v", cleared, tt.clearedByNetwork)
			}
		})
	}
}

// budgetExporter refuses, unsent, bodies of more than max spans.
type budgetExporter struct {
	max  int
	sent [][]span.Span
}

func (e *budgetExporter) Export(_ context.Context, spans []span.Span) (tracer.ExportResult, error) {
	if len(spans) > e.max {
		return tracer.ExportResult{}, &tracer.BodyTooLargeError{Size: len(spans), Limit: e.max}
	}
	e.sent = append(e.sent, spans)
	return tracer.ExportResult{}, nil
}

func TestFlusherFlushViaSplitsToFitTheBudget(t *testing.T) {
	store := cache.NewMemory()
	putSpans(t, store, 100)
	exp := &budgetExporter{max: 30}
	f := tracer.NewFlusher(store, &fakeExporter{}, tracer.WithBatchSize(100))
	res, err := f.FlushVia(t.Context(), exp, 1)
	if err != nil {
		t.Fatal(err)
	}
	// 100 → 50 → 25 fits: one request, the rest stays pending for later.
	if len(exp.sent) != 1 || len(exp.sent[0]) != 25 || res.Exported != 25 || res.Requests != 1 || res.Pending != 75 {
		t.Fatalf("FlushVia = %+v with %d requests; want one request of 25 spans", res, len(exp.sent))
	}
}
