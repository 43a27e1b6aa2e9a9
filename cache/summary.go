package cache

import (
	"cmp"
	"slices"

	"github.com/spanfall/spanfall/tracer/span"
)

// serviceNameKey is the resource attribute naming the service (OTel
// semantic conventions).
const serviceNameKey = "service.name"

// Summarize groups records by trace and summarises each trace, newest start
// first (ties by trace id). The root is the parentless span (the earliest
// one if several); when none is stored, the earliest span stands in and
// RootMissing is set. Service is the root's service.name resource
// attribute, else the first one found in start order. It returns nil for no
// records and does not modify records.
func Summarize(records []Record) []TraceSummary {
	if len(records) == 0 {
		return nil
	}
	byTrace := make(map[string][]*Record)
	for i := range records {
		r := &records[i]
		byTrace[r.Span.TraceID] = append(byTrace[r.Span.TraceID], r)
	}
	out := make([]TraceSummary, 0, len(byTrace))
	for id, rs := range byTrace {
		out = append(out, summarize(id, rs))
	}
	slices.SortFunc(out, func(a, b TraceSummary) int {
		if c := cmp.Compare(b.Start, a.Start); c != 0 {
			return c
		}
		return cmp.Compare(a.TraceID, b.TraceID)
	})
	return out
}

// SortByStart sorts records by span start time, then by Seq: the order of
// [Store.Trace].
func SortByStart(records []Record) {
	slices.SortFunc(records, func(a, b Record) int {
		if c := cmp.Compare(a.Span.StartTimeUnixNano, b.Span.StartTimeUnixNano); c != 0 {
			return c
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
}

// summarize summarises the records of one trace.
func summarize(traceID string, rs []*Record) TraceSummary {
	slices.SortStableFunc(rs, func(a, b *Record) int {
		if c := cmp.Compare(a.Span.StartTimeUnixNano, b.Span.StartTimeUnixNano); c != 0 {
			return c
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
	sum := TraceSummary{
		TraceID: traceID,
		Start:   rs[0].Span.StartTimeUnixNano,
		Spans:   len(rs),
	}
	root := -1
	for i, r := range rs {
		s := &r.Span
		if root < 0 && s.IsRoot() {
			root = i
		}
		sum.End = max(sum.End, s.EndTimeUnixNano)
		if s.Status.Code == span.StatusError {
			sum.Errors++
		}
		if r.Exported {
			sum.Exported++
		} else {
			sum.Pending++
		}
	}
	if root < 0 {
		root = 0
		sum.RootMissing = true
	}
	sum.RootName = rs[root].Span.Name
	sum.Service = serviceName(rs[root].Span.Resource)
	for i := 0; sum.Service == "" && i < len(rs); i++ {
		sum.Service = serviceName(rs[i].Span.Resource)
	}
	return sum
}

// serviceName returns the service.name attribute of r, "" when absent.
func serviceName(r *span.Resource) string {
	if r == nil {
		return ""
	}
	for _, kv := range r.Attributes {
		if kv.Key == serviceNameKey && kv.Value.Type == span.TypeString {
			return kv.Value.Str
		}
	}
	return ""
}
