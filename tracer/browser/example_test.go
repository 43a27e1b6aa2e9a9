package browser_test

import (
	"context"
	"fmt"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/browser"
)

// Phases lists what the browser measured; a reused connection still shows
// zero-length dns and connect phases.
func ExampleNavigationTiming_Phases() {
	n := browser.NavigationTiming{
		TimeOrigin:        1700000000000,
		FetchStart:        1,
		DomainLookupStart: 1, DomainLookupEnd: 1,
		ConnectStart: 1, ConnectEnd: 1,
		RequestStart: 2, ResponseStart: 40, ResponseEnd: 45,
		DomComplete: 120, LoadEventStart: 120.5, LoadEventEnd: 121,
	}
	for _, p := range n.Phases() {
		fmt.Printf("%-13s %6.1fms %6.1fms\n", p.Name, p.Start, p.End)
	}
	// Output:
	// dns              1.0ms    1.0ms
	// connect          1.0ms    1.0ms
	// request          2.0ms   40.0ms
	// response        40.0ms   45.0ms
	// domProcessing   45.0ms  120.0ms
	// loadEvent      120.5ms  121.0ms
}

// Time turns a browser timestamp into wall-clock time to the nanosecond.
func ExampleNavigationTiming_Time() {
	n := browser.NavigationTiming{TimeOrigin: 1700000000000.5}
	fmt.Println(n.Time(12.345678).UnixNano())
	// Output: 1700000000012845678
}

// RecordDocumentLoad writes the page load as a documentLoad span with one
// child per phase; here into a memory store through a Spanfall provider.
func ExampleRecordDocumentLoad() {
	ctx := context.Background()
	store := cache.NewMemory()
	tp := tracer.NewProvider(store)
	defer tp.Shutdown(ctx)

	n := browser.NavigationTiming{
		TimeOrigin: 1700000000000, URL: "https://example.com/", Type: "navigate", ResponseStatus: 200,
		FetchStart: 1, RequestStart: 2, ResponseStart: 40, ResponseEnd: 45,
		DomComplete: 120, LoadEventStart: 120.5, LoadEventEnd: 121,
	}
	sc := browser.RecordDocumentLoad(ctx, tp.Tracer("example"), n)
	if err := tp.ForceFlush(ctx); err != nil {
		fmt.Println(err)
		return
	}
	recs, err := store.Trace(ctx, sc.TraceID().String())
	if err != nil {
		fmt.Println(err)
		return
	}
	origin := uint64(n.Time(0).UnixNano())
	for _, r := range recs {
		s := r.Span
		indent := ""
		if s.ParentSpanID != "" {
			indent = "  "
		}
		fmt.Printf("%s%s %gms..%gms\n", indent, s.Name,
			float64(s.StartTimeUnixNano-origin)/1e6, float64(s.EndTimeUnixNano-origin)/1e6)
	}
	// Output:
	// documentLoad 0ms..121ms
	//   request 2ms..40ms
	//   response 40ms..45ms
	//   domProcessing 45ms..120ms
	//   loadEvent 120.5ms..121ms
}
