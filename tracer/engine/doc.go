// Package engine is a lean implementation of the OpenTelemetry Go trace API
// (go.opentelemetry.io/otel/trace) that hands each ended span to a [Sink]
// as an [Ended], which builds the pipeline's plain value, [span.Span], when
// the receiver asks: the store processor does it on its writer goroutine,
// off the caller's path.
//
// It exists because the stock SDK (go.opentelemetry.io/otel/sdk/trace)
// costs 11–14 µs per span in WebAssembly under Chromium, where a clock read
// and a crypto/rand read each cross into JavaScript. The engine keeps the
// same observable results (the same span.Span as the SDK plus the tracer
// package's converter, checked by a conformance test) and spends less:
//
//   - one clock read per timestamp: a wall-clock base taken once plus the
//     monotonic clock ([clock]); in js/wasm the monotonic clock is
//     performance.now(), the wall clock Date.now() with 1 ms resolution;
//   - ids cut from 4 KiB blocks of crypto/rand ([idPool]), never all zero;
//   - the sampler's default, ParentBased(AlwaysSample), decided inline
//     without building SamplingParameters;
//   - the span.Span built once, after End: one string allocation for all
//     ids, attributes converted in one slice, no ReadOnlySpan snapshot.
//
// Concurrency: every span method is safe for concurrent use (the API
// requires it); a span holds a mutex that is uncontended in the usual case
// of one goroutine owning the span until End. Calls after End are ignored.
// The sink runs on the goroutine that calls End and must not block.
package engine
