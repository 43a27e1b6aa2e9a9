package transfer_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"testing"

	"github.com/spanfall/spanfall/tracer/span"
	"github.com/spanfall/spanfall/viewer/transfer"
)

// validateChrome checks a Chrome trace against the trace event format's
// rules: a JSON object with traceEvents; every event has a name, a known
// phase, a pid and a tid; "X" events have a non-negative dur and, on each
// pid/tid, nest properly (sorted by ts, every event ends within the one
// it starts in); every async "b" has exactly one "e" with the same cat,
// id and name, not before it; metadata events name their process or
// thread. It returns the events by phase.
func validateChrome(t *testing.T, b []byte) map[string][]transfer.ChromeEvent {
	t.Helper()
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatalf("not a JSON object: %v", err)
	}
	if _, ok := raw["traceEvents"]; !ok {
		t.Fatal("no traceEvents")
	}
	var f transfer.ChromeFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	by := map[string][]transfer.ChromeEvent{}
	type thread struct{ pid, tid int }
	xs := map[thread][]transfer.ChromeEvent{}
	open := map[string]transfer.ChromeEvent{}
	for _, e := range f.TraceEvents {
		by[e.Ph] = append(by[e.Ph], e)
		if e.Name == "" || e.Pid <= 0 {
			t.Errorf("event without name or pid: %+v", e)
		}
		switch e.Ph {
		case "X":
			if e.Dur == nil || *e.Dur < 0 || e.Ts < 0 || e.Tid <= 0 {
				t.Errorf("bad complete event %+v", e)
			}
			xs[thread{e.Pid, e.Tid}] = append(xs[thread{e.Pid, e.Tid}], e)
		case "b":
			k := e.Cat + "/" + e.ID + "/" + e.Name
			if _, dup := open[k]; dup || e.ID == "" || e.Cat == "" {
				t.Errorf("bad or duplicate async begin %+v", e)
			}
			open[k] = e
		case "e":
			k := e.Cat + "/" + e.ID + "/" + e.Name
			bgn, ok := open[k]
			if !ok || e.Ts < bgn.Ts {
				t.Errorf("async end %+v without a begin before it", e)
			}
			delete(open, k)
		case "M":
			if (e.Name != "process_name" && e.Name != "thread_name") || e.Args["name"] == "" {
				t.Errorf("bad metadata %+v", e)
			}
		default:
			t.Errorf("unknown phase %q", e.Ph)
		}
	}
	if len(open) != 0 {
		t.Errorf("async begins without an end: %v", open)
	}
	const eps = 1e-6
	for th, evs := range xs {
		sort.SliceStable(evs, func(i, j int) bool {
			if evs[i].Ts != evs[j].Ts {
				return evs[i].Ts < evs[j].Ts
			}
			return *evs[i].Dur > *evs[j].Dur
		})
		var stack []float64 // end times
		for _, e := range evs {
			for len(stack) > 0 && stack[len(stack)-1] <= e.Ts+eps {
				stack = stack[:len(stack)-1]
			}
			end := e.Ts + *e.Dur
			if len(stack) > 0 && end > stack[len(stack)-1]+eps {
				t.Errorf("thread %v: %q [%g, %g] overlaps its enclosing event ending at %g", th, e.Name, e.Ts, end, stack[len(stack)-1])
			}
			stack = append(stack, end)
		}
	}
	return by
}

func phases(by map[string][]transfer.ChromeEvent, ph string) string {
	var out []string
	for _, e := range by[ph] {
		out = append(out, fmt.Sprintf("%s@%d/%d", e.Name, e.Pid, e.Tid))
	}
	sort.Strings(out)
	return fmt.Sprint(out)
}

