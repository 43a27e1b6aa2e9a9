package browser_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/browser"
	"github.com/spanfall/spanfall/tracer/span"
)

// fullLoad is a complete navigation with every moment recorded and
// sub-millisecond timestamps, as Chrome reports them.
func fullLoad() browser.NavigationTiming {
	return browser.NavigationTiming{
		TimeOrigin:            1700000000000.5,
		URL:                   "https://example.com/app?x=1",
		Type:                  "navigate",
		ResponseStatus:        200,
		TransferSize:          12_345,
		EncodedBodySize:       12_045,
		DecodedBodySize:       40_000,
		FetchStart:            1.2,
		DomainLookupStart:     2.5,
		DomainLookupEnd:       10.25,
		ConnectStart:          10.25,
		ConnectEnd:            30.125,
		RequestStart:          30.5,
		ResponseStart:         80.345678,
		ResponseEnd:           95.1,
		DomInteractive:        150.7,
		DomContentLoadedStart: 151.3,
		DomComplete:           300.9,
		LoadEventStart:        301,
		LoadEventEnd:          302.4,
	}
}

func phaseNames(ps []browser.Phase) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "%s[%v,%v] ", p.Name, p.Start, p.End)
	}
	return strings.TrimSpace(b.String())
}

func TestPhases(t *testing.T) {
	tests := []struct {
		name string
		n    func() browser.NavigationTiming
		want string
	}{
		{
			name: "all present",
			n:    fullLoad,
			want: "dns[2.5,10.25] connect[10.25,30.125] request[30.5,80.345678] response[80.345678,95.1] domProcessing[95.1,300.9] loadEvent[301,302.4]",
		},
		{
			name: "reused connection: zero-length dns and connect still listed",
			n: func() browser.NavigationTiming {
				n := fullLoad()
				n.DomainLookupStart, n.DomainLookupEnd = n.FetchStart, n.FetchStart
				n.ConnectStart, n.ConnectEnd = n.FetchStart, n.FetchStart
				return n
			},
			want: "dns[1.2,1.2] connect[1.2,1.2] request[30.5,80.345678] response[80.345678,95.1] domProcessing[95.1,300.9] loadEvent[301,302.4]",
		},
		{
			name: "zero start omitted",
			n: func() browser.NavigationTiming {
				n := fullLoad()
				n.DomainLookupStart = 0 // cross-origin without Timing-Allow-Origin
				n.ConnectStart = 0
				return n
			},
			want: "request[30.5,80.345678] response[80.345678,95.1] domProcessing[95.1,300.9] loadEvent[301,302.4]",
		},
		{
			name: "end before start omitted",
			n: func() browser.NavigationTiming {
				n := fullLoad()
				n.LoadEventEnd = 0 // the load event is still running
				n.ConnectEnd = 9   // before ConnectStart
				return n
			},
			want: "dns[2.5,10.25] request[30.5,80.345678] response[80.345678,95.1] domProcessing[95.1,300.9]",
		},
		{
			name: "document still loading",
			n: func() browser.NavigationTiming {
				n := fullLoad()
				n.DomComplete, n.LoadEventStart, n.LoadEventEnd = 0, 0, 0
				return n
			},
			want: "dns[2.5,10.25] connect[10.25,30.125] request[30.5,80.345678] response[80.345678,95.1]",
		},
		{
			name: "nothing recorded",
			n:    func() browser.NavigationTiming { return browser.NavigationTiming{TimeOrigin: 1} },
			want: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := phaseNames(tt.n().Phases()); got != tt.want {
				t.Errorf("Phases() = %s\nwant        %s", got, tt.want)
			}
		})
	}
}

func TestComplete(t *testing.T) {
	n := fullLoad()
	if !n.Complete() {
		t.Error("Complete() = false for a finished load")
	}
	n.LoadEventEnd = 0
	if n.Complete() {
		t.Error("Complete() = true before loadEventEnd")
	}
}

