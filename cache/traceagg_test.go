package cache_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

// TestTraceAggMatchesSummarize builds random traces (start ties, missing
// roots, several roots, services on some spans only) and checks that the
// running summaries give what Summarize derives from all the records.
func TestTraceAggMatchesSummarize(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	svc := func(name string) *span.Resource {
		return &span.Resource{Attributes: []span.KeyValue{span.String("service.name", name)}}
	}
	for round := range 500 {
		var recs []cache.Record
		n := 1 + rng.IntN(12)
		for i := range n {
			s := span.Span{
				TraceID:           fmt.Sprintf("%032x", 1+rng.IntN(3)),
				SpanID:            fmt.Sprintf("%016x", i+1),
				Name:              fmt.Sprintf("s%d", i),
				StartTimeUnixNano: 1_700_000_000_000_000_000 + uint64(rng.IntN(4)),
			}
			s.EndTimeUnixNano = s.StartTimeUnixNano + uint64(rng.IntN(10))
			if rng.IntN(3) > 0 {
				s.ParentSpanID = fmt.Sprintf("%016x", 100+rng.IntN(5))
			}
			if rng.IntN(3) == 0 {
				s.Resource = svc(fmt.Sprintf("svc%d", rng.IntN(3)))
			}
			if rng.IntN(4) == 0 {
				s.Status.Code = span.StatusError
			}
			recs = append(recs, cache.Record{Seq: uint64(i + 1), Span: s, Exported: rng.IntN(2) == 0})
		}
		// Records in any order: AggOf adds them by Seq.
		rng.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
		want := cache.Summarize(recs)
		pending := make(map[string]int)
		for _, r := range recs {
			if !r.Exported {
				pending[r.Span.TraceID]++
			}
		}
		var got []cache.TraceSummary
		for id, a := range cache.AggOf(recs) {
			got = append(got, a.Summary(pending[id]))
		}
		cache.SortSummaries(got)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: running summaries\n%+v\nSummarize\n%+v\nrecords %+v", round, got, want, recs)
		}
	}
}
