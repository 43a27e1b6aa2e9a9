package cache

import (
	"context"
	"fmt"
	"sync"

	"github.com/spanfall/spanfall/tracer/span"
)

var _ Store = (*Memory)(nil)

// Memory is a [Store] that keeps spans in process memory: the store used on
// the host and the fallback when IndexedDB is unavailable. Its contents are
// lost with the process and it has no capacity bound. It returns deep copies
// normalised exactly as a JSON round trip would, so it behaves like the
// IndexedDB store. Methods never block on I/O; they only wait for the lock.
// The zero value is not usable; call [NewMemory].
type Memory struct {
	mu sync.RWMutex
	// closed is set by Close; the maps are dropped with it.
	closed bool
	// seq is the last Seq assigned.
	seq uint64
	// records are in Seq order; firstPending is the index of the first
	// record that may be pending export.
	records      []memRecord
	firstPending int
	pending      int
	bySeq        map[uint64]int
	byTrace      map[string][]int
	resources    map[string]*span.Resource
}

// memRecord is a stored span without its Resource, which is kept once per
// id in Memory.resources.
type memRecord struct {
	seq      uint64
	span     span.Span
	resource string
	exported bool
}

// NewMemory returns an empty memory store.
func NewMemory() *Memory {
	return &Memory{
		bySeq:     make(map[uint64]int),
		byTrace:   make(map[string][]int),
		resources: make(map[string]*span.Resource),
	}
}

// Kind returns "memory".
func (m *Memory) Kind() string { return "memory" }

// Put stores copies of spans, pending export, under increasing Seqs. It
// stores nothing when ctx is done or when a span is invalid (the error then
// wraps [ErrInvalidSpan]). A resource replaces an earlier one with the same
// id.
func (m *Memory) Put(ctx context.Context, spans []span.Span) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("cache: put %d spans: %w", len(spans), err)
	}
	for i := range spans {
		if err := checkSpan(&spans[i]); err != nil {
			return fmt.Errorf("cache: put %d spans: %w", len(spans), err)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	for i := range spans {
		s := &spans[i]
		id := ResourceID(s.Resource)
		if id != "" {
			m.resources[id] = cloneResource(s.Resource, id)
		}
		m.seq++
		idx := len(m.records)
		m.records = append(m.records, memRecord{seq: m.seq, span: cloneSpan(*s), resource: id})
		m.bySeq[m.seq] = idx
		m.byTrace[s.TraceID] = append(m.byTrace[s.TraceID], idx)
		m.pending++
	}
	return nil
}

// Pending returns up to limit unexported records, oldest Seq first; none
// when limit <= 0.
func (m *Memory) Pending(ctx context.Context, limit int) ([]Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cache: pending: %w", err)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, ErrClosed
	}
	if limit <= 0 {
		return nil, nil
	}
	var out []Record
	res := m.resolver()
	for i := m.firstPending; i < len(m.records) && len(out) < limit; i++ {
		if r := &m.records[i]; !r.exported {
			out = append(out, m.record(r, res))
		}
	}
	return out, nil
}

// MarkExported marks the records with these Seqs as exported, ignoring
// unknown and already exported ones. ctx is only checked before starting:
// the change is all in memory.
func (m *Memory) MarkExported(ctx context.Context, seqs []uint64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("cache: mark %d spans exported: %w", len(seqs), err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	for _, seq := range seqs {
		idx, ok := m.bySeq[seq]
		if !ok || m.records[idx].exported {
			continue
		}
		m.records[idx].exported = true
		m.pending--
	}
	for m.firstPending < len(m.records) && m.records[m.firstPending].exported {
		m.firstPending++
	}
	return nil
}

// Traces summarises every stored trace, newest start first (see
// [Summarize]).
func (m *Memory) Traces(ctx context.Context) ([]TraceSummary, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cache: traces: %w", err)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, ErrClosed
	}
	// Summarize only reads, so shallow records sharing the stored
	// resources are enough.
	recs := make([]Record, len(m.records))
	for i := range m.records {
		r := &m.records[i]
		recs[i] = Record{Seq: r.seq, Span: r.span, Exported: r.exported}
		recs[i].Span.Resource = m.resources[r.resource]
	}
	return Summarize(recs), nil
}

// Trace returns copies of every record of the trace, by start time then
// Seq; none for an unknown trace.
func (m *Memory) Trace(ctx context.Context, traceID string) ([]Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cache: trace %s: %w", traceID, err)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, ErrClosed
	}
	idxs := m.byTrace[traceID]
	if len(idxs) == 0 {
		return nil, nil
	}
	res := m.resolver()
	out := make([]Record, len(idxs))
	for i, idx := range idxs {
		out[i] = m.record(&m.records[idx], res)
	}
	SortByStart(out)
	return out, nil
}

// Stats counts stored, pending and exported spans and traces.
func (m *Memory) Stats(ctx context.Context) (Stats, error) {
	if err := ctx.Err(); err != nil {
		return Stats{}, fmt.Errorf("cache: stats: %w", err)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return Stats{}, ErrClosed
	}
	return Stats{
		Spans:    len(m.records),
		Pending:  m.pending,
		Exported: len(m.records) - m.pending,
		Traces:   len(m.byTrace),
	}, nil
}

// Close drops the stored spans. Later calls, Close included, return
// [ErrClosed].
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	m.closed = true
	m.records, m.bySeq, m.byTrace, m.resources = nil, nil, nil, nil
	return nil
}

// resolver returns a lookup that copies each stored resource once, so the
// records of one call share a Resource pointer the caller may keep.
func (m *Memory) resolver() func(id string) *span.Resource {
	copies := make(map[string]*span.Resource)
	return func(id string) *span.Resource {
		if id == "" {
			return nil
		}
		if r, ok := copies[id]; ok {
			return r
		}
		var r *span.Resource
		if stored, ok := m.resources[id]; ok {
			r = cloneResource(stored, id)
		}
		copies[id] = r
		return r
	}
}

// record returns a deep copy of r with its resource from res.
func (m *Memory) record(r *memRecord, res func(string) *span.Resource) Record {
	out := Record{Seq: r.seq, Span: cloneSpan(r.span), Exported: r.exported}
	out.Span.Resource = res(r.resource)
	return out
}
