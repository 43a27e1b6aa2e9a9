package viewer_test

import (
	"fmt"
	"strings"

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
