// Package vitals computes the Core Web Vitals — LCP, CLS, INP, FCP and
// TTFB — the way Google's web-vitals library defines them, and records
// each report as a span.
//
// [Page] is the computation, plain Go: it is fed the browser's performance
// entries and page lifecycle moments as numbers (DOMHighResTimeStamps, ms
// since the time origin) and returns the reports the web-vitals library
// would make, so it is table-tested on the host with synthetic sequences:
//
//   - FCP: the first-contentful-paint entry, relative to activationStart,
//     if the page was not hidden before it; reported once.
//   - TTFB: the navigation entry's responseStart relative to
//     activationStart; reported once when the page has loaded.
//   - LCP: the last largest-contentful-paint entry before the page was
//     first hidden; reported once, at the first input (keydown or click)
//     or when the page is hidden.
//   - CLS: layout shifts without recent input, grouped in session windows
//     (a gap under 1 s, a window under 5 s); the value is the largest
//     window's sum; reported on every hide when it changed, and only once
//     FCP was reported (as CrUX does).
//   - INP: event-timing entries grouped by interactionId (the longest
//     entry of each interaction counts), the ten longest kept; the value
//     is the entry at index min(9, interactionCount/50), an estimate of
//     the 98th percentile; reported on every hide when it changed, never
//     without an interaction.
//   - A back/forward cache restore (pageshow with persisted) starts new
//     metrics with navigation type back-forward-cache: FCP and LCP become
//     the time to the next frame after the restore, TTFB 0, CLS and INP
//     start again.
//
// The browser side (observe_js.go) feeds a Page from PerformanceObservers
// (buffered, so entries before the wasm booted count) and page lifecycle
// events, and [Recorder] turns each [Metric] into a span named
// "web-vital".
package vitals
