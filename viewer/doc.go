// Package viewer is Spanfall's local trace viewer, drawn from a
// cache.Store with no backend: the /viewer route ([Page]) and the debug
// panel any go-app app can embed ([Panel]).
//
// The maths are pure functions over the span value, with table tests on
// the host, one concept a file:
//
//   - layout.go: the span tree in depth-first rows, bars as fractions of
//     the trace ([Layout]), tree lines ([Guides]);
//   - fold.go: collapse state as a set of span ids ([IDSet]), the rows it
//     leaves visible ([VisibleRows]), levels, and its URL form;
//   - bar.go: duration label placement ([PlaceLabel]), event markers;
//   - ticks.go: the time ruler ([Ticks]) and [FormatDuration];
//   - viewport.go: virtualisation: which rows a scroll position draws
//     ([Viewport.Slice]) and the anchor that keeps them in place when
//     live data arrives ([AnchorAt], [Reanchor]);
//   - keys.go: keys to commands ([CommandFor]) and tree moves ([Step]);
//   - search.go: matches and highlights ([Matches], [Highlight]);
//   - detail.go: the detail pane's text ([DetailOf]) and "copy as JSON"
//     ([SpanJSON]);
//   - list.go: the trace list's filters and sorts ([FilterTraces]) and
//     the status line;
//   - url.go: deep links ([ViewState]);
//   - live.go: what a live refresh reads ([ListDue], [TraceChanged]).
//   - siblings.go: runs of same-named siblings folded into a summary
//     ([SiblingRuns], [FoldRuns]);
//   - zoom.go: the zoom window ([Window]) and its ruler ([WindowTicks]);
//     minimap.go: the minimap's pixels ([MinimapRects]);
//   - imported.go: the app's store plus the imported one ([Sources]);
//     tracequery.go: trace-level query ([MatchTraces]);
//   - tools*.go: the power tools' state, markup, handlers and browser
//     calls. The query language, critical path, import/export and
//     comparison are the packages query, critpath, transfer and diff.
//
// The components only lay out their results: view.go holds the state
// shared by Page and Panel and its transitions (no app.Context, tested on
// the host), render.go and pane.go the markup, handlers.go the events and
// store reads (ctx.Async, then ctx.Dispatch), page.go and panel.go the
// two components, store.go how a Panel finds the store. dom.go and
// tools_dom.go are the only files that touch the browser, through
// go-app's Value API (inert on the host): the package has no syscall/js;
// imported_js.go opens the imported IndexedDB store with cache/idb.
//
// Thousands of rows: the waterfall renders a fixed pool of row slots
// sized to its viewport over a spacer as tall as all the visible rows, so
// the DOM holds some 50 rows whatever the trace's size, and go-app's
// positional diff only patches their text and attributes on a scroll.
// Every row stays real DOM, an ARIA treegrid row with aria-level,
// aria-expanded, aria-selected, aria-rowindex and data-span-id. Text from
// spans is only ever a text node (go-app escapes it), never markup nor an
// attribute value.
//
// The stylesheet is web/viewer.css ([Stylesheet]); every class is
// prefixed "sfv-".
package viewer
