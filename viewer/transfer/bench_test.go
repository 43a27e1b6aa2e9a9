package transfer_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/spanfall/spanfall/tracer/span"
	"github.com/spanfall/spanfall/viewer/transfer"
)

// benchFile is n spans in traces of 1000, 1000 spans a line, like the
// e2e bench's file.
func benchFile(b *testing.B, n int) []byte {
	var buf bytes.Buffer
	res := &span.Resource{Attributes: []span.KeyValue{span.String("service.name", "bench")}}
	for i := 0; i < n; i += 1000 {
		spans := make([]span.Span, 0, 1000)
		for k := 0; k < 1000 && i+k < n; k++ {
			spans = append(spans, span.Span{TraceID: fmt.Sprintf("%032x", (i+k)/1000+1), SpanID: fmt.Sprintf("%016x", i+k+1),
				Name: "GET /api/item", Kind: span.KindClient, StartTimeUnixNano: uint64(1e18 + k), EndTimeUnixNano: uint64(1e18 + k + 500),
				Attributes: []span.KeyValue{span.Int("http.response.status_code", 200), span.String("url.full", "https://shop.test/api/item/1")},
				Resource:   res})
		}
		line, err := transfer.OTLPJSON(spans)
		if err != nil {
			b.Fatal(err)
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// BenchmarkDecode100k decodes a 100,000-span JSONL file; run it in
// Chromium with wasmbrowsertest for the browser's figure.
func BenchmarkDecode100k(b *testing.B) {
	file := benchFile(b, 100_000)
	b.SetBytes(int64(len(file)))
	b.ResetTimer()
	for b.Loop() {
		spans, err := transfer.Decode(bytes.NewReader(file), nil)
		if err != nil || len(spans) != 100_000 {
			b.Fatal(len(spans), err)
		}
	}
	b.ReportMetric(float64(100_000*b.N)/b.Elapsed().Seconds(), "spans/s")
}
