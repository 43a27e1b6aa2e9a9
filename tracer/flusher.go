package tracer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

// Defaults of [Flusher].
const (
	// DefaultBatchSize is the most spans per export request.
	DefaultBatchSize = 512
	// DefaultFlushInterval is how often Run flushes when nothing else asks.
	DefaultFlushInterval = 10 * time.Second
	// DefaultFlushThreshold is how many newly stored spans make Run flush
	// before the interval is up.
	DefaultFlushThreshold = 256
)

// FlushResult counts what one flush did.
type FlushResult struct {
	// Exported spans got a 2xx and are marked exported in the store.
	Exported int `json:"exported"`
	// Rejected counts spans dropped as permanently refused (a 4xx other
	// than 408, 413 and 429) plus the receiver's partialSuccess.rejectedSpans.
	Rejected int64 `json:"rejected"`
	// Requests is the number of export attempts made.
	Requests int `json:"requests"`
	// Pending is how many spans the store still holds unexported.
	Pending int `json:"pending"`
	// Skipped is true when another holder of the lock (another tab) was
	// flushing, so this call sent nothing.
	Skipped bool `json:"skipped,omitempty"`
	// NotBefore is set when a failure (or Retry-After) postpones the next
	// export until then.
	NotBefore time.Time `json:"notBefore,omitzero"`
}

// Flusher moves pending spans from a store to an exporter, one flush at a
// time across every holder of its [Locker]: it reads them in batches,
// exports each batch and marks it exported only after the exporter returned
// nil.
//
//   - A retryable failure (network, 408, 429, 5xx) stops the flush, keeps
//     the batch and everything after it, and sets a backoff (exponential with
//     jitter, at least the receiver's Retry-After) kept in the [StateStore]
//     so reloads and other tabs honour it too.
//   - A batch too large for the receiver (413, or over a sender's budget)
//     is split in halves, which are sent in turn.
//   - A permanent refusal (any other 4xx) drops that batch, counted as
//     rejected, and the flush goes on: one poison batch never blocks the
//     queue.
type Flusher struct {
	store     cache.Store
	exporter  Exporter
	batchSize int
	threshold int
	lock      Locker
	state     StateStore
	initial   time.Duration
	maximum   time.Duration
	now       func() time.Time
	jitter    func() float64
	onFlush   func(FlushResult, error)

	mu     sync.Mutex
	last   FlushState // the state as of this process's last flush
	unsent int        // spans stored since the last flush started
	wake   chan struct{}
}

// FlusherOption configures [NewFlusher].
type FlusherOption func(*Flusher)

// WithBatchSize sets the most spans per request. Default DefaultBatchSize.
func WithBatchSize(n int) FlusherOption {
	return func(f *Flusher) {
		if n > 0 {
			f.batchSize = n
		}
	}
}

// WithFlushThreshold sets how many newly stored spans (see
// [Flusher.Notify]) trigger a flush. Default DefaultFlushThreshold.
func WithFlushThreshold(n int) FlusherOption {
	return func(f *Flusher) {
		if n > 0 {
			f.threshold = n
		}
	}
}

// WithLocker sets the lock that makes flushes exclusive. Default: a
// [ProcessLocker]; the browser passes its Web Locks locker.
func WithLocker(l Locker) FlusherOption { return func(f *Flusher) { f.lock = l } }

// WithStateStore sets where backoff and totals are kept. Default: a
// [MemoryState]; the browser passes localStorage.
func WithStateStore(s StateStore) FlusherOption { return func(f *Flusher) { f.state = s } }

// WithBackoff sets the first retry delay and its cap. Defaults
// DefaultBackoffInitial and DefaultBackoffMax.
func WithBackoff(initial, maximum time.Duration) FlusherOption {
	return func(f *Flusher) { f.initial, f.maximum = initial, maximum }
}

// WithClock sets the clock and the jitter source (a float in [0,1)); for
// tests. Defaults: time.Now and math/rand/v2.
func WithClock(now func() time.Time, jitter func() float64) FlusherOption {
	return func(f *Flusher) { f.now, f.jitter = now, jitter }
}

// WithOnFlush sets a function called after every flush (Flush, TryFlush,
// FlushVia and Run's), skipped ones included, with its result and error,
// on the goroutine that flushed, once the lock is released. It must not
// block; the browser uses it to register a Background Sync when spans are
// left pending. Default none.
func WithOnFlush(fn func(FlushResult, error)) FlusherOption {
	return func(f *Flusher) { f.onFlush = fn }
}

