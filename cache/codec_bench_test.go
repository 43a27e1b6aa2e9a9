package cache_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

// BenchmarkEncodeBatch512 is EncodeBatch of one flush batch: 512 spans of
// five attributes each (two strings, two ints and a bool).
func BenchmarkEncodeBatch512(b *testing.B) {
	res := &span.Resource{ID: "r", Attributes: []span.KeyValue{span.String("service.name", "spanfall-demo")}}
	spans := make([]span.Span, 512)
	for i := range spans {
		start := 1_700_000_000_000_000_000 + uint64(i)*1_000_000
		spans[i] = span.Span{
			TraceID: fmt.Sprintf("%032x", 0x4bf92f3577b34da6+i/50), SpanID: fmt.Sprintf("%016x", 0x00f067aa0ba902b7+i),
			ParentSpanID: fmt.Sprintf("%016x", 0x00f067aa0ba902b7+i/50*50),
			Name:         "GET /api/items", Kind: span.KindClient,
			StartTimeUnixNano: start, EndTimeUnixNano: start + 250_000,
			Attributes: []span.KeyValue{
				span.String("http.request.method", "GET"),
				span.String("url.full", fmt.Sprintf("https://example.com/api/items?page=%d", i)),
				span.Int("http.response.status_code", 200),
				span.Int("http.response.body.size", int64(1000+i)),
				span.Bool("cache.hit", i%3 == 0),
			},
			Resource: res, Scope: span.Scope{Name: "github.com/spanfall/spanfall/tracer/browser", Version: "0.1.0"},
		}
	}
	stored := time.UnixMilli(1_700_000_000_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cache.EncodeBatch(spans, stored); err != nil {
			b.Fatal(err)
		}
	}
}
