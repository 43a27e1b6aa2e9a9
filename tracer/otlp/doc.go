// Package otlp encodes spans as OTLP ExportTraceServiceRequest bodies and
// sends them over OTLP/HTTP with plain net/http, which is fetch in the
// browser. It deliberately does not use otlptracehttp, whose gRPC
// dependencies would add megabytes to the wasm.
//
// Both OTLP/HTTP encodings are written by hand: [MarshalProto] (binary
// protobuf, the [Exporter]'s default) and [MarshalJSON] group spans alike
// and carry the same content, which the tests check against the
// collector's own pdata decoder. Bodies are gzipped by default, in the
// browser with the native CompressionStream (compress_js.go), elsewhere
// with compress/gzip (compress_other.go); [Exporter.Encode] hands the exact
// body to other senders such as a keepalive fetch at page unload.
package otlp
