// Package tracer is Spanfall's span pipeline on the OpenTelemetry Go API.
//
// [NewProvider] returns a TracerProvider whose ids come from crypto/rand
// (crypto.getRandomValues in the browser). Its lean engine (package
// tracer/engine; the stock SDK with [WithStockSDK]) turns every ended span
// into the plain [span.Span] value, and its [StoreProcessor] persists it in
// a cache.Store before anything is sent. A [Flusher] then
// reads pending spans from the store in batches, exports them with an OTLP
// exporter (package tracer/otlp) and marks them exported only after a 2xx.
//
// Everything here is plain Go and is tested on the host; the browser pieces
// (resource detection, Navigation Timing, online events) live in
// tracer/browser behind js && wasm build tags.
package tracer
