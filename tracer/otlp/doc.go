// Package otlp encodes spans as OTLP ExportTraceServiceRequest bodies and
// sends them over OTLP/HTTP with plain net/http, which is fetch in the
// browser. It deliberately does not use otlptracehttp, whose gRPC
// dependencies would add megabytes to the wasm.
package otlp
