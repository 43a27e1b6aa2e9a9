package browser

import (
	"crypto/sha256"
	_ "embed" // early.js
	"encoding/base64"
	"strings"
)

//go:embed early.js
var earlySource string

// earlyScript is early.js without its comment lines and indentation.
var earlyScript = func() string {
	var b strings.Builder
	for _, line := range strings.Split(earlySource, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "//") {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}()

// EarlyScript returns the early buffer's JavaScript. Inline it in the page
// head, before any other script (see [EarlyScriptTag]), so that errors,
// clicks, submits, fetches and XHRs that happen before the wasm is ready
// are recorded in window.__spanfall_early and replayed by
// [InstrumentPage] with their original timestamps. The fetch, XHR and
// interaction instrumentations work through it: without it they record
// nothing.
func EarlyScript() string { return earlyScript }

// EarlyScriptTag returns EarlyScript in a <script> element, for go-app's
// Handler.RawHeaders.
func EarlyScriptTag() string { return "<script>" + earlyScript + "</script>" }

// EarlyScriptHash returns the Content-Security-Policy source that allows
// the inline EarlyScript: 'sha256-…'.
func EarlyScriptHash() string {
	sum := sha256.Sum256([]byte(earlyScript))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}