func TestTime(t *testing.T) {
	tests := []struct {
		name       string
		timeOrigin float64
		ms         float64
		want       int64 // Unix ns
	}{
		{name: "origin", timeOrigin: 1700000000000.5, ms: 0, want: 1700000000000500000},
		{name: "sub-ms origin and value", timeOrigin: 1700000000000.5, ms: 12.345678, want: 1700000000012845678},
		{name: "one ns", timeOrigin: 1700000000000, ms: 0.000001, want: 1700000000000000001},
		{name: "5µs coarsened clock", timeOrigin: 1700000000000.25, ms: 80.005, want: 1700000000080255000},
		{name: "long after the origin", timeOrigin: 1700000000000.25, ms: 1000.000001, want: 1700000001000250001},
		{name: "minutes after the origin", timeOrigin: 1700000000000, ms: 123456.789, want: 1700000123456789000},
		{name: "fractions add up past a ms", timeOrigin: 1700000000000.75, ms: 0.5, want: 1700000000001250000},
		{name: "sub-ns rounds to nearest", timeOrigin: 1700000000000, ms: 0.0000006, want: 1700000000000000001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := browser.NavigationTiming{TimeOrigin: tt.timeOrigin}
			if got := n.Time(tt.ms).UnixNano(); got != tt.want {
				t.Errorf("Time(%v) with origin %v = %d, want %d (off by %dns)", tt.ms, tt.timeOrigin, got, tt.want, got-tt.want)
			}
		})
	}
}

// recordLoad records n through a real provider into a memory store and
// returns the trace's records by span name.
func recordLoad(t *testing.T, parent context.Context, n browser.NavigationTiming) (trace.SpanContext, map[string]span.Span, []cache.Record) {
	t.Helper()
	store := cache.NewMemory()
	tp := tracer.NewProvider(store)
	defer func() {
		if err := tp.Shutdown(t.Context()); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	}()
	sc := browser.RecordDocumentLoad(parent, tp.Tracer("github.com/spanfall/spanfall/tracer/browser"), n)
	if err := tp.ForceFlush(t.Context()); err != nil {
		t.Fatalf("force flush: %v", err)
	}
	pending, err := store.Pending(t.Context(), 100)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := store.Trace(t.Context(), sc.TraceID().String())
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(pending) {
		t.Errorf("trace %s has %d of the %d stored spans", sc.TraceID(), len(recs), len(pending))
	}
	byName := make(map[string]span.Span, len(recs))
	for _, r := range recs {
		if _, dup := byName[r.Span.Name]; dup {
			t.Errorf("two spans named %q", r.Span.Name)
		}
		byName[r.Span.Name] = r.Span
	}
	return sc, byName, recs
}

