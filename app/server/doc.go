// Package server is the Spanfall server side: it serves the PWA (a go-app
// app.Handler) and receives OTLP/HTTP traces on same-origin POST /v1/traces,
// either into the embedded [Sink] (decoded with the collector's own pdata
// unmarshalers, appended as OTLP JSON lines to a file) or through a [Relay]
// to a real collector.
package server