func TestChromeTrace(t *testing.T) {
	res := &span.Resource{ID: "r1", Attributes: []span.KeyValue{span.String("service.name", "web")}}
	other := &span.Resource{ID: "r2", Attributes: []span.KeyValue{span.String("service.name", "api")}}
	s := func(id, parent string, start, end uint64, r *span.Resource) span.Span {
		return span.Span{TraceID: traceA, SpanID: id, ParentSpanID: parent, Name: "s" + id[:2], StartTimeUnixNano: 1000 + start, EndTimeUnixNano: 1000 + end, Resource: r}
	}
	tests := []struct {
		name     string
		spans    []span.Span
		x, async string
	}{
		{name: "empty", x: "[]", async: "[]"},
		{name: "nested",
			spans: []span.Span{s("a000000000000001", "", 0, 100, res), s("b000000000000001", "a000000000000001", 10, 40, res), s("c000000000000001", "a000000000000001", 50, 90, res), s("d000000000000001", "c000000000000001", 60, 70, res)},
			x:     "[sa0@1/1 sb0@1/1 sc0@1/1 sd0@1/1]", async: "[]"},
		{name: "overlapping siblings: the second is async",
			spans: []span.Span{s("a000000000000001", "", 0, 100, res), s("b000000000000001", "a000000000000001", 10, 60, res), s("c000000000000001", "a000000000000001", 50, 90, res)},
			x:     "[sa0@1/1 sb0@1/1]", async: "[sc0@1/1]"},
		{name: "child outliving its parent is async, and so is its child",
			spans: []span.Span{s("a000000000000001", "", 0, 100, res), s("b000000000000001", "a000000000000001", 10, 300, res), s("c000000000000001", "b000000000000001", 20, 30, res)},
			x:     "[sa0@1/1]", async: "[sb0@1/1 sc0@1/1]"},
		{name: "overlapping roots take lanes; a later root reuses the first free one",
			spans: []span.Span{s("a000000000000001", "", 0, 100, res), s("b000000000000001", "", 50, 150, res), s("c000000000000001", "", 120, 200, res)},
			x:     "[sa0@1/1 sb0@1/2 sc0@1/1]", async: "[]"},
		{name: "services are processes; a child in another process starts a lane there",
			spans: []span.Span{s("a000000000000001", "", 0, 100, res), s("b000000000000001", "a000000000000001", 10, 90, other)},
			x:     "[sa0@1/1 sb0@2/1]", async: "[]"},
		{name: "unfinished span left out",
			spans: []span.Span{s("a000000000000001", "", 0, 100, res), {TraceID: traceA, SpanID: "b000000000000001", Name: "u", StartTimeUnixNano: 5}},
			x:     "[sa0@1/1]", async: "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := transfer.ChromeTrace(tt.spans)
			if err != nil {
				t.Fatal(err)
			}
			by := validateChrome(t, b)
			if got := phases(by, "X"); got != tt.x {
				t.Errorf("complete events %s, want %s", got, tt.x)
			}
			if got := phases(by, "b"); got != tt.async {
				t.Errorf("async events %s, want %s", got, tt.async)
			}
		})
	}
}

func TestChromeTraceSample(t *testing.T) {
	b, err := transfer.ChromeTrace(sample())
	if err != nil {
		t.Fatal(err)
	}
	by := validateChrome(t, b)
	if n := len(by["X"]) + len(by["b"]); n != 4 {
		t.Errorf("%d span events, want 4", n)
	}
	for _, e := range by["X"] {
		if e.Name == "GET /api" && (e.Args["status"] != "error" || e.Args["spanId"] != "eee19b7ec3c1b175" || *e.Dur != 50000) {
			t.Errorf("GET /api event %+v", e)
		}
	}
}

// FuzzChromeTrace feeds random span layouts and validates the output.
func FuzzChromeTrace(f *testing.F) {
	f.Add([]byte{0, 10, 0, 1, 5, 2, 3, 0, 20})
	f.Fuzz(func(t *testing.T, b []byte) {
		var spans []span.Span
		for i := 0; i+2 < len(b) && len(spans) < 40; i += 3 {
			parent := ""
			if p := int(b[i]) % (len(spans) + 1); p < len(spans) {
				parent = spans[p].SpanID
			}
			st := uint64(b[i+1])
			spans = append(spans, span.Span{TraceID: traceA, SpanID: fmt.Sprintf("%016x", len(spans)+1), ParentSpanID: parent, Name: "n",
				StartTimeUnixNano: st, EndTimeUnixNano: st + uint64(b[i+2])})
		}
		out, err := transfer.ChromeTrace(spans)
		if err != nil {
			t.Fatal(err)
		}
		validateChrome(t, out)
	})
}
