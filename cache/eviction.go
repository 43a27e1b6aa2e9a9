package cache

import (
	"time"

	"github.com/spanfall/spanfall/tracer/span"
)

// The eviction policy, shared by every store: when a cap of [Limits] is
// exceeded, spans are evicted in ascending [Class], oldest Seq first within
// a class, until the store fits; spans stored longer than MaxAge ago are
// evicted first, whatever their class. Stores walk their spans in that
// order and account for each victim with a [Trim].

// Class is the eviction class of a stored span. A trace is an error trace
// once any of its stored spans has status code error; its spans, stored
// before or after that one, are in the error classes.
type Class int

// Eviction classes, evicted in this order.
const (
	// ClassExported holds exported spans of traces without errors.
	ClassExported Class = iota
	// ClassExportedError holds exported spans of error traces.
	ClassExportedError
	// ClassPending holds spans of traces without errors not yet exported.
	ClassPending
	// ClassPendingError holds spans of error traces not yet exported.
	ClassPendingError
)

// ClassOf returns the class of a span.
func ClassOf(exported, errorTrace bool) Class {
	c := ClassPending
	if exported {
		c = ClassExported
	}
	if errorTrace {
		c++
	}
	return c
}

// Exported reports whether spans of class c are exported.
func (c Class) Exported() bool { return c == ClassExported || c == ClassExportedError }

// ErrorTrace reports whether spans of class c belong to an error trace.
func (c Class) ErrorTrace() bool { return c == ClassExportedError || c == ClassPendingError }

// Reason is why a span was evicted.
type Reason int

// Eviction reasons.
const (
	// ReasonCount: the store held more than MaxSpans.
	ReasonCount Reason = iota
	// ReasonBytes: the store held more than MaxBytes.
	ReasonBytes
	// ReasonAge: the span was stored longer than MaxAge ago.
	ReasonAge
	// ReasonQuota: the browser refused a write for lack of storage quota.
	ReasonQuota
)

// Evictions counts evicted spans since the store was created (for
// IndexedDB, since the database was). Each evicted span counts once under
// a reason (Count, Bytes, Age, Quota) and once under Exported or Pending;
// Errors counts those of them that belonged to error traces.
type Evictions struct {
	// Count spans were evicted because the store held more than MaxSpans.
	Count int `json:"count"`
	// Bytes spans were evicted because the store held more than MaxBytes
	// (and no more than MaxSpans).
	Bytes int `json:"bytes"`
	// Age spans were evicted because they were stored more than MaxAge ago.
	Age int `json:"age"`
	// Quota spans were evicted to make room after the browser refused a
	// write with QuotaExceededError.
	Quota int `json:"quota"`
	// Exported and Pending split the evicted spans by export state.
	Exported int `json:"exported"`
	Pending  int `json:"pending"`
	// Errors is how many evicted spans belonged to error traces.
	Errors int `json:"errors"`
}

// Total returns the number of evicted spans.
func (e Evictions) Total() int { return e.Count + e.Bytes + e.Age + e.Quota }

// Add counts one span of class c evicted for reason r.
func (e *Evictions) Add(r Reason, c Class) {
	switch r {
	case ReasonCount:
		e.Count++
	case ReasonBytes:
		e.Bytes++
	case ReasonAge:
		e.Age++
	case ReasonQuota:
		e.Quota++
	}
	if c.Exported() {
		e.Exported++
	} else {
		e.Pending++
	}
	if c.ErrorTrace() {
		e.Errors++
	}
}

// Merge adds the counts of o to e.
func (e *Evictions) Merge(o Evictions) {
	e.Count += o.Count
	e.Bytes += o.Bytes
	e.Age += o.Age
	e.Quota += o.Quota
	e.Exported += o.Exported
	e.Pending += o.Pending
	e.Errors += o.Errors
}

// Trim enforces the caps once, in a store's write: the store gives it the
// usage after the write, evicts the expired spans it reports, then the
// next span in policy order while Over says so, and reports every victim
// with Evict. It only does the arithmetic; the store does the walking.
type Trim struct {
	limits  Limits
	now     time.Time
	usage   Usage
	evicted Evictions
}

// NewTrim returns a trim of a store holding u at now under limits l.
func NewTrim(l Limits, now time.Time, u Usage) *Trim {
	return &Trim{limits: l.Resolve(), now: now, usage: u}
}

// Expired reports whether a span stored at stored must go for its age.
func (t *Trim) Expired(stored time.Time) bool { return t.limits.Expired(stored, t.now) }

// Over returns the cap the store still exceeds and true, or false when it
// fits.
func (t *Trim) Over() (Reason, bool) { return t.limits.Over(t.usage) }

// Evict accounts for one span of class c and stored size size evicted for
// reason r.
func (t *Trim) Evict(r Reason, c Class, size int64) {
	t.usage.Spans--
	t.usage.Bytes -= size
	t.evicted.Add(r, c)
}

// Add accounts for spans added by the write.
func (t *Trim) Add(spans int, bytes int64) {
	t.usage.Spans += spans
	t.usage.Bytes += bytes
}

// Usage returns the usage after the evictions so far.
func (t *Trim) Usage() Usage { return t.usage }

// Evicted returns the evictions so far.
func (t *Trim) Evicted() Evictions { return t.evicted }

// QuotaVictims returns how many of a store's spans to evict after a write
// failed for lack of quota: a quarter, rounded up, so that repeated rounds
// empty the store.
func QuotaVictims(spans int) int {
	if spans <= 0 {
		return 0
	}
	return (spans + 3) / 4
}

// BatchTrace is what the spans of one Put bring to one trace.
type BatchTrace struct {
	TraceID string
	// Spans is the number of spans of the trace in the batch.
	Spans int
	// Error is true when one of them has status code error, which makes
	// the trace an error trace.
	Error bool
}

// BatchTraces returns the traces of spans in order of first appearance.
func BatchTraces(spans []span.Span) []BatchTrace {
	var out []BatchTrace
	at := make(map[string]int)
	for i := range spans {
		s := &spans[i]
		j, ok := at[s.TraceID]
		if !ok {
			j = len(out)
			at[s.TraceID] = j
			out = append(out, BatchTrace{TraceID: s.TraceID})
		}
		out[j].Spans++
		if s.Status.Code == span.StatusError {
			out[j].Error = true
		}
	}
	return out
}
