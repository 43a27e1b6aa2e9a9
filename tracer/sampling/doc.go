// Package sampling keeps whole traces: a head sampler decides at the root
// (parent-based trace-id ratio) and a tail stage keeps the head-dropped
// traces that turn out to matter — those with an error, or whose local
// root is slower than a threshold — entire, or drops them entire.
//
// [Head] is an sdktrace.Sampler that answers RecordOnly, never Drop, for
// the "drop" decision: the spans are still recorded and reach the span
// processor, unsampled, so the downstream traceparent carries sampled=0
// while [Tail] can still change its mind. [Tail.Process] sees every ended
// span as the pipeline's plain value (tracer/span): spans of sampled
// traces pass at once; the others wait per trace until the trace's local
// root ends, then the trace is kept or dropped as a whole. Memory is
// bounded (traces, spans and remembered decisions), and traces whose root
// never ends are decided after a timeout. Every outcome is counted in
// [Stats].
//
// The package is plain Go: it builds and is tested on the host and for
// GOOS=wasip1. See docs/sampling.md for the semantics.
package sampling
