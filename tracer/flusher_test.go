package tracer_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/span"
)

// fakeExporter records every call and fails the calls listed in fail.
type fakeExporter struct {
	mu       sync.Mutex
	calls    [][]span.Span
	fail     map[int]error // call index (0-based) → error
	rejected int64
}

func (f *fakeExporter) Export(_ context.Context, spans []span.Span) (tracer.ExportResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := len(f.calls)
	f.calls = append(f.calls, spans)
	if err := f.fail[i]; err != nil {
		return tracer.ExportResult{}, err
	}
	return tracer.ExportResult{RejectedSpans: f.rejected}, nil
}

func putSpans(t *testing.T, store cache.Store, n int) {
	t.Helper()
	spans := make([]span.Span, n)
	for i := range spans {
		spans[i] = span.Span{
			TraceID:           fmt.Sprintf("%032x", i/10+1),
			SpanID:            fmt.Sprintf("%016x", i+1),
			Name:              fmt.Sprintf("s%d", i),
			StartTimeUnixNano: uint64(1000 + i),
			EndTimeUnixNano:   uint64(2000 + i),
		}
	}
	if err := store.Put(t.Context(), spans); err != nil {
		t.Fatal(err)
	}
}

func TestFlusher(t *testing.T) {
	offline := errors.New("fetch failed")
	tests := []struct {
		name         string
		spans, batch int
		fail         map[int]error
		wantCalls    []int // batch sizes sent
		wantExported int
		wantPending  int
		wantErr      error
	}{
		{name: "nothing pending", spans: 0, batch: 10, wantCalls: nil},
		{name: "one partial batch", spans: 7, batch: 10, wantCalls: []int{7}, wantExported: 7},
		{name: "exact batches then an empty read", spans: 20, batch: 10, wantCalls: []int{10, 10}, wantExported: 20},
		{name: "several batches", spans: 25, batch: 10, wantCalls: []int{10, 10, 5}, wantExported: 25},
		{name: "failure keeps the rest", spans: 25, batch: 10, fail: map[int]error{1: offline},
			wantCalls: []int{10, 10}, wantExported: 10, wantPending: 15, wantErr: offline},
		{name: "first request fails", spans: 5, batch: 10, fail: map[int]error{0: offline},
			wantCalls: []int{5}, wantExported: 0, wantPending: 5, wantErr: offline},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := cache.NewMemory()
			putSpans(t, store, tt.spans)
			exp := &fakeExporter{fail: tt.fail}
			f := tracer.NewFlusher(store, exp, tracer.WithBatchSize(tt.batch), tracer.WithBackoff(0, 0))
			res, err := f.Flush(t.Context())
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "export") {
				t.Errorf("error %q does not name the step", err)
			}
			var sizes []int
			for _, c := range exp.calls {
				sizes = append(sizes, len(c))
			}
			if fmt.Sprint(sizes) != fmt.Sprint(tt.wantCalls) {
				t.Errorf("batches sent %v, want %v", sizes, tt.wantCalls)
			}
			if res.Exported != tt.wantExported || res.Pending != tt.wantPending || res.Requests != len(tt.wantCalls) {
				t.Errorf("result %+v, want exported %d pending %d requests %d", res, tt.wantExported, tt.wantPending, len(tt.wantCalls))
			}
			st, _ := store.Stats(t.Context())
			if st.Pending != tt.wantPending || st.Exported != tt.wantExported {
				t.Errorf("store %+v", st)
			}
			if tt.wantErr != nil {
				if s := f.Status(); !strings.Contains(s.LastError, tt.wantErr.Error()) {
					t.Errorf("status LastError %q", s.LastError)
				}
				// The next flush sends what the failed one kept, oldest first.
				exp.fail = nil
				before := len(exp.calls)
				res, err := f.Flush(t.Context())
				if err != nil || res.Pending != 0 || res.Exported != tt.wantPending {
					t.Fatalf("retry flush = %+v, %v", res, err)
				}
				if first := exp.calls[before][0].Name; first != fmt.Sprintf("s%d", tt.wantExported) {
					t.Errorf("retry starts at %s", first)
				}
			}
		})
	}
}

func TestFlusherCountsRejected(t *testing.T) {
	store := cache.NewMemory()
	putSpans(t, store, 30)
	exp := &fakeExporter{rejected: 2}
	f := tracer.NewFlusher(store, exp, tracer.WithBatchSize(10))
	res, err := f.Flush(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if res.Rejected != 6 || f.Status().Rejected != 6 {
		t.Fatalf("rejected %d / status %d, want 6", res.Rejected, f.Status().Rejected)
	}
}

// TestFlusherConcurrentSafe: flushes running at once never send a span twice.
func TestFlusherConcurrentSafe(t *testing.T) {
	store := cache.NewMemory()
	putSpans(t, store, 500)
	exp := &fakeExporter{}
	f := tracer.NewFlusher(store, exp, tracer.WithBatchSize(7))
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.Flush(t.Context()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	seen := map[string]int{}
	for _, c := range exp.calls {
		for _, s := range c {
			seen[s.SpanID]++
		}
	}
	if len(seen) != 500 {
		t.Fatalf("%d distinct spans sent, want 500", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("span %s sent %d times", id, n)
		}
	}
}
