package otlp_test

import (
	"fmt"

	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/spanfall/spanfall/tracer/otlp"
	"github.com/spanfall/spanfall/tracer/span"
)

func exampleSpans() []span.Span {
	return []span.Span{{
		TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", SpanID: "00f067aa0ba902b7",
		Name: "GET /items", Kind: span.KindClient, StartTimeUnixNano: 1_700_000_000_000_000_000, EndTimeUnixNano: 1_700_000_000_250_000_000,
		Attributes: []span.KeyValue{span.Int("http.response.status_code", 200)},
		Resource:   &span.Resource{ID: "r1", Attributes: []span.KeyValue{span.String("service.name", "shop")}},
		Scope:      span.Scope{Name: "spanfall"},
	}}
}

// The default exporter posts gzipped protobuf; Encode gives the same body
// to another sender, such as a keepalive fetch at page unload.
func ExampleExporter_Encode() {
	exp := otlp.NewExporter("https://collector.example/v1/traces")
	body, ctype, cenc, err := exp.Encode(exampleSpans())
	fmt.Println(ctype, cenc, err, body[0] == 0x1f && body[1] == 0x8b)

	plain := otlp.NewExporter("https://collector.example/v1/traces",
		otlp.WithEncoding(otlp.EncodingJSON), otlp.WithCompression(otlp.CompressionNone))
	body, ctype, cenc, err = plain.Encode(exampleSpans())
	fmt.Printf("%s %q %v %.16s…\n", ctype, cenc, err, body)
	// Output:
	// application/x-protobuf gzip <nil> true
	// application/json "" <nil> {"resourceSpans"…
}

// MarshalProto writes the binary ExportTraceServiceRequest any OTLP
// receiver decodes; here the collector's own decoder reads it back.
func ExampleMarshalProto() {
	body, err := otlp.MarshalProto(exampleSpans())
	if err != nil {
		fmt.Println(err)
		return
	}
	req := ptraceotlp.NewExportRequest()
	if err := req.UnmarshalProto(body); err != nil {
		fmt.Println(err)
		return
	}
	s := req.Traces().ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
	code, _ := s.Attributes().Get("http.response.status_code")
	fmt.Println(len(body), "bytes:", s.Name(), s.TraceID(), s.Kind(), code.Int())
	// Output: 139 bytes: GET /items 4bf92f3577b34da6a3ce929d0e0e4736 Client 200
}