// NewFlusher returns a flusher from store to exporter.
func NewFlusher(store cache.Store, exporter Exporter, opts ...FlusherOption) *Flusher {
	f := &Flusher{
		store: store, exporter: exporter,
		batchSize: DefaultBatchSize, threshold: DefaultFlushThreshold,
		lock: NewProcessLocker(), state: &MemoryState{},
		initial: DefaultBackoffInitial, maximum: DefaultBackoffMax,
		now: time.Now, jitter: defaultJitter,
		wake: make(chan struct{}, 1),
	}
	for _, o := range opts {
		o(f)
	}
	return f
}

// Flush is an explicit flush: it waits for the lock, then exports
// everything pending, batch by batch, until nothing is left, a retryable
// failure stops it, or ctx is done. While the receiver's own backoff
// (429/5xx, Retry-After) is in force it sends nothing and returns an error
// wrapping [ErrBackoff]; a backoff after network failures does not stop it.
func (f *Flusher) Flush(ctx context.Context) (FlushResult, error) {
	return f.do(ctx, true, true, f.exporter, 0)
}

// TryFlush is the flush of background triggers: it honours every backoff,
// and when another holder of the lock is flushing it returns at once with
// Skipped set.
func (f *Flusher) TryFlush(ctx context.Context) (FlushResult, error) {
	return f.do(ctx, false, false, f.exporter, 0)
}

// NetworkBack ends a backoff that network failures caused (the receiver's
// own backoff stays) and triggers Run: call it on the browser's online
// event.
func (f *Flusher) NetworkBack(ctx context.Context) error {
	var err error
	_, lerr := f.lock.Do(ctx, true, func(ctx context.Context) {
		var st FlushState
		if st, err = f.state.Load(ctx); err != nil || st.ServerBackoff || st.NotBefore.IsZero() {
			return
		}
		st.NotBefore, st.Attempt = time.Time{}, 0
		err = f.state.Save(ctx, st)
		f.remember(st)
	})
	f.Trigger()
	if err != nil {
		return fmt.Errorf("tracer: end network backoff: %w", err)
	}
	return lerr
}

// FlushVia makes at most maxRequests export attempts through exp instead
// of the flusher's exporter, under the same lock, backoff and bookkeeping:
// for a page-unload sender with a small budget (fetch keepalive). It does
// not wait for the lock.
func (f *Flusher) FlushVia(ctx context.Context, exp Exporter, maxRequests int) (FlushResult, error) {
	return f.do(ctx, false, false, exp, maxRequests)
}

func (f *Flusher) do(ctx context.Context, wait, explicit bool, exp Exporter, budget int) (res FlushResult, err error) {
	if f.onFlush != nil {
		defer func() { f.onFlush(res, err) }()
	}
	ran, lerr := f.lock.Do(ctx, wait, func(ctx context.Context) {
		res, err = f.flushHeld(ctx, explicit, exp, budget)
	})
	if lerr != nil {
		return res, lerr
	}
	if !ran {
		res.Skipped = true
	}
	return res, err
}

// errBudget stops a flush whose request budget is spent.
var errBudget = errors.New("request budget spent")

func (f *Flusher) flushHeld(ctx context.Context, explicit bool, exp Exporter, budget int) (FlushResult, error) {
	var res FlushResult
	f.mu.Lock()
	f.unsent = 0
	f.mu.Unlock()
	st, err := f.state.Load(ctx)
	if err != nil {
		return res, fmt.Errorf("tracer: flush: load state: %w", err)
	}
	if now := f.now(); now.Before(st.NotBefore) && (st.ServerBackoff || !explicit) {
		res.NotBefore = st.NotBefore
		res.Pending = f.pending(ctx)
		f.remember(st)
		return res, fmt.Errorf("%w: next attempt in %v (%s)", ErrBackoff, st.NotBefore.Sub(now).Round(time.Millisecond), st.LastError)
	}
	b := &batchSender{f: f, exp: exp, res: &res, st: &st, budget: budget}
	for err == nil {
		var recs []cache.Record
		recs, err = f.store.Pending(ctx, f.batchSize)
		if err != nil {
			err = fmt.Errorf("tracer: flush: read pending: %w", err)
			break
		}
		if len(recs) == 0 {
			break
		}
		err = b.send(ctx, recs)
		if len(recs) < f.batchSize {
			break
		}
	}
	switch {
	case errors.Is(err, errBudget):
		err = nil
	case err != nil && b.exportErr != nil:
		st.Attempt++
		st.Retries++
		st.NotBefore = f.now().Add(retryDelay(b.exportErr, st.Attempt, f.initial, f.maximum, f.jitter))
		st.ServerBackoff = fromServer(b.exportErr)
		res.NotBefore = st.NotBefore
	}
	st.LastFlush = f.now()
	switch {
	case err != nil:
		st.LastError = err.Error()
	case b.rejectErr != nil:
		st.LastError = b.rejectErr.Error()
	case res.Exported > 0:
		st.LastError = "" // cleared by a success, not by a flush with nothing to send
	}
	res.Pending = f.pending(ctx)
	if serr := f.state.Save(ctx, st); serr != nil {
		err = errors.Join(err, fmt.Errorf("tracer: flush: save state: %w", serr))
	}
	f.remember(st)
	return res, err
}