func TestRecordDocumentLoad(t *testing.T) {
	n := fullLoad()
	sc, spans, recs := recordLoad(t, t.Context(), n)
	if !sc.IsValid() || !sc.IsSampled() {
		t.Fatalf("returned span context %v is not a valid sampled one", sc)
	}
	root, ok := spans["documentLoad"]
	if !ok {
		t.Fatalf("no documentLoad span among %d", len(recs))
	}
	if root.ParentSpanID != "" {
		t.Errorf("root parent = %q, want none", root.ParentSpanID)
	}
	if root.SpanID != sc.SpanID().String() || root.TraceID != sc.TraceID().String() {
		t.Errorf("root ids %s/%s, want the returned %s/%s", root.TraceID, root.SpanID, sc.TraceID(), sc.SpanID())
	}
	if root.Kind != span.KindInternal {
		t.Errorf("root kind = %v, want internal", root.Kind)
	}
	if len(recs) != 7 {
		t.Errorf("%d spans stored, want the root and 6 phases", len(recs))
	}
	ns := func(ms float64) uint64 { return uint64(n.Time(ms).UnixNano()) }
	if root.StartTimeUnixNano != 1700000000000500000 || root.EndTimeUnixNano != 1700000000302900000 {
		t.Errorf("root %d..%d, want timeOrigin..loadEventEnd = 1700000000000500000..1700000000302900000", root.StartTimeUnixNano, root.EndTimeUnixNano)
	}
	wantPhases := []struct {
		name       string
		start, end float64
	}{
		{"dns", n.DomainLookupStart, n.DomainLookupEnd},
		{"connect", n.ConnectStart, n.ConnectEnd},
		{"request", n.RequestStart, n.ResponseStart},
		{"response", n.ResponseStart, n.ResponseEnd},
		{"domProcessing", n.ResponseEnd, n.DomComplete},
		{"loadEvent", n.LoadEventStart, n.LoadEventEnd},
	}
	for _, w := range wantPhases {
		s, ok := spans[w.name]
		if !ok {
			t.Errorf("phase %s not recorded", w.name)
			continue
		}
		if s.TraceID != root.TraceID || s.ParentSpanID != root.SpanID {
			t.Errorf("%s: trace %s parent %s, want %s and the root %s", w.name, s.TraceID, s.ParentSpanID, root.TraceID, root.SpanID)
		}
		if s.StartTimeUnixNano != ns(w.start) || s.EndTimeUnixNano != ns(w.end) {
			t.Errorf("%s: %d..%d, want %d..%d", w.name, s.StartTimeUnixNano, s.EndTimeUnixNano, ns(w.start), ns(w.end))
		}
	}
	// A spot check independent of Time: ResponseStart 80.345678ms after a
	// .5ms origin.
	if got := spans["response"].StartTimeUnixNano; got != 1700000000080845678 {
		t.Errorf("response start = %d, want 1700000000080845678", got)
	}
	wantAttrs := map[string]string{
		"url.full":                  "https://example.com/app?x=1",
		"document.navigation.type":  "navigate",
		"http.response.body.size":   "12045",
		"http.response.size":        "12345",
		"http.response.status_code": "200",
	}
	if len(root.Attributes) != len(wantAttrs) {
		t.Errorf("root has %d attributes, want %d: %+v", len(root.Attributes), len(wantAttrs), root.Attributes)
	}
	for k, want := range wantAttrs {
		v, ok := root.Attr(k)
		if !ok || v.AsString() != want {
			t.Errorf("root attribute %s = %q (present %v), want %q", k, v.AsString(), ok, want)
		}
	}
	if v, _ := root.Attr("http.response.status_code"); v.Type != span.TypeInt {
		t.Errorf("http.response.status_code type = %v, want int", v.Type)
	}
	wantEvents := []span.Event{
		{Name: "fetchStart", TimeUnixNano: ns(n.FetchStart)},
		{Name: "domInteractive", TimeUnixNano: ns(n.DomInteractive)},
		{Name: "domContentLoadedEventStart", TimeUnixNano: ns(n.DomContentLoadedStart)},
	}
	if len(root.Events) != len(wantEvents) {
		t.Fatalf("root events = %+v, want %+v", root.Events, wantEvents)
	}
	for i, w := range wantEvents {
		if e := root.Events[i]; e.Name != w.Name || e.TimeUnixNano != w.TimeUnixNano {
			t.Errorf("event %d = %s at %d, want %s at %d", i, e.Name, e.TimeUnixNano, w.Name, w.TimeUnixNano)
		}
	}
}

