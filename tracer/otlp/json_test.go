package otlp_test

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/spanfall/spanfall/tracer/otlp"
	"github.com/spanfall/spanfall/tracer/span"
)

// checkMarshalJSON compares MarshalJSON with json.Marshal of the request
// types. The spans' own JSON is compared with encoding/json in package
// span; here it is the request around them.
func checkMarshalJSON(t *testing.T, spans []span.Span) {
	t.Helper()
	want, wantErr := otlp.MarshalJSONReflect(spans)
	got, err := otlp.MarshalJSON(spans)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("MarshalJSON error %v, encoding/json %v", err, wantErr)
	}
	if err != nil {
		if got != nil || !strings.HasPrefix(err.Error(), "otlp: encode ") {
			t.Errorf("MarshalJSON = %q, %v: want no body and an error naming the step", got, err)
		}
		return
	}
	if !bytes.Equal(got, want) {
		t.Errorf("MarshalJSON:\n got %s\nwant %s", got, want)
	}
}

func TestMarshalJSONMatchesEncodingJSON(t *testing.T) {
	noAttrs := &span.Resource{ID: "none"}
	emptyAttrs := &span.Resource{ID: "empty", Attributes: []span.KeyValue{}}
	odd := &span.Resource{ID: "odd", Attributes: []span.KeyValue{span.String("<k>", "v\u2028\xff"), {Key: "e"}}}
	mk := func(name string, r *span.Resource, sc span.Scope) span.Span {
		return span.Span{TraceID: traceA, SpanID: spanA, Name: name, Resource: r, Scope: sc}
	}
	for _, tc := range []struct {
		name  string
		spans []span.Span
		want  string // checked too when set
	}{
		{"no spans", nil, `{"resourceSpans":[]}`},
		{"empty slice", []span.Span{}, `{"resourceSpans":[]}`},
		{"nil resource", []span.Span{mk("a", nil, span.Scope{})},
			`{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"scope":{"name":""},"spans":[` +
				`{"traceId":"` + traceA + `","spanId":"` + spanA + `","name":"a","kind":0,"startTimeUnixNano":"0","endTimeUnixNano":"0","status":{}}]}]}]}`},
		{"resources without attributes", []span.Span{mk("a", noAttrs, span.Scope{}), mk("b", emptyAttrs, span.Scope{})}, ""},
		{"scopes with and without version", []span.Span{
			mk("a", odd, span.Scope{Name: "s", Version: "1<2"}), mk("b", odd, span.Scope{Name: "s"}),
			mk("c", odd, span.Scope{Name: "s", Version: "1<2"}), mk("d", nil, span.Scope{Version: "v"}),
		}, ""},
		{"test spans", testSpans(), ""},
		{"benchmark spans", benchSpans(50), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkMarshalJSON(t, tc.spans)
			if tc.want != "" {
				if got, _ := otlp.MarshalJSON(tc.spans); string(got) != tc.want {
					t.Errorf("MarshalJSON:\n got %s\nwant %s", got, tc.want)
				}
			}
		})
	}
}

func TestMarshalJSONNonFinite(t *testing.T) {
	nan := []span.KeyValue{span.Float("x", math.NaN())}
	for _, tc := range []struct {
		name   string
		change func(*span.Span)
	}{
		{"span attribute", func(s *span.Span) { s.Attributes = nan }},
		{"event attribute", func(s *span.Span) { s.Events = []span.Event{{Attributes: nan}} }},
		{"resource attribute", func(s *span.Span) { s.Resource = &span.Resource{ID: "r", Attributes: nan} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spans := testSpans()
			tc.change(&spans[1])
			checkMarshalJSON(t, spans)
		})
	}
}

// TestMarshalJSONRandom compares batches built from random bytes, the
// ones FuzzMarshalProto builds: several resources and scopes, odd strings,
// every value type, NaN and infinities.
func TestMarshalJSONRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	data := make([]byte, 2048)
	for range 5000 {
		for i := range data {
			data[i] = byte(r.Uint32())
		}
		checkMarshalJSON(t, fuzzSpans(data[:r.IntN(len(data))]))
		if t.Failed() {
			return
		}
	}
}
