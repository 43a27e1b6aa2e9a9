package otlp_test

import (
	"fmt"
	"testing"

	"github.com/spanfall/spanfall/tracer/otlp"
	"github.com/spanfall/spanfall/tracer/span"
)

// benchSpans returns n spans of one trace, one resource and one scope, each
// with 5 attributes, like a page's fetch and interaction spans.
func benchSpans(n int) []span.Span {
	res := &span.Resource{ID: "r", Attributes: []span.KeyValue{
		span.String("service.name", "spanfall-demo"), span.String("telemetry.sdk.language", "go"),
	}}
	spans := make([]span.Span, n)
	for i := range spans {
		spans[i] = span.Span{
			TraceID: fmt.Sprintf("%032x", 0xabc0000+i/50), SpanID: fmt.Sprintf("%016x", 0x1000000+i),
			ParentSpanID: fmt.Sprintf("%016x", 0x1000000+i/50*50),
			Name:         "GET /api/items", Kind: span.KindClient,
			StartTimeUnixNano: 1_700_000_000_000_000_000 + uint64(i)*1_000_000,
			EndTimeUnixNano:   1_700_000_000_000_000_000 + uint64(i)*1_000_000 + 250_000,
			Attributes: []span.KeyValue{
				span.String("http.request.method", "GET"),
				span.String("url.full", fmt.Sprintf("https://example.com/api/items?page=%d", i)),
				span.Int("http.response.status_code", 200),
				span.Float("http.response.body.size.kb", float64(i)/3),
				span.Bool("cache.hit", i%3 == 0),
			},
			Resource: res, Scope: span.Scope{Name: "github.com/spanfall/spanfall/tracer/browser", Version: "0.1.0"},
		}
	}
	return spans
}

// BenchmarkMarshal compares the two encoders on 1,000 spans and reports
// the body size, its gzipped size and the gzip ratio.
func BenchmarkMarshal(b *testing.B) {
	spans := benchSpans(1000)
	for _, bm := range []struct {
		name    string
		marshal func([]span.Span) ([]byte, error)
		enc     otlp.Encoding
	}{
		{"proto", otlp.MarshalProto, otlp.EncodingProtobuf},
		{"json", otlp.MarshalJSON, otlp.EncodingJSON},
	} {
		b.Run(bm.name, func(b *testing.B) {
			body, err := bm.marshal(spans)
			if err != nil {
				b.Fatal(err)
			}
			gz, _, _, err := otlp.NewExporter("", otlp.WithEncoding(bm.enc)).Encode(spans)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := bm.marshal(spans); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(body)), "body-B")
			b.ReportMetric(float64(len(gz)), "gzip-B")
			b.ReportMetric(float64(len(body))/float64(len(gz)), "gzip-ratio")
		})
	}
}

// BenchmarkEncode is the whole body preparation of Export: encode and gzip.
func BenchmarkEncode(b *testing.B) {
	spans := benchSpans(1000)
	for _, enc := range []otlp.Encoding{otlp.EncodingProtobuf, otlp.EncodingJSON} {
		b.Run(enc.String()[len("application/"):]+"+gzip", func(b *testing.B) {
			exp := otlp.NewExporter("", otlp.WithEncoding(enc))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, _, err := exp.Encode(spans); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// attrSpans returns n spans of one resource and scope, each with five
// attributes (two strings, two ints and a bool), realistic ids and times:
// the batch BenchmarkMarshalJSON1000 encodes.
func attrSpans(n int) []span.Span {
	res := &span.Resource{ID: "r", Attributes: []span.KeyValue{
		span.String("service.name", "spanfall-demo"), span.String("telemetry.sdk.language", "go"),
	}}
	spans := make([]span.Span, n)
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
	return spans
}

// BenchmarkMarshalJSON1000 is MarshalJSON of 1,000 spans of five
// attributes each.
func BenchmarkMarshalJSON1000(b *testing.B) {
	spans := attrSpans(1000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := otlp.MarshalJSON(spans); err != nil {
			b.Fatal(err)
		}
	}
}
