package viewer

import (
	"time"

	"github.com/spanfall/spanfall/cache"
)

// Live refresh periods. On each tick of LiveInterval the viewer reads the
// store's Stats (a few counters); the open trace only when the counts
// changed since it was read ([TraceDue]), and then only its spans stored
// since (cache.TraceTailer, see [TailFrom]) unless spans were evicted
// meanwhile; the trace list (Store.Traces, one summary per trace) only
// when the counts changed, and, while a trace is open, at most every
// ListInterval ([ListDue]).
const (
	LiveInterval = 2 * time.Second
	ListInterval = 10 * time.Second
	// traceCostFactor bounds the share of time live refresh spends
	// reading the open trace to about 1/traceCostFactor.
	traceCostFactor = 5
)

// TraceChanged reports whether recs differ from the records rows were laid
// out from: another count, or a record stored or exported since.
func TraceChanged(rows []Row, recs []cache.Record) bool {
	if len(rows) != len(recs) {
		return true
	}
	type state struct {
		seq      uint64
		exported bool
	}
	seen := make(map[string]state, len(rows))
	for i := range rows {
		seen[rows[i].Record.Span.SpanID] = state{rows[i].Record.Seq, rows[i].Record.Exported}
	}
	for _, r := range recs {
		if s, ok := seen[r.Span.SpanID]; !ok || s.seq != r.Seq || s.exported != r.Exported {
			return true
		}
	}
	return false
}

// TailFrom tells whether a live refresh of the open trace, laid out in
// rows, may read only the spans stored after them, and after which Seq:
// when store has TraceAfter and rows are the whole trace (full is false:
// no full read asked for, and rows are not the trace's head). The export
// state of the spans shown is then the one of their last full read.
func TailFrom(store cache.Store, rows []Row, full bool) (uint64, bool) {
	if _, ok := store.(cache.TraceTailer); !ok || full || len(rows) == 0 {
		return 0, false
	}
	return MaxSeq(rows), true
}

// MaxSeq returns the highest Seq of the records of rows, 0 for none.
func MaxSeq(rows []Row) uint64 {
	var m uint64
	for i := range rows {
		m = max(m, rows[i].Record.Seq)
	}
	return m
}

// AppendTail returns the records of rows with tail, read after them,
// added, in the order of [cache.Store.Trace].
func AppendTail(rows []Row, tail []cache.Record) []cache.Record {
	out := make([]cache.Record, 0, len(rows)+len(tail))
	for i := range rows {
		out = append(out, rows[i].Record)
	}
	out = append(out, tail...)
	cache.SortByStart(out)
	return out
}

// StatsChanged reports whether two Stats differ in what the trace list
// shows.
func StatsChanged(a, b cache.Stats) bool {
	return a.Spans != b.Spans || a.Pending != b.Pending || a.Exported != b.Exported ||
		a.Traces != b.Traces || a.Evicted.Total() != b.Evicted.Total()
}

// ListDue reports whether a live tick at now should read the trace list
// again, last read at last: only when the store's counts changed, and,
// while a trace is open (the list is not what the user looks at), no
// sooner than ListInterval after the last read.
func ListDue(last, now time.Time, statsChanged, traceOpen bool) bool {
	if !statsChanged {
		return false
	}
	return !traceOpen || now.Sub(last) >= ListInterval
}

// TraceDue reports whether a live tick at now should read the open trace
// again, last read at last in cost: only when the store's counts changed
// since, and no sooner than traceCostFactor times the last read's cost
// (a trace of 10,000 spans takes over a second to read and decode).
func TraceDue(last time.Time, cost time.Duration, now time.Time, statsChanged bool) bool {
	if !statsChanged {
		return false
	}
	return now.Sub(last) >= max(LiveInterval, traceCostFactor*cost)
}
