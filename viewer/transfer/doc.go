// Package transfer moves traces in and out of the viewer as files, in
// plain Go with no I/O of its own:
//
//   - [Decode] reads OTLP JSON: one ExportTraceServiceRequest (pretty
//     printed or not) or JSON lines, one request a line, which is what the
//     OpenTelemetry Collector's file exporter writes. It checks the whole
//     file before returning anything, so that a bad file imports nothing,
//     and names the first bad line.
//   - [OTLPJSON] writes spans as one ExportTraceServiceRequest, which the
//     collector's OTLP/HTTP receiver and [Decode] both load.
//   - [ChromeTrace] writes spans as Chrome trace event JSON for Perfetto
//     and chrome://tracing (DevTools' performance panel).
//
// docs/import-export.md describes the formats for users.
package transfer
