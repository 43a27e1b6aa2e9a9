package viewer

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spanfall/spanfall/cache"
)

// SortKey orders the trace list.
type SortKey string

// Sort keys. Each sorts descending first: newest, longest, most errors.
const (
	SortStart    SortKey = "start"
	SortDuration SortKey = "duration"
	SortErrors   SortKey = "errors"
	SortSpans    SortKey = "spans"
)

// StatusFilter keeps traces by their error count.
type StatusFilter string

// Status filters.
const (
	StatusAny    StatusFilter = ""
	StatusErrors StatusFilter = "errors"
	StatusOK     StatusFilter = "ok"
)

// ListQuery is how the trace list is filtered and sorted.
type ListQuery struct {
	// Text keeps traces whose root name, service or trace id contains it,
	// ignoring case.
	Text   string
	Status StatusFilter
	// MinDuration keeps traces at least this long, in ns.
	MinDuration uint64
	// Since keeps traces starting at or after it (Unix ns); 0 keeps all.
	Since uint64
	// Sort is the order, SortStart when empty; Ascending reverses it.
	Sort      SortKey
	Ascending bool
}

// FilterTraces returns the traces q keeps, in q's order; ties keep the
// newest first, then trace id order. traces is not modified.
func FilterTraces(traces []cache.TraceSummary, q ListQuery) []cache.TraceSummary {
	out := make([]cache.TraceSummary, 0, len(traces))
	for _, t := range traces {
		if keepTrace(&t, &q) {
			out = append(out, t)
		}
	}
	key := func(t *cache.TraceSummary) uint64 {
		switch q.Sort {
		case SortDuration:
			return sub(t.End, t.Start)
		case SortErrors:
			return uint64(max(t.Errors, 0))
		case SortSpans:
			return uint64(max(t.Spans, 0))
		}
		return t.Start
	}
	slices.SortStableFunc(out, func(a, b cache.TraceSummary) int {
		c := cmp.Compare(key(&b), key(&a))
		if q.Ascending {
			c = -c
		}
		if c != 0 {
			return c
		}
		if c := cmp.Compare(b.Start, a.Start); c != 0 {
			return c
		}
		return cmp.Compare(a.TraceID, b.TraceID)
	})
	return out
}

func keepTrace(t *cache.TraceSummary, q *ListQuery) bool {
	switch q.Status {
	case StatusErrors:
		if t.Errors == 0 {
			return false
		}
	case StatusOK:
		if t.Errors > 0 {
			return false
		}
	}
	if sub(t.End, t.Start) < q.MinDuration || t.Start < q.Since {
		return false
	}
	if q.Text != "" && IndexFold(t.RootName, q.Text) < 0 && IndexFold(t.Service, q.Text) < 0 &&
		!strings.HasPrefix(t.TraceID, strings.ToLower(q.Text)) {
		return false
	}
	return true
}

// ErrBadDuration is wrapped by the error of [ParseMinDuration].
var ErrBadDuration = errors.New("not a duration")

// ParseMinDuration reads a minimum duration typed in the list's filter: a
// Go duration ("250ms", "1.5s", "20µs" or "20us") or a bare number of
// milliseconds; "" is 0. Negative durations are refused.
func ParseMinDuration(s string) (uint64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f < 0 || math.IsNaN(f) || f > math.MaxInt64/1e6 {
			return 0, fmt.Errorf("viewer: min duration %q: %w", s, ErrBadDuration)
		}
		return uint64(f * 1e6), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("viewer: min duration %q: %w", s, ErrBadDuration)
	}
	return uint64(d), nil
}

// ExportState describes how much of a trace reached the collector:
// "exported", "pending" or "3 pending".
func ExportState(t cache.TraceSummary) string {
	switch {
	case t.Pending == 0:
		return "exported"
	case t.Exported == 0:
		return "pending"
	}
	return fmt.Sprintf("%d pending", t.Pending)
}

// StatusLine is the pipeline status shown above the list: the store kind
// and its counts.
func StatusLine(kind string, st cache.Stats) string {
	return fmt.Sprintf("%s store · %d spans · %d pending · %d exported · %d evicted · %d traces",
		kind, st.Spans, st.Pending, st.Exported, st.Evicted.Total(), st.Traces)
}
