// Package viewer is Spanfall's local trace viewer: go-app components for
// the trace list and the waterfall, drawn from a cache.Store with no
// backend.
//
// The maths (tree building, bar placement, ruler ticks, formatting) are
// pure functions in layout.go and ticks.go with table tests; the
// components in page.go only lay out their results.
package viewer
