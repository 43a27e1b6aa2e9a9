package cache

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/spanfall/spanfall/tracer/span"
)

var (
	_ Store       = (*Memory)(nil)
	_ TraceHeader = (*Memory)(nil)
)

// numClasses is the number of eviction classes.
const numClasses = int(ClassPendingError) + 1

// Memory is a [Store] that keeps spans in process memory: the store used on
// the host and the fallback when IndexedDB is unavailable. Its contents are
// lost with the process. It is bounded like the IndexedDB store, by the
// same policy (see [Store.Put] and [Class]); it never sees a quota error,
// so Evictions.Quota stays zero. It returns deep copies normalised exactly
// as a JSON round trip would, so it behaves like the IndexedDB store.
// Methods never block on I/O; they only wait for the lock. The zero value
// is not usable; call [NewMemory].
type Memory struct {
	cfg Config

	mu sync.RWMutex
	// closed is set by Close; the maps are dropped with it.
	closed bool
	// seq is the last Seq assigned.
	seq uint64
	// order holds the records in Seq order, nil where one was evicted;
	// dead counts the nils.
	order []*memRecord
	dead  int
	// head[c] is an index of order before which no record is of class c;
	// start is one before which every record was evicted. The walks that
	// evict and read pending spans start there.
	head  [numClasses]int
	start int
	// count[c] is the number of records of class c.
	count     [numClasses]int
	bySeq     map[uint64]*memRecord
	byTrace   map[string]*memTrace
	resources map[string]*span.Resource
	usage     Usage
	evicted   Evictions
}

// memRecord is a stored span without its Resource, which is kept once per
// id in Memory.resources.
type memRecord struct {
	seq      uint64
	span     span.Span
	resource string
	class    Class
	size     int64
	stored   time.Time
	// idx is the record's index in Memory.order.
	idx int
	// evicted is set when the record leaves the store.
	evicted bool
}

// memTrace is the records of one trace, in Seq order, some of them maybe
// evicted; the trace is dropped with its last record, and its error state
// with it, as the IndexedDB store drops its "errorTraces" entry.
type memTrace struct {
	recs       []*memRecord
	live       int
	errorTrace bool
	// agg summarises the trace's records as Put added them; stale is set
	// when one was evicted since, and Traces builds it again. pending
	// counts the live records not exported.
	agg     TraceAgg
	stale   bool
	pending int
}

// NewMemory returns an empty memory store. Options set its caps
// ([WithLimits], default [DefaultLimits]) and clock ([WithClock]).
func NewMemory(opts ...Option) *Memory {
	return &Memory{
		cfg:       NewConfig(opts...),
		bySeq:     make(map[uint64]*memRecord),
		byTrace:   make(map[string]*memTrace),
		resources: make(map[string]*span.Resource),
	}
}

// Kind returns "memory".
func (m *Memory) Kind() string { return "memory" }

