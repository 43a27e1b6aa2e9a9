package viewer_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/viewer"
)

func TestFilterTraces(t *testing.T) {
	ms := uint64(1_000_000)
	traces := []cache.TraceSummary{
		{TraceID: "aaa1", RootName: "demo.action", Service: "shop", Start: 100 * ms, End: 150 * ms, Spans: 3, Errors: 0},
		{TraceID: "bbb2", RootName: "GET /api", Service: "shop", Start: 300 * ms, End: 310 * ms, Spans: 1, Errors: 2},
		{TraceID: "ccc3", RootName: "documentLoad", Service: "web", Start: 200 * ms, End: 1200 * ms, Spans: 9, Errors: 1},
		{TraceID: "ddd4", RootName: "idle", Service: "web", Start: 300 * ms, End: 300 * ms, Spans: 1},
	}
	ids := func(ts []cache.TraceSummary) string {
		out := make([]string, len(ts))
		for i, t := range ts {
			out[i] = t.TraceID
		}
		return strings.Join(out, " ")
	}
	tests := []struct {
		name string
		q    viewer.ListQuery
		want string
	}{
		{name: "default: newest first, ties by id", q: viewer.ListQuery{}, want: "bbb2 ddd4 ccc3 aaa1"},
		{name: "oldest first", q: viewer.ListQuery{Ascending: true}, want: "aaa1 ccc3 bbb2 ddd4"},
		{name: "longest first", q: viewer.ListQuery{Sort: viewer.SortDuration}, want: "ccc3 aaa1 bbb2 ddd4"},
		{name: "most errors first, ties newest first", q: viewer.ListQuery{Sort: viewer.SortErrors}, want: "bbb2 ccc3 ddd4 aaa1"},
		{name: "most spans", q: viewer.ListQuery{Sort: viewer.SortSpans}, want: "ccc3 aaa1 bbb2 ddd4"},
		{name: "errors only", q: viewer.ListQuery{Status: viewer.StatusErrors}, want: "bbb2 ccc3"},
		{name: "ok only", q: viewer.ListQuery{Status: viewer.StatusOK}, want: "ddd4 aaa1"},
		{name: "min duration", q: viewer.ListQuery{MinDuration: 50 * ms}, want: "ccc3 aaa1"},
		{name: "text in root name, any case", q: viewer.ListQuery{Text: "API"}, want: "bbb2"},
		{name: "text in service", q: viewer.ListQuery{Text: "web"}, want: "ddd4 ccc3"},
		{name: "trace id prefix", q: viewer.ListQuery{Text: "CCC"}, want: "ccc3"},
		{name: "since", q: viewer.ListQuery{Since: 200 * ms}, want: "bbb2 ddd4 ccc3"},
		{name: "combined", q: viewer.ListQuery{Text: "shop", Status: viewer.StatusOK}, want: "aaa1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := ids(traces)
			if got := ids(viewer.FilterTraces(traces, tt.q)); got != tt.want {
				t.Errorf("FilterTraces = %q, want %q", got, tt.want)
			}
			if ids(traces) != before {
				t.Error("FilterTraces reordered its input")
			}
		})
	}
}

func TestParseMinDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    uint64
		wantErr bool
	}{
		{"", 0, false},
		{"  ", 0, false},
		{"250", 250_000_000, false},
		{"1.5", 1_500_000, false},
		{"250ms", 250_000_000, false},
		{"1.5s", 1_500_000_000, false},
		{"20us", 20_000, false},
		{"20µs", 20_000, false},
		{"-1", 0, true},
		{"-5ms", 0, true},
		{"fast", 0, true},
		{"NaN", 0, true},
		{"1e300", 0, true},
	}
	for _, tt := range tests {
		got, err := viewer.ParseMinDuration(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseMinDuration(%q) = %d, %v; want %d, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err != nil && !errors.Is(err, viewer.ErrBadDuration) {
			t.Errorf("ParseMinDuration(%q) error %v does not wrap ErrBadDuration", tt.in, err)
		}
	}
}

func TestExportStateAndStatusLine(t *testing.T) {
	for _, tt := range []struct {
		t    cache.TraceSummary
		want string
	}{
		{cache.TraceSummary{Pending: 0, Exported: 3}, "exported"},
		{cache.TraceSummary{Pending: 3, Exported: 0}, "pending"},
		{cache.TraceSummary{Pending: 2, Exported: 1}, "2 pending"},
	} {
		if got := viewer.ExportState(tt.t); got != tt.want {
			t.Errorf("ExportState(%+v) = %q, want %q", tt.t, got, tt.want)
		}
	}
	st := cache.Stats{Spans: 5, Pending: 2, Exported: 3, Traces: 2}
	st.Evicted.Count = 4
	if got, want := viewer.StatusLine("memory", st), "memory store · 5 spans · 2 pending · 3 exported · 4 evicted · 2 traces"; got != want {
		t.Errorf("StatusLine = %q, want %q", got, want)
	}
}
