// Package exception records errors as spans: uncaught JavaScript errors
// and unhandled promise rejections of the page (listen_js.go, including
// those the early buffer caught before the wasm booted), and panics
// recovered in Go code.
//
// Each becomes a span with status error and one "exception" event with
// exception.type, exception.message and exception.stacktrace, as the
// OpenTelemetry semantic conventions for exceptions define. The building
// of those spans is plain Go ([JSError], [RecordJS], [RecordPanic]).
package exception
