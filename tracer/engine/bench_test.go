package engine

import (
	"crypto/rand"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/spanfall/spanfall/tracer/internal/benchutil"
)

// The benchmarks below split the cost of a span into its parts; run them in
// Chromium (docs/benchmarks.md, "span engine").

// BenchmarkSpanDrop is a span (start, 5 attributes, end) into a sink that
// drops it: the engine alone; End only hands the span over.
func BenchmarkSpanDrop(b *testing.B) {
	benchSpans(b, func(Ended) {})
}

// BenchmarkSpanDropConverted is BenchmarkSpanDrop with the span.Span built,
// as the store processor's writer builds it, then dropped.
func BenchmarkSpanDropConverted(b *testing.B) {
	benchSpans(b, func(e Ended) { _ = e.Span() })
}

func benchSpans(b *testing.B, sink Sink) {
	p := New(sink)
	t := p.Tracer("bench")
	ctx := b.Context()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_, s := t.Start(ctx, "bench", trace.WithAttributes(
			attribute.String("a", "x"), attribute.String("b", "y"),
			attribute.Int("i", i), attribute.Int("j", 2), attribute.Bool("ok", true)))
		s.End()
		i++
	}
}

func BenchmarkTimeNow(b *testing.B) {
	for b.Loop() {
		_ = time.Now()
	}
}

func BenchmarkClockNow(b *testing.B) {
	c := newClock()
	for b.Loop() {
		_ = c.now()
	}
}

func BenchmarkRandRead24(b *testing.B) {
	var buf [24]byte
	for b.Loop() {
		_, _ = rand.Read(buf[:])
	}
}

func BenchmarkIDPool(b *testing.B) {
	g := newIDPool()
	for b.Loop() {
		_, _ = g.newIDs()
	}
}

func BenchmarkStartConfig(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = trace.NewSpanStartConfig(trace.WithAttributes(
			attribute.String("a", "x"), attribute.String("b", "y"),
			attribute.Int("i", 1), attribute.Int("j", 2), attribute.Bool("ok", true)))
	}
}

// BenchmarkClockVsTimeNow: the engine's clock read against time.Now.
func BenchmarkClockVsTimeNow(b *testing.B) {
	c := newClock()
	var sink int64
	benchutil.Interleave(b, 20_000, []string{"clock", "timeNow"}, []func(int){
		func(n int) {
			for range n {
				sink += c.now()
			}
		},
		func(n int) {
			for range n {
				sink += time.Now().UnixNano()
			}
		},
	})
	_ = sink
}

// BenchmarkIDsPoolVsRead: ids for one root span (24 bytes) from the pool
// against one crypto/rand read per span.
func BenchmarkIDsPoolVsRead(b *testing.B) {
	g := newIDPool()
	var buf [24]byte
	benchutil.Interleave(b, 20_000, []string{"pool", "randRead"}, []func(int){
		func(n int) {
			for range n {
				_, _ = g.newIDs()
			}
		},
		func(n int) {
			for range n {
				_, _ = rand.Read(buf[:])
			}
		},
	})
}

// BenchmarkStartVariants: the same span loop with the changes of the
// second round of tuning turned off one at a time, interleaved: "now" is
// the engine as it is; "config" reads the options with
// trace.NewSpanStartConfig (no attribute fast path); "twoAllocs" keeps
// the attributes in an allocation of their own.
func BenchmarkStartVariants(b *testing.B) {
	t := New(func(Ended) {}).Tracer("bench")
	ctx := b.Context()
	loop := func(n int) {
		for i := range n {
			_, s := t.Start(ctx, "bench", trace.WithAttributes(
				attribute.String("a", "x"), attribute.String("b", "y"),
				attribute.Int("i", i), attribute.Int("j", 2), attribute.Bool("ok", true)))
			s.End()
		}
	}
	fast := attrOptionType
	defer func() { attrOptionType, inlineAttrs = fast, true }()
	benchutil.Interleave(b, 20_000, []string{"now", "config", "twoAllocs"}, []func(int){
		loop,
		func(n int) { attrOptionType = nil; loop(n); attrOptionType = fast },
		func(n int) { inlineAttrs = false; loop(n); inlineAttrs = true },
	})
}