// batchSender exports batches for one flush, splitting and rejecting as
// the errors say, and keeps the books.
type batchSender struct {
	f         *Flusher
	exp       Exporter
	res       *FlushResult
	st        *FlushState
	budget    int   // requests left; 0 means unlimited
	exportErr error // the retryable failure that stopped the flush
	rejectErr error // the last permanent refusal
}

func (b *batchSender) send(ctx context.Context, recs []cache.Record) error {
	if b.budget < 0 {
		return errBudget
	}
	spans := make([]span.Span, len(recs))
	seqs := make([]uint64, len(recs))
	for i, r := range recs {
		spans[i], seqs[i] = r.Span, r.Seq
	}
	er, err := b.exp.Export(ctx, spans)
	if !notSent(err) {
		b.res.Requests++
		b.st.Requests++
		if b.budget > 0 {
			b.budget--
			if b.budget == 0 {
				b.budget = -1 // spent
			}
		}
	}
	if err == nil {
		if err := b.mark(ctx, seqs); err != nil {
			return err
		}
		b.st.Attempt, b.st.NotBefore, b.st.ServerBackoff = 0, time.Time{}, false
		b.res.Exported += len(seqs)
		b.st.Exported += int64(len(seqs))
		b.res.Rejected += er.RejectedSpans
		b.st.Rejected += er.RejectedSpans
		return nil
	}
	switch classify(err) {
	case failTooLarge:
		if len(recs) > 1 {
			h := len(recs) / 2
			if err := b.send(ctx, recs[:h]); err != nil {
				return err
			}
			return b.send(ctx, recs[h:])
		}
		fallthrough // one span the receiver will never take
	case failReject:
		if err := b.mark(ctx, seqs); err != nil {
			return err
		}
		b.rejectErr = fmt.Errorf("tracer: flush: dropped %d spans the receiver refused: %w", len(seqs), err)
		b.res.Rejected += int64(len(seqs))
		b.st.Rejected += int64(len(seqs))
		return nil
	}
	b.exportErr = err
	return fmt.Errorf("tracer: flush: export %d spans: %w", len(spans), err)
}

func (b *batchSender) mark(ctx context.Context, seqs []uint64) error {
	if err := b.f.store.MarkExported(ctx, seqs); err != nil {
		return fmt.Errorf("tracer: flush: mark %d spans exported: %w", len(seqs), err)
	}
	return nil
}

func (f *Flusher) pending(ctx context.Context) int {
	st, err := f.store.Stats(ctx)
	if err != nil {
		return -1
	}
	return st.Pending
}

func (f *Flusher) remember(st FlushState) {
	f.mu.Lock()
	f.last = st
	f.mu.Unlock()
}

// Status returns the flush state as of this process's last flush: totals
// shared by every tab, the backoff in force and the last error.
func (f *Flusher) Status() FlushState {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

// Trigger asks [Flusher.Run] to flush soon. It never blocks.
func (f *Flusher) Trigger() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// Notify tells the flusher that n more spans were stored; past the
// threshold it triggers a flush. The store processor's onPersist hook.
func (f *Flusher) Notify(n int) {
	f.mu.Lock()
	f.unsent += n
	over := f.unsent >= f.threshold
	f.mu.Unlock()
	if over {
		f.Trigger()
	}
}

// Run flushes at once, then every interval (DefaultFlushInterval when
// interval <= 0), whenever Trigger is called, and when a backoff ends,
// until ctx is done. It never waits for another tab's flush. Outcomes are
// kept in Status.
func (f *Flusher) Run(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = DefaultFlushInterval
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-f.wake:
		}
		res, _ := f.TryFlush(ctx) // the outcome is recorded in Status
		next := interval
		if !res.NotBefore.IsZero() {
			next = max(min(next, res.NotBefore.Sub(f.now())), 0)
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(next)
	}
}
