//go:build js && wasm

package browser

import (
	"context"
	"syscall/js"
	"time"
)

// ReadNavigationTiming waits until the page's load event has ended (or ctx
// is done) and returns its navigation entry. ok is false when the browser
// has no Navigation Timing Level 2 entry.
func ReadNavigationTiming(ctx context.Context) (n NavigationTiming, ok bool) {
	for {
		n, ok = readNavigation()
		if !ok || n.Complete() {
			return n, ok
		}
		select {
		case <-ctx.Done():
			return n, ok
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func readNavigation() (NavigationTiming, bool) {
	perf := js.Global().Get("performance")
	if perf.IsUndefined() || perf.Get("getEntriesByType").IsUndefined() {
		return NavigationTiming{}, false
	}
	entries := perf.Call("getEntriesByType", "navigation")
	if entries.Length() == 0 {
		return NavigationTiming{}, false
	}
	e := entries.Index(0)
	f := func(k string) float64 {
		v := e.Get(k)
		if v.Type() != js.TypeNumber {
			return 0
		}
		return v.Float()
	}
	return NavigationTiming{
		TimeOrigin:            perf.Get("timeOrigin").Float(),
		URL:                   e.Get("name").String(),
		Type:                  e.Get("type").String(),
		ResponseStatus:        int(f("responseStatus")),
		TransferSize:          int64(f("transferSize")),
		EncodedBodySize:       int64(f("encodedBodySize")),
		DecodedBodySize:       int64(f("decodedBodySize")),
		FetchStart:            f("fetchStart"),
		DomainLookupStart:     f("domainLookupStart"),
		DomainLookupEnd:       f("domainLookupEnd"),
		ConnectStart:          f("connectStart"),
		ConnectEnd:            f("connectEnd"),
		RequestStart:          f("requestStart"),
		ResponseStart:         f("responseStart"),
		ResponseEnd:           f("responseEnd"),
		DomInteractive:        f("domInteractive"),
		DomContentLoadedStart: f("domContentLoadedEventStart"),
		DomComplete:           f("domComplete"),
		LoadEventStart:        f("loadEventStart"),
		LoadEventEnd:          f("loadEventEnd"),
	}, true
}
