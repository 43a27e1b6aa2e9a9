package tracer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/engine"
	"github.com/spanfall/spanfall/tracer/span"
)

// Defaults of [StoreProcessor].
const (
	// DefaultMaxQueue is how many ended spans may wait in memory for the
	// store before the oldest are dropped (and counted).
	DefaultMaxQueue = 8192
	// DefaultMaxPutBatch is the largest number of spans written in one
	// store transaction.
	DefaultMaxPutBatch = 512
)

// retryPutAfter is how long the writer waits after a failed Put; a var so
// tests can shorten it.
var retryPutAfter = 500 * time.Millisecond

// StoreProcessor is an sdktrace.SpanProcessor that persists every ended
// span in a cache.Store before anything is sent.
//
// OnEnd converts the span and queues it; it never blocks on the store. The
// lean engine's spans are queued as they end and converted by the writer:
// one writer goroutine drains the queue into the store, up to
// DefaultMaxPutBatch spans per transaction, all those queued while the last
// one was written. ForceFlush waits until every span ended before the call is
// stored. A failed Put keeps the spans queued and is retried.
type StoreProcessor struct {
	store     cache.Store
	conv      *converter
	maxQueue  int
	onPersist func(n int)
	tail      TailFunc // nil: unsampled spans are dropped

	mu        sync.Mutex
	queue     []queued
	ended     uint64 // spans accepted by OnEnd
	persisted uint64 // spans written or dropped; ended-persisted == len(queue) + the writer's batch
	dropped   uint64
	lastErr   error
	changed   chan struct{} // closed and replaced when persisted/lastErr move
	wake      chan struct{}
	stop      chan struct{} // closed by Shutdown
	stopped   bool
	done      chan struct{}
	shutdown  sync.Once
}

var _ sdktrace.SpanProcessor = (*StoreProcessor)(nil)

// NewStoreProcessor starts a processor writing to store. onPersist, if not
// nil, is called from the writer goroutine with the number of spans each
// successful Put stored.
func NewStoreProcessor(store cache.Store, onPersist func(n int)) *StoreProcessor {
	p := &StoreProcessor{
		store:     store,
		conv:      newConverter(),
		maxQueue:  DefaultMaxQueue,
		onPersist: onPersist,
		changed:   make(chan struct{}),
		wake:      make(chan struct{}, 1),
		stop:      make(chan struct{}),
		done:      make(chan struct{}),
	}
	go p.run()
	return p
}

// OnStart implements sdktrace.SpanProcessor; it does nothing.
func (p *StoreProcessor) OnStart(context.Context, sdktrace.ReadWriteSpan) {}

// OnEnd implements sdktrace.SpanProcessor: it converts s and queues it for
// the store without blocking. Unsampled spans are dropped, unless a tail
// stage ([WithTail]) decides which spans to queue.
func (p *StoreProcessor) OnEnd(s sdktrace.ReadOnlySpan) {
	sampled := s.SpanContext().IsSampled()
	if !sampled && p.tail == nil {
		return
	}
	p.accept(p.conv.Convert(s))
}

// queued is a span waiting for the writer: a span.Span, or an ended span
// of the lean engine that the writer converts.
//
// It is two words: the queue holds thousands of them, and appending a
// span.Span by value (over 300 bytes, a dozen pointers) cost End more than
// the rest of the hand-over.
type queued struct {
	ended engine.Ended // the lean engine's span, converted by the writer
	v     *span.Span   // else the span, converted already
}

// value returns the span.Span of q; once for a lean engine span.
func (q *queued) value() span.Span {
	if q.v == nil {
		return q.ended.Span()
	}
	return *q.v
}

// acceptEnded is the lean engine's sink: the span is queued as it is and
// converted by the writer. With a tail stage, which takes span.Span values
// on the goroutine that ended the span (see [TailFunc]), it is converted
// here and goes through accept.
func (p *StoreProcessor) acceptEnded(e engine.Ended) {
	if p.tail != nil {
		p.accept(e.Span())
		return
	}
	if e.Flags()&uint32(trace.FlagsSampled) != 0 {
		p.push(queued{ended: e})
	}
}

// accept is the entry of every ended, recording span, from OnEnd (the
// SDK) and from the lean engine's sink, which passes span.Span values
// directly: sampled spans (trace flag 01) are queued, others only reach the
// tail stage ([WithTail]) when there is one.
func (p *StoreProcessor) accept(v span.Span) {
	sampled := v.Flags&uint32(trace.FlagsSampled) != 0
	if p.tail != nil {
		p.tail(v, sampled, p.enqueue)
		return
	}
	if sampled {
		p.enqueue(v)
	}
}

// enqueue queues v for the store without blocking.
func (p *StoreProcessor) enqueue(v span.Span) { p.push(queued{v: &v}) }

