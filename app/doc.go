// Command app is the Spanfall PWA: one go-app main that is the wasm in the
// browser (it traces itself, keeps spans in IndexedDB, flushes them over
// OTLP/HTTP and shows them in the viewer) and the server on the host (it
// serves the PWA and receives OTLP on /v1/traces).
//
// Server environment: PORT (default 8000), HOST (default 127.0.0.1),
// OTLP_ENDPOINT (relay to a collector instead of the embedded sink),
// SPANFALL_DATA (sink directory, default data), SPANFALL_EXPORT_URL (where
// browsers post OTLP, default same-origin /v1/traces),
// SPANFALL_FLUSH_INTERVAL (default 10s).
package main
