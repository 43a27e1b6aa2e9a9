package sampling

import (
	"container/list"
	"sync"
	"time"

	"github.com/spanfall/spanfall/tracer/span"
)

// Defaults of [TailConfig].
const (
	DefaultMaxTraces    = 256
	DefaultMaxSpans     = 4096
	DefaultMaxDecisions = 4096
	DefaultTimeout      = time.Minute
)

// FlagParentIsRemote is the OTLP span flag (SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK)
// saying the span's parent lives in another process; the tracer's
// converter sets it (with SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK, 0x100).
const FlagParentIsRemote = 0x200

// IsLocalRoot reports whether s is the root of its trace in this process:
// it has no parent, or its parent is remote (flag [FlagParentIsRemote]).
func IsLocalRoot(s *span.Span) bool {
	return s.ParentSpanID == "" || s.Flags&FlagParentIsRemote != 0
}

// TailConfig configures [NewTail]. Zero values take the defaults.
type TailConfig struct {
	// SlowRoot keeps a head-dropped trace whose local root lasted at least
	// this long. 0 turns the rule off.
	SlowRoot time.Duration
	// KeepErrors keeps a head-dropped trace that contains a span with
	// error status.
	KeepErrors bool
	// MaxTraces and MaxSpans bound the traces waiting for a decision and
	// their spans. Past either, the oldest waiting trace is dropped whole
	// (counted in Stats.Overflow). Defaults DefaultMaxTraces and
	// DefaultMaxSpans.
	MaxTraces, MaxSpans int
	// MaxDecisions bounds how many decided traces are remembered so their
	// late spans follow the decision (least recently used forgotten first;
	// a late span of a forgotten trace starts a new wait). Default
	// DefaultMaxDecisions.
	MaxDecisions int
	// Timeout decides a trace whose local root has not ended this long
	// after its first span arrived (counted in Stats.TimedOut). Default
	// DefaultTimeout.
	Timeout time.Duration
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// Reasons a trace is kept or dropped, as counted in [Stats].
const (
	ReasonHead     = "head"     // sampled by the head sampler
	ReasonError    = "error"    // contains an error
	ReasonSlow     = "slow"     // local root slower than SlowRoot
	ReasonFast     = "fast"     // no rule matched
	ReasonOverflow = "overflow" // evicted from a full buffer
)

// Stats counts what the tail stage did. Span counts are by the reason of
// their trace's decision; late spans (ended after their trace was
// decided) are counted under that decision too and also in Late.
type Stats struct {
	Kept    map[string]uint64 `json:"kept"`    // spans kept, by reason
	Dropped map[string]uint64 `json:"dropped"` // spans dropped, by reason
	// TracesKept and TracesDropped count tail decisions (head-sampled
	// traces are not tracked).
	TracesKept    uint64 `json:"tracesKept"`
	TracesDropped uint64 `json:"tracesDropped"`
	Late          uint64 `json:"late"`     // spans that followed an earlier decision
	TimedOut      uint64 `json:"timedOut"` // traces decided on timeout
	Overflow      uint64 `json:"overflow"` // traces dropped because the buffer was full
	Waiting       int    `json:"waiting"`  // traces waiting for their root
	Buffered      int    `json:"buffered"` // spans waiting
}

// pending is a trace waiting for its local root.
type pending struct {
	id    string
	spans []span.Span
	since time.Time
	elem  *list.Element // in Tail.order
}

// decision is a remembered outcome.
type decision struct {
	id     string
	keep   bool
	reason string
}

// Tail is the tail stage. Its methods are safe for concurrent use; emit
// callbacks run after the Tail's lock is released, on the caller's
// goroutine.
type Tail struct {
	cfg TailConfig

	mu        sync.Mutex
	waiting   map[string]*pending
	order     *list.List // of *pending, oldest first
	buffered  int
	decided   map[string]*list.Element // of decision
	decisions *list.List               // most recent first
	stats     Stats
	emit      func(span.Span) // the last Process call's, for Sweep(nil)
}

// NewTail returns a tail stage configured by cfg.
func NewTail(cfg TailConfig) *Tail {
	if cfg.MaxTraces <= 0 {
		cfg.MaxTraces = DefaultMaxTraces
	}
	if cfg.MaxSpans <= 0 {
		cfg.MaxSpans = DefaultMaxSpans
	}
	if cfg.MaxDecisions <= 0 {
		cfg.MaxDecisions = DefaultMaxDecisions
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Tail{
		cfg:       cfg,
		waiting:   make(map[string]*pending),
		order:     list.New(),
		decided:   make(map[string]*list.Element),
		decisions: list.New(),
		stats:     Stats{Kept: map[string]uint64{}, Dropped: map[string]uint64{}},
	}
}

// Process takes one ended span. sampled is the head decision (the span
// context's sampled flag). Spans to keep are passed to emit, possibly
// together with earlier buffered spans of the same trace, possibly later
// (from another Process or [Tail.Sweep] call). Process also decides the
// traces that timed out.
func (t *Tail) Process(s span.Span, sampled bool, emit func(span.Span)) {
	var out []span.Span
	t.mu.Lock()
	t.emit = emit
	now := t.cfg.Now()
	out = t.sweepLocked(now, out)
	switch {
	case sampled:
		t.stats.Kept[ReasonHead]++
		out = append(out, s)
	default:
		out = t.addLocked(s, now, out)
	}
	t.mu.Unlock()
	for _, v := range out {
		emit(v)
	}
}

// Sweep decides the traces that have waited longer than the timeout and
// passes the spans kept to emit (nil: the emit function of the latest
// Process call). Call it now and then (Process sweeps too) so a trace
// whose root never ends is not held forever.
func (t *Tail) Sweep(emit func(span.Span)) {
	t.mu.Lock()
	out := t.sweepLocked(t.cfg.Now(), nil)
	if emit == nil {
		emit = t.emit
	}
	t.mu.Unlock()
	if emit == nil {
		return
	}
	for _, v := range out {
		emit(v)
	}
}

// Stats returns a copy of the counters.
func (t *Tail) Stats() Stats {
	t.mu.Lock()
	defer t.mu.Unlock()
	st := t.stats
	st.Kept, st.Dropped = make(map[string]uint64), make(map[string]uint64)
	for k, v := range t.stats.Kept {
		st.Kept[k] = v
	}
	for k, v := range t.stats.Dropped {
		st.Dropped[k] = v
	}
	st.Waiting, st.Buffered = len(t.waiting), t.buffered
	return st
}

func (t *Tail) addLocked(s span.Span, now time.Time, out []span.Span) []span.Span {
	if el, ok := t.decided[s.TraceID]; ok {
		t.decisions.MoveToFront(el)
		d := el.Value.(*decision)
		t.stats.Late++
		if d.keep {
			t.stats.Kept[d.reason]++
			return append(out, s)
		}
		t.stats.Dropped[d.reason]++
		return out
	}
	p := t.waiting[s.TraceID]
	if p == nil {
		p = &pending{id: s.TraceID, since: now}
		p.elem = t.order.PushBack(p)
		t.waiting[s.TraceID] = p
	}
	p.spans = append(p.spans, s)
	t.buffered++
	if IsLocalRoot(&s) {
		return t.decideLocked(p, &s, out)
	}
	// Over a bound: drop the oldest waiting traces, possibly this one.
	for len(t.waiting) > t.cfg.MaxTraces || t.buffered > t.cfg.MaxSpans {
		oldest := t.order.Front().Value.(*pending)
		t.stats.Overflow++
		t.finishLocked(oldest, false, ReasonOverflow)
	}
	return out
}

// decideLocked decides p, whose local root is root (nil on timeout).
func (t *Tail) decideLocked(p *pending, root *span.Span, out []span.Span) []span.Span {
	reason := ReasonFast
	if t.cfg.KeepErrors {
		for i := range p.spans {
			if p.spans[i].Status.Code == span.StatusError {
				reason = ReasonError
				break
			}
		}
	}
	if reason == ReasonFast && t.cfg.SlowRoot > 0 && root != nil &&
		root.Duration() >= uint64(t.cfg.SlowRoot.Nanoseconds()) {
		reason = ReasonSlow
	}
	keep := reason != ReasonFast
	if keep {
		out = append(out, p.spans...)
	}
	t.finishLocked(p, keep, reason)
	return out
}

// finishLocked removes p from the waiting traces, counts its spans and
// remembers the decision.
func (t *Tail) finishLocked(p *pending, keep bool, reason string) {
	n := uint64(len(p.spans))
	if keep {
		t.stats.Kept[reason] += n
		t.stats.TracesKept++
	} else {
		t.stats.Dropped[reason] += n
		t.stats.TracesDropped++
	}
	t.buffered -= len(p.spans)
	t.order.Remove(p.elem)
	delete(t.waiting, p.id)
	t.decided[p.id] = t.decisions.PushFront(&decision{id: p.id, keep: keep, reason: reason})
	for t.decisions.Len() > t.cfg.MaxDecisions {
		last := t.decisions.Back()
		t.decisions.Remove(last)
		delete(t.decided, last.Value.(*decision).id)
	}
}

func (t *Tail) sweepLocked(now time.Time, out []span.Span) []span.Span {
	for e := t.order.Front(); e != nil; e = t.order.Front() {
		p := e.Value.(*pending)
		if now.Sub(p.since) < t.cfg.Timeout {
			break
		}
		t.stats.TimedOut++
		out = t.decideLocked(p, nil, out)
	}
	return out
}