func TestRecordDocumentLoadIncomplete(t *testing.T) {
	tests := []struct {
		name       string
		n          func() browser.NavigationTiming
		wantEnd    float64
		wantPhases []string
		wantEvents []string
	}{
		{
			name: "load event not ended: root ends at domComplete",
			n: func() browser.NavigationTiming {
				n := fullLoad()
				n.LoadEventEnd = 0
				return n
			},
			wantEnd:    300.9,
			wantPhases: []string{"dns", "connect", "request", "response", "domProcessing"},
			wantEvents: []string{"fetchStart", "domInteractive", "domContentLoadedEventStart"},
		},
		{
			name: "only the response: root ends at responseEnd",
			n: func() browser.NavigationTiming {
				n := fullLoad()
				n.DomInteractive, n.DomContentLoadedStart, n.DomComplete, n.LoadEventStart, n.LoadEventEnd = 0, 0, 0, 0, 0
				n.ResponseStatus = 0 // not exposed cross-origin
				return n
			},
			wantEnd:    95.1,
			wantPhases: []string{"dns", "connect", "request", "response"},
			wantEvents: []string{"fetchStart"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := tt.n()
			_, spans, recs := recordLoad(t, t.Context(), n)
			root := spans["documentLoad"]
			if root.EndTimeUnixNano != uint64(n.Time(tt.wantEnd).UnixNano()) {
				t.Errorf("root ends at %d, want %d", root.EndTimeUnixNano, n.Time(tt.wantEnd).UnixNano())
			}
			if len(recs) != 1+len(tt.wantPhases) {
				t.Errorf("%d spans, want root + %v", len(recs), tt.wantPhases)
			}
			for _, p := range tt.wantPhases {
				if s, ok := spans[p]; !ok || s.ParentSpanID != root.SpanID {
					t.Errorf("phase %s missing or not under the root", p)
				}
			}
			var events []string
			for _, e := range root.Events {
				events = append(events, e.Name)
			}
			if strings.Join(events, ",") != strings.Join(tt.wantEvents, ",") {
				t.Errorf("events = %v, want %v", events, tt.wantEvents)
			}
			if _, ok := root.Attr("http.response.status_code"); ok != (n.ResponseStatus > 0) {
				t.Errorf("status code attribute present = %v with ResponseStatus %d", ok, n.ResponseStatus)
			}
		})
	}
}

func TestRecordDocumentLoadRemoteParent(t *testing.T) {
	remote := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36},
		SpanID:     trace.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7},
		TraceFlags: trace.FlagsSampled,
		Remote:     true,
	})
	ctx := trace.ContextWithRemoteSpanContext(t.Context(), remote)
	sc, spans, recs := recordLoad(t, ctx, fullLoad())
	if sc.TraceID() != remote.TraceID() {
		t.Errorf("returned trace %s, want the remote %s", sc.TraceID(), remote.TraceID())
	}
	if len(recs) != 7 {
		t.Fatalf("%d spans in the remote trace, want 7", len(recs))
	}
	root := spans["documentLoad"]
	if root.TraceID != "4bf92f3577b34da6a3ce929d0e0e4736" || root.ParentSpanID != "00f067aa0ba902b7" {
		t.Errorf("root trace %s parent %q, want 4bf92f3577b34da6a3ce929d0e0e4736 and 00f067aa0ba902b7", root.TraceID, root.ParentSpanID)
	}
	if root.SpanID == remote.SpanID().String() {
		t.Error("root reused the remote span id")
	}
	for name, s := range spans {
		if name != "documentLoad" && (s.TraceID != root.TraceID || s.ParentSpanID != root.SpanID) {
			t.Errorf("%s: trace %s parent %s, want under the root %s", name, s.TraceID, s.ParentSpanID, root.SpanID)
		}
	}
}

func TestRecordDocumentLoadUnsampledRemoteParent(t *testing.T) {
	remote := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1},
		SpanID:  trace.SpanID{1},
		Remote:  true,
	})
	store := cache.NewMemory()
	tp := tracer.NewProvider(store)
	defer tp.Shutdown(t.Context())
	sc := browser.RecordDocumentLoad(trace.ContextWithRemoteSpanContext(t.Context(), remote), tp.Tracer("x"), fullLoad())
	if sc.IsSampled() || sc.TraceID() != remote.TraceID() {
		t.Errorf("span context %v, want the remote trace, unsampled (parent-based sampler)", sc)
	}
	if err := tp.ForceFlush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if st, err := store.Stats(t.Context()); err != nil || st.Spans != 0 {
		t.Errorf("stats = %+v, %v, want nothing stored", st, err)
	}
}

// Keep the timestamps honest: the root starts at the time origin itself.
func TestRecordDocumentLoadStartsAtTimeOrigin(t *testing.T) {
	n := fullLoad()
	n.TimeOrigin = float64(time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC).UnixMilli()) + 0.125
	_, spans, _ := recordLoad(t, t.Context(), n)
	want := uint64(time.Date(2024, 3, 1, 12, 0, 0, 125_000, time.UTC).UnixNano())
	if got := spans["documentLoad"].StartTimeUnixNano; got != want {
		t.Errorf("root start = %d, want %d", got, want)
	}
}
