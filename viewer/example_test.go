package viewer_test

import (
	"fmt"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
	"github.com/spanfall/spanfall/viewer"
)

// Layout orders a trace depth-first and places each bar as fractions of
// the trace's extent; a span whose parent is not stored is kept as a root
// marked Orphan.
func ExampleLayout() {
	const trace = "4bf92f3577b34da6a3ce929d0e0e4736"
	recs := []cache.Record{
		{Span: span.Span{TraceID: trace, SpanID: "0000000000000002", ParentSpanID: "0000000000000001", Name: "fetch", StartTimeUnixNano: 250, EndTimeUnixNano: 750}},
		{Span: span.Span{TraceID: trace, SpanID: "0000000000000001", Name: "documentLoad", StartTimeUnixNano: 0, EndTimeUnixNano: 1000}},
		{Span: span.Span{TraceID: trace, SpanID: "0000000000000003", ParentSpanID: "00000000000000ff", Name: "late", StartTimeUnixNano: 800, EndTimeUnixNano: 1000}},
	}
	rows, start, end := viewer.Layout(recs)
	fmt.Println("extent", viewer.FormatDuration(end-start))
	for _, r := range rows {
		orphan := ""
		if r.Orphan {
			orphan = " (orphan)"
		}
		fmt.Printf("%s%s%s at %.2f width %.2f\n", strings.Repeat("  ", r.Depth), r.Record.Span.Name, orphan, r.Offset, r.Width)
	}
	// Output:
	// extent 1µs
	// documentLoad at 0.00 width 1.00
	//   fetch at 0.25 width 0.50
	// late (orphan) at 0.80 width 0.20
}

// Ticks chooses a ruler step of 1, 2 or 5 times a power of ten.
func ExampleTicks() {
	for _, tk := range viewer.Ticks(1_234_000_000, 5) {
		fmt.Printf("%.3f %s\n", tk.Offset, tk.Label)
	}
	// Output:
	// 0.000 0
	// 0.405 500ms
	// 0.810 1s
}

func ExampleFormatDuration() {
	for _, ns := range []uint64{0, 850, 850_000, 12_345_678, 999_600_000, 1_523_000_000, 61_600_000_000} {
		fmt.Println(viewer.FormatDuration(ns))
	}
	// Output:
	// 0
	// 850ns
	// 850µs
	// 12.3ms
	// 1s
	// 1.52s
	// 1m2s
}

// VisibleRows folds the tree by a set of span ids; the URL carries the
// fold in its shortest form.
func ExampleVisibleRows() {
	const trace = "4bf92f3577b34da6a3ce929d0e0e4736"
	mk := func(id, parent, name string, start, end uint64) cache.Record {
		return cache.Record{Span: span.Span{TraceID: trace, SpanID: id, ParentSpanID: parent, Name: name, StartTimeUnixNano: start, EndTimeUnixNano: end}}
	}
	rows, _, _ := viewer.Layout([]cache.Record{
		mk("00000000000000a1", "", "checkout", 0, 100),
		mk("00000000000000b2", "00000000000000a1", "pricing", 10, 50),
		mk("00000000000000c3", "00000000000000b2", "GET /api/tax", 20, 40),
		mk("00000000000000d4", "00000000000000a1", "POST /api/orders", 60, 90),
	})
	show := func(c viewer.IDSet) {
		for _, i := range viewer.VisibleRows(rows, c) {
			fmt.Printf("%s%s ", strings.Repeat("  ", rows[i].Depth), rows[i].Record.Span.Name)
		}
		fold, _ := viewer.EncodeFold(rows, c)
		fmt.Printf("| collapsed=%s\n", fold)
	}
	show(nil)
	show(viewer.NewIDSet("00000000000000b2"))
	show(viewer.CollapseAll(rows))
	// Output:
	// checkout   pricing     GET /api/tax   POST /api/orders | collapsed=
	// checkout   pricing   POST /api/orders | collapsed=level:1
	// checkout | collapsed=all
}

// A go-app app embeds the debug panel with one line in any component's
// body, and gives it the store once in main.
func ExamplePanel() {
	store := cache.NewMemory() // in the browser: the app's IndexedDB store
	viewer.UseStore(store)     // in main, before app.RunWhenOnBrowser

	_ = app.Div().Body(
		app.H1().Text("My app"),
		&viewer.Panel{}, // a button; Ctrl+Shift+S opens the drawer
	)
}
