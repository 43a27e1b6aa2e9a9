package cache

import (
	"cmp"
	"slices"

	"github.com/spanfall/spanfall/tracer/span"
)

// TraceAgg is the running summary of one trace that the memory store keeps
// as it writes, so that its Traces reads no span. Spans are added in Seq order ([TraceAgg.Add]); removing
// spans is not supported: a store that evicts spans of a trace builds its
// TraceAgg again from the spans left ([AggOf]). It carries what
// [Summarize] derives from the spans except the export counts, which
// change without a write of the trace: [TraceAgg.Summary] takes them.
//
// (IndexedDB keeps none: summaries rewritten by every Put left that store
// unable to make room under a tight quota; docs/viewer-performance.md.)
type TraceAgg struct {
	TraceID string `json:"traceId"`
	Start   uint64 `json:"start,string"`
	End     uint64 `json:"end,string"`
	Spans   int    `json:"spans"`
	Errors  int    `json:"errors"`
	// Root is the earliest parentless span, First the earliest span, and
	// Svc the earliest span with a service name; ties go to the lower Seq.
	Root  aggSpan `json:"root"`
	First aggSpan `json:"first"`
	Svc   aggSpan `json:"svc"`
}

// aggSpan is a span a [TraceAgg] remembers: its name, start and service.
type aggSpan struct {
	Set     bool   `json:"set,omitempty"`
	Name    string `json:"name,omitempty"`
	Start   uint64 `json:"start,string"`
	Service string `json:"service,omitempty"`
}

// earlier reports whether a span starting at start, added after those
// a remembers, comes before a's in (start, Seq) order.
func (a aggSpan) earlier(start uint64) bool { return !a.Set || start < a.Start }

// Add adds s, the span with the highest Seq so far, to the trace's
// summary.
func (t *TraceAgg) Add(s *span.Span) {
	svc := serviceName(s.Resource)
	one := aggSpan{Set: true, Name: s.Name, Start: s.StartTimeUnixNano, Service: svc}
	if t.Spans == 0 {
		t.TraceID, t.Start = s.TraceID, s.StartTimeUnixNano
	}
	t.Spans++
	t.Start = min(t.Start, s.StartTimeUnixNano)
	t.End = max(t.End, s.EndTimeUnixNano)
	if s.Status.Code == span.StatusError {
		t.Errors++
	}
	if s.IsRoot() && t.Root.earlier(one.Start) {
		t.Root = one
	}
	if t.First.earlier(one.Start) {
		t.First = one
	}
	if svc != "" && t.Svc.earlier(one.Start) {
		t.Svc = one
	}
}

// Summary returns the trace's [TraceSummary] with pending of its spans
// not exported yet, as [Summarize] makes it.
func (t *TraceAgg) Summary(pending int) TraceSummary {
	sum := TraceSummary{
		TraceID: t.TraceID, Start: t.Start, End: t.End,
		Spans: t.Spans, Errors: t.Errors,
		Pending: pending, Exported: t.Spans - pending,
	}
	root := t.Root
	if !root.Set {
		root, sum.RootMissing = t.First, true
	}
	sum.RootName = root.Name
	sum.Service = cmp.Or(root.Service, t.Svc.Service)
	return sum
}

// AggOf builds the summaries of the traces of records, by trace id, adding
// the records of each in Seq order.
func AggOf(records []Record) map[string]*TraceAgg {
	bySeq := make([]*Record, len(records))
	for i := range records {
		bySeq[i] = &records[i]
	}
	slices.SortFunc(bySeq, func(a, b *Record) int { return cmp.Compare(a.Seq, b.Seq) })
	out := make(map[string]*TraceAgg)
	for _, r := range bySeq {
		t := out[r.Span.TraceID]
		if t == nil {
			t = &TraceAgg{}
			out[r.Span.TraceID] = t
		}
		t.Add(&r.Span)
	}
	return out
}

// SortSummaries sorts trace summaries as [Store.Traces] returns them:
// newest start first, ties by trace id.
func SortSummaries(s []TraceSummary) {
	slices.SortFunc(s, func(a, b TraceSummary) int {
		if c := cmp.Compare(b.Start, a.Start); c != 0 {
			return c
		}
		return cmp.Compare(a.TraceID, b.TraceID)
	})
}