// Put stores copies of spans, pending export, under increasing Seqs, then
// enforces the caps as [Store.Put] says. It stores nothing when ctx is done
// or when a span is invalid (the error then wraps [ErrInvalidSpan]). A
// resource replaces an earlier one with the same id.
func (m *Memory) Put(ctx context.Context, spans []span.Span) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("cache: put %d spans: %w", len(spans), err)
	}
	now := m.cfg.Clock()
	// The stored form gives the sizes, the same as the IndexedDB store's.
	batch, err := EncodeBatch(spans, now)
	if err != nil {
		return fmt.Errorf("cache: put %d spans: %w", len(spans), err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	if len(spans) == 0 {
		return nil
	}
	trim := NewTrim(m.cfg.Limits, now, m.usage)
	m.expire(trim)
	// Stamps have the milliseconds of StoredRecord.Stored.
	stored := time.UnixMilli(now.UnixMilli())
	for _, bt := range batch.Traces {
		tr := m.byTrace[bt.TraceID]
		if tr == nil {
			tr = &memTrace{}
			m.byTrace[bt.TraceID] = tr
		}
		if bt.Error && !tr.errorTrace {
			tr.errorTrace = true
			for _, r := range tr.recs {
				if !r.evicted {
					m.setClass(r, ClassOf(r.class.Exported(), true))
				}
			}
		}
	}
	for i := range spans {
		s := &spans[i]
		id := ResourceID(s.Resource)
		if id != "" {
			m.resources[id] = cloneResource(s.Resource, id)
		}
		m.seq++
		tr := m.byTrace[s.TraceID]
		r := &memRecord{
			seq:      m.seq,
			span:     cloneSpan(*s),
			resource: id,
			class:    ClassOf(false, tr.errorTrace),
			size:     batch.Records[i].Size,
			stored:   stored,
			idx:      len(m.order),
		}
		m.order = append(m.order, r)
		m.count[r.class]++
		m.bySeq[r.seq] = r
		tr.recs = append(tr.recs, r)
		tr.live++
		tr.pending++
		tr.agg.Add(s)
		trim.Add(1, r.size)
	}
	for {
		reason, over := trim.Over()
		if !over {
			break
		}
		v := m.victim()
		if v == nil {
			break
		}
		m.evict(v, reason, trim)
	}
	m.usage = trim.Usage()
	m.evicted.Merge(trim.Evicted())
	m.compact()
	return nil
}

// expire evicts, oldest Seq first, the records stored before MaxAge ago,
// stopping at the first younger one.
func (m *Memory) expire(trim *Trim) {
	for ; m.start < len(m.order); m.start++ {
		r := m.order[m.start]
		if r == nil {
			continue
		}
		if !trim.Expired(r.stored) {
			return
		}
		m.evict(r, ReasonAge, trim)
	}
}

// victim returns the next record to evict by the policy, nil when the
// store is empty.
func (m *Memory) victim() *memRecord {
	for c := range numClasses {
		if m.count[c] == 0 {
			continue
		}
		if i := m.advance(Class(c)); i < len(m.order) {
			return m.order[i]
		}
	}
	return nil
}

// advance moves head[c] to the first record of class c and returns it,
// len(order) when there is none.
func (m *Memory) advance(c Class) int {
	i := m.head[c]
	for i < len(m.order) && (m.order[i] == nil || m.order[i].class != c) {
		i++
	}
	m.head[c] = i
	return i
}

// setClass moves r to class c.
func (m *Memory) setClass(r *memRecord, c Class) {
	if tr := m.byTrace[r.span.TraceID]; tr != nil && r.class.Exported() != c.Exported() {
		if c.Exported() {
			tr.pending--
		} else {
			tr.pending++
		}
	}
	m.count[r.class]--
	m.count[c]++
	r.class = c
	m.head[c] = min(m.head[c], r.idx)
}

// evict removes r and accounts for it in trim.
func (m *Memory) evict(r *memRecord, reason Reason, trim *Trim) {
	trim.Evict(reason, r.class, r.size)
	m.order[r.idx] = nil
	m.dead++
	m.count[r.class]--
	delete(m.bySeq, r.seq)
	r.evicted = true
	tr := m.byTrace[r.span.TraceID]
	tr.live--
	tr.stale = true
	if !r.class.Exported() {
		tr.pending--
	}
	switch {
	case tr.live == 0:
		delete(m.byTrace, r.span.TraceID)
	case len(tr.recs) > 2*tr.live:
		live := tr.recs[:0]
		for _, x := range tr.recs {
			if !x.evicted {
				live = append(live, x)
			}
		}
		clear(tr.recs[len(live):])
		tr.recs = live
	}
}

// compact drops the nils of order once they are most of it.
func (m *Memory) compact() {
	if m.dead < 1024 || m.dead < len(m.order)/2 {
		return
	}
	live := make([]*memRecord, 0, len(m.order)-m.dead)
	for _, r := range m.order {
		if r != nil {
			r.idx = len(live)
			live = append(live, r)
		}
	}
	m.order, m.dead, m.start = live, 0, 0
	for c := range m.head {
		m.head[c] = 0
		m.advance(Class(c))
	}
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
	for i := min(m.head[ClassPending], m.head[ClassPendingError]); i < len(m.order) && len(out) < limit; i++ {
		if r := m.order[i]; r != nil && !r.class.Exported() {
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
		r, ok := m.bySeq[seq]
		if !ok || r.class.Exported() {
			continue
		}
		m.setClass(r, ClassOf(true, r.class.ErrorTrace()))
	}
	m.advance(ClassPending)
	m.advance(ClassPendingError)
	return nil
}

// Traces summarises every stored trace, newest start first (see
// [Summarize]), from the summaries Put keeps: one per trace, built again
// from the trace's records after an eviction.
func (m *Memory) Traces(ctx context.Context) ([]TraceSummary, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cache: traces: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	out := make([]TraceSummary, 0, len(m.byTrace))
	for _, tr := range m.byTrace {
		if tr.stale {
			tr.agg, tr.stale = TraceAgg{}, false
			for _, r := range tr.recs {
				if !r.evicted {
					s := r.span // shallow: Add only reads
					s.Resource = m.resources[r.resource]
					tr.agg.Add(&s)
				}
			}
		}
		out = append(out, tr.agg.Summary(tr.pending))
	}
	SortSummaries(out)
	return out, nil
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
	tr := m.byTrace[traceID]
	if tr == nil {
		return nil, nil
	}
	res := m.resolver()
	out := make([]Record, 0, tr.live)
	for _, r := range tr.recs {
		if !r.evicted {
			out = append(out, m.record(r, res))
		}
	}
	SortByStart(out)
	return out, nil
}

var _ TraceHeader = (*Memory)(nil)

// TraceHead returns copies of the first n records of the trace, by start
// time then Seq; none when n <= 0 or the trace is unknown.
func (m *Memory) TraceHead(ctx context.Context, traceID string, n int) ([]Record, error) {
	recs, err := m.Trace(ctx, traceID)
	if err != nil || n <= 0 {
		return nil, err
	}
	if len(recs) > n {
		recs = recs[:n:n]
	}
	return recs, nil
}

// TraceAfter returns copies of the records of the trace with a Seq above
// seq, in Seq order; none for an unknown trace.
func (m *Memory) TraceAfter(ctx context.Context, traceID string, seq uint64) ([]Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cache: trace %s after %d: %w", traceID, seq, err)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, ErrClosed
	}
	tr := m.byTrace[traceID]
	if tr == nil {
		return nil, nil
	}
	// tr.recs is in Seq order.
	i, _ := slices.BinarySearchFunc(tr.recs, seq+1, func(r *memRecord, s uint64) int { return cmp.Compare(r.seq, s) })
	var out []Record
	res := m.resolver()
	for _, r := range tr.recs[i:] {
		if !r.evicted {
			out = append(out, m.record(r, res))
		}
	}
	return out, nil
}

// Stats counts stored, pending and exported spans and traces, the stored
// bytes and the evictions.
func (m *Memory) Stats(ctx context.Context) (Stats, error) {
	if err := ctx.Err(); err != nil {
		return Stats{}, fmt.Errorf("cache: stats: %w", err)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return Stats{}, ErrClosed
	}
	pending := m.count[ClassPending] + m.count[ClassPendingError]
	return Stats{
		Spans:    len(m.bySeq),
		Pending:  pending,
		Exported: len(m.bySeq) - pending,
		Traces:   len(m.byTrace),
		Bytes:    m.usage.Bytes,
		Evicted:  m.evicted,
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
	m.order, m.bySeq, m.byTrace, m.resources = nil, nil, nil, nil
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
	out := Record{Seq: r.seq, Span: cloneSpan(r.span), Exported: r.class.Exported()}
	out.Span.Resource = res(r.resource)
	return out
}