// push queues q for the store without blocking.
func (p *StoreProcessor) push(q queued) {
	p.mu.Lock()
	if p.stopped {
		p.dropped++
		p.mu.Unlock()
		return
	}
	p.ended++
	idle := len(p.queue) == 0 // else the writer has been woken already
	p.queue = append(p.queue, q)
	if over := len(p.queue) - p.maxQueue; over > 0 {
		clear(p.queue[:over])
		p.queue = p.queue[over:]
		p.dropped += uint64(over)
		p.persisted += uint64(over)
	}
	p.mu.Unlock()
	if idle {
		select {
		case p.wake <- struct{}{}:
		default:
		}
	}
}

// Dropped returns how many ended spans were dropped because the queue was
// full or the processor was shut down.
func (p *StoreProcessor) Dropped() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dropped
}

// run is the writer. It takes spans from the queue's front into its batch,
// converting those of the lean engine, and writes the batch; what a failed
// write left is written again, with more spans if there is room.
func (p *StoreProcessor) run() {
	defer close(p.done)
	var batch []span.Span // taken from the queue, not stored yet
	for {
		p.mu.Lock()
		k := min(len(p.queue), DefaultMaxPutBatch-len(batch))
		items := p.queue[:k:k] // the writer's alone once cut off the queue
		p.queue = p.queue[k:]
		stopped := p.stopped
		p.mu.Unlock()
		if len(batch)+k == 0 {
			if stopped {
				return
			}
			<-p.wake
			continue
		}
		for i := range items {
			batch = append(batch, items[i].value())
			items[i] = queued{} // let the span go
		}
		n := len(batch)
		stored, err := p.put(batch)
		rest := copy(batch, batch[stored:])
		clear(batch[rest:])
		batch = batch[:rest]
		p.mu.Lock()
		p.persisted += uint64(stored)
		if err == nil {
			p.lastErr = nil
		} else {
			p.lastErr = fmt.Errorf("tracer: persist %d spans: %w", n, err)
			if p.stopped || errors.Is(err, cache.ErrClosed) {
				lost := uint64(len(batch) + len(p.queue))
				p.dropped += lost
				p.persisted += lost
				p.queue = nil
				clear(batch)
				batch = batch[:0]
			}
		}
		close(p.changed)
		p.changed = make(chan struct{})
		p.mu.Unlock()
		if stored > 0 && p.onPersist != nil {
			p.onPersist(stored)
		}
		if err != nil {
			// New spans must not hurry the retry of a failing store.
			select {
			case <-time.After(retryPutAfter):
			case <-p.stop:
			}
		}
	}
}

// put writes batch and returns how many spans from its front are stored
// (or dropped as invalid) and the error that stopped it. Spans go in one
// transaction; should the store refuse a span as invalid, it writes the
// batch span by span instead and drops (and counts) only the spans refused,
// so one bad span cannot block the queue; should the browser refuse the
// write for quota even after the store evicted, it writes the halves, since
// a smaller write may still fit.
func (p *StoreProcessor) put(batch []span.Span) (int, error) {
	err := p.store.Put(context.Background(), batch)
	switch {
	case err == nil:
		return len(batch), nil
	case errors.Is(err, cache.ErrQuotaExceeded) && len(batch) > 1:
		h := len(batch) / 2
		n, err := p.put(batch[:h])
		if err != nil {
			return n, err
		}
		m, err := p.put(batch[h:])
		return n + m, err
	case !errors.Is(err, cache.ErrInvalidSpan):
		return 0, err
	}
	for i := range batch {
		err := p.store.Put(context.Background(), batch[i:i+1])
		switch {
		case errors.Is(err, cache.ErrInvalidSpan):
			p.mu.Lock()
			p.dropped++
			p.mu.Unlock()
		case err != nil:
			return i, err
		}
	}
	return len(batch), nil
}

// ForceFlush waits until every span ended before the call is in the store.
// It returns the store's error if the last write failed, or ctx's error.
func (p *StoreProcessor) ForceFlush(ctx context.Context) error {
	p.mu.Lock()
	target := p.ended
	for p.persisted < target {
		if p.lastErr != nil {
			err := p.lastErr
			p.mu.Unlock()
			return err
		}
		ch := p.changed
		p.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("tracer: force flush: %w", ctx.Err())
		}
		p.mu.Lock()
	}
	p.mu.Unlock()
	return nil
}

// Shutdown persists what is queued and stops the writer. Later calls do
// nothing. Spans ended after Shutdown are dropped.
func (p *StoreProcessor) Shutdown(ctx context.Context) error {
	var err error
	p.shutdown.Do(func() {
		err = p.ForceFlush(ctx)
		p.mu.Lock()
		p.stopped = true
		p.mu.Unlock()
		close(p.stop)
		select {
		case p.wake <- struct{}{}:
		default:
		}
		select {
		case <-p.done:
		case <-ctx.Done():
			err = errors.Join(err, fmt.Errorf("tracer: shutdown: %w", ctx.Err()))
		}
	})
	return err
}
