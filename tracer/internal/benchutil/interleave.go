// Package benchutil holds the interleaving benchmark helper of the tracer
// packages.
package benchutil

import (
	"sort"
	"testing"
	"time"
)

// Interleave times several variants of one operation in alternating
// chunks of chunk calls, so that load from other processes hits each alike,
// and reports each variant's median ns per call (and its ratio to the
// first) as benchmark metrics. b.N counts rounds.
func Interleave(b *testing.B, chunk int, names []string, fs []func(n int)) {
	per := make([][]float64, len(fs))
	for b.Loop() {
		for i, f := range fs {
			t0 := time.Now()
			f(chunk)
			per[i] = append(per[i], float64(time.Since(t0).Nanoseconds())/float64(chunk))
		}
	}
	var first float64
	for i, xs := range per {
		sort.Float64s(xs)
		m := xs[len(xs)/2]
		if i == 0 {
			first = m
		}
		b.ReportMetric(m, names[i]+"-ns/call")
		if i > 0 {
			b.ReportMetric(m/first, names[i]+"/"+names[0])
		}
	}
	b.ReportMetric(0, "ns/op")
}
