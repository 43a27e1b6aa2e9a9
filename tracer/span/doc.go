// Package span defines the one plain span value that flows through Spanfall:
// a span is recorded by the tracer, stored by the cache, exported over OTLP
// and drawn by the viewer as the same [Span].
//
// The value mirrors the OTLP JSON span shape (opentelemetry-proto
// trace/v1 Span, as encoded by OTLP/HTTP JSON): ids are lower-case hex,
// times are Unix nanoseconds, attributes are typed. Encoding a Span with
// encoding/json yields exactly the OTLP JSON form of the span, so storing,
// exporting and importing need no other mapping. [AppendJSON] writes the
// same bytes without reflection, for the exporter's and the stores' hot
// paths. It holds no js.Value and
// builds on every platform.
package span
