// Package diff compares two traces span name by span name: how many
// spans of each name each trace has and how long they took, so that a
// regression between a baseline run (say, last week's Playwright run) and
// the current one shows up as a row with a large delta.
package diff

import (
	"slices"
	"strings"

	"github.com/spanfall/spanfall/tracer/span"
)

// Delta compares the spans of one name in the baseline and the current
// trace. Durations are in ns; a count of 0 means the name is absent.
type Delta struct {
	Name string
	// BaseCount and Count are the numbers of spans of this name.
	BaseCount, Count int
	// BaseTotal and Total sum their durations.
	BaseTotal, Total uint64
	// BaseP50 and P50 are their median durations (nearest rank).
	BaseP50, P50 uint64
}

// CountDelta is Count − BaseCount.
func (d Delta) CountDelta() int { return d.Count - d.BaseCount }

// TotalDelta is Total − BaseTotal, in ns.
func (d Delta) TotalDelta() int64 { return int64(d.Total) - int64(d.BaseTotal) }

// P50Delta is P50 − BaseP50, in ns.
func (d Delta) P50Delta() int64 { return int64(d.P50) - int64(d.BaseP50) }

// Change classifies the delta: "added" (only in the current trace),
// "removed" (only in the baseline), "changed" or "same" (same count and
// total duration).
func (d Delta) Change() string {
	switch {
	case d.BaseCount == 0:
		return "added"
	case d.Count == 0:
		return "removed"
	case d.Count == d.BaseCount && d.Total == d.BaseTotal:
		return "same"
	}
	return "changed"
}

// Compare returns a Delta per span name found in either trace, the
// largest absolute total-duration change first (ties by name).
func Compare(base, cur []span.Span) []Delta {
	type acc struct{ base, cur []uint64 }
	by := map[string]*acc{}
	get := func(n string) *acc {
		a := by[n]
		if a == nil {
			a = &acc{}
			by[n] = a
		}
		return a
	}
	for i := range base {
		a := get(base[i].Name)
		a.base = append(a.base, base[i].Duration())
	}
	for i := range cur {
		a := get(cur[i].Name)
		a.cur = append(a.cur, cur[i].Duration())
	}
	out := make([]Delta, 0, len(by))
	for n, a := range by {
		d := Delta{Name: n, BaseCount: len(a.base), Count: len(a.cur)}
		d.BaseTotal, d.BaseP50 = stats(a.base)
		d.Total, d.P50 = stats(a.cur)
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b Delta) int {
		x, y := absInt(a.TotalDelta()), absInt(b.TotalDelta())
		switch {
		case x > y:
			return -1
		case x < y:
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// Index maps each delta's name to it.
func Index(ds []Delta) map[string]Delta {
	m := make(map[string]Delta, len(ds))
	for _, d := range ds {
		m[d.Name] = d
	}
	return m
}

func stats(durs []uint64) (total, p50 uint64) {
	if len(durs) == 0 {
		return 0, 0
	}
	for _, d := range durs {
		total += d
	}
	slices.Sort(durs)
	k := (50*len(durs) + 99) / 100
	return total, durs[max(k-1, 0)]
}

func absInt(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
