package tracer

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

// Defaults of [Flusher].
const (
	DefaultBatchSize     = 512
	DefaultFlushInterval = 10 * time.Second
)

// FlushResult counts what one [Flusher.Flush] did.
type FlushResult struct {
	// Exported spans got a 2xx and are marked exported in the store.
	Exported int `json:"exported"`
	// Rejected counts spans the receiver reported in partialSuccess.
	Rejected int64 `json:"rejected"`
	// Requests is the number of export requests made.
	Requests int `json:"requests"`
	// Pending is how many spans the store still holds unexported.
	Pending int `json:"pending"`
}

// FlushStatus is the flusher's running record, for status displays.
type FlushStatus struct {
	Exported  int64     `json:"exported"`
	Rejected  int64     `json:"rejected"`
	Requests  int64     `json:"requests"`
	LastFlush time.Time `json:"lastFlush,omitzero"`
	LastError string    `json:"lastError,omitempty"`
}

// Flusher moves pending spans from a store to an exporter: it reads them in
// batches, exports each batch and marks it exported only after the exporter
// returned nil. On any error it stops and keeps the rest for next time.
//
// Flush calls are serialised: a call made while another runs waits for it
// and then flushes what is pending by then, so nothing persisted before a
// call is left behind by it.
type Flusher struct {
	store     cache.Store
	exporter  Exporter
	batchSize int

	run sync.Mutex // one flush at a time

	mu     sync.Mutex
	status FlushStatus
	wake   chan struct{}
}

// NewFlusher returns a flusher from store to exporter that exports at most
// batchSize spans per request (DefaultBatchSize when batchSize <= 0).
func NewFlusher(store cache.Store, exporter Exporter, batchSize int) *Flusher {
	if batchSize <= 0 {
		batchSize = DefaultBatchSize
	}
	return &Flusher{store: store, exporter: exporter, batchSize: batchSize, wake: make(chan struct{}, 1)}
}

// Flush exports everything pending, batch by batch, until the store has
// none left or a step fails. The error names the step; spans not yet
// acknowledged stay pending.
func (f *Flusher) Flush(ctx context.Context) (FlushResult, error) {
	f.run.Lock()
	defer f.run.Unlock()
	var res FlushResult
	err := f.flush(ctx, &res)
	if st, serr := f.store.Stats(ctx); serr == nil {
		res.Pending = st.Pending
	}
	f.mu.Lock()
	f.status.Exported += int64(res.Exported)
	f.status.Rejected += res.Rejected
	f.status.Requests += int64(res.Requests)
	f.status.LastFlush = time.Now()
	f.status.LastError = ""
	if err != nil {
		f.status.LastError = err.Error()
	}
	f.mu.Unlock()
	return res, err
}

func (f *Flusher) flush(ctx context.Context, res *FlushResult) error {
	for {
		recs, err := f.store.Pending(ctx, f.batchSize)
		if err != nil {
			return fmt.Errorf("tracer: flush: read pending: %w", err)
		}
		if len(recs) == 0 {
			return nil
		}
		spans := make([]span.Span, len(recs))
		seqs := make([]uint64, len(recs))
		for i, r := range recs {
			spans[i], seqs[i] = r.Span, r.Seq
		}
		res.Requests++
		er, err := f.exporter.Export(ctx, spans)
		if err != nil {
			return fmt.Errorf("tracer: flush: export %d spans: %w", len(spans), err)
		}
		res.Rejected += er.RejectedSpans
		if err := f.store.MarkExported(ctx, seqs); err != nil {
			return fmt.Errorf("tracer: flush: mark %d spans exported: %w", len(seqs), err)
		}
		res.Exported += len(seqs)
		if len(recs) < f.batchSize {
			return nil
		}
	}
}

// Status returns the flusher's running totals and last outcome.
func (f *Flusher) Status() FlushStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status
}

// Trigger asks [Flusher.Run] to flush soon. It never blocks.
func (f *Flusher) Trigger() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// Run flushes at once, then every interval (DefaultFlushInterval when
// interval <= 0) and whenever Trigger is called, until ctx is done. Errors
// are kept in Status; the next round tries again.
func (f *Flusher) Run(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = DefaultFlushInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		_, _ = f.Flush(ctx) // the outcome is recorded in Status
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-f.wake:
		}
	}
}
