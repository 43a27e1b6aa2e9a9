// Package instrument turns what a page's instrumentations observe (HTTP
// requests, resource timing entries, clicks and submits, a server's
// traceparent) into OpenTelemetry spans with semantic-convention names, and
// holds the privacy and propagation rules they all apply ([Policy]).
//
// It is plain Go, tested on the host: the browser side (package
// tracer/browser, files *_js.go) only converts JavaScript values into the
// types here.
package instrument
