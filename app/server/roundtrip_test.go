package server_test

import (
	"errors"
	"math"
	"net/http"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/otlp"
	"github.com/spanfall/spanfall/tracer/span"
)

// roundTripSpans is a small trace using every attribute type, events,
// statuses and kinds, across two resources.
func roundTripSpans() []span.Span {
	const trace = "4bf92f3577b34da6a3ce929d0e0e4736"
	tab := &span.Resource{ID: "tab", Attributes: []span.KeyValue{
		span.String("service.name", "spanfall-demo"),
		span.Int("browser.tab", 3),
	}}
	api := &span.Resource{ID: "api", Attributes: []span.KeyValue{span.String("service.name", "api")}}
	scope := span.Scope{Name: "github.com/spanfall/spanfall/tracer/browser", Version: "0.1.0"}
	return []span.Span{
		{
			TraceID: trace, SpanID: "00f067aa0ba902b7", Name: "documentLoad", Kind: span.KindInternal,
			StartTimeUnixNano: 1_700_000_000_000_500_000, EndTimeUnixNano: 1_700_000_000_912_345_678,
			Attributes: []span.KeyValue{
				span.String("url.full", "https://example.com/?q=ü&x=\"y\""),
				span.Bool("cached", true),
				span.Bool("prerendered", false),
				span.Int("http.response.status_code", 200),
				span.Int("big", math.MaxInt64),
				span.Int("negative", -42),
				span.Float("ratio", 0.125),
				span.Float("tiny", 1e-300),
				{Key: "tags", Value: span.Value{Type: span.TypeArray, Array: []span.Value{
					{Type: span.TypeString, Str: "a"}, {Type: span.TypeString, Str: "b"},
				}}},
				{Key: "ints", Value: span.Value{Type: span.TypeArray, Array: []span.Value{
					{Type: span.TypeInt, Int: 1}, {Type: span.TypeInt, Int: -2},
				}}},
			},
			Events: []span.Event{
				{TimeUnixNano: 1_700_000_000_001_000_001, Name: "fetchStart"},
				{TimeUnixNano: 1_700_000_000_800_000_000, Name: "domInteractive", Attributes: []span.KeyValue{span.Int("nodes", 812)}},
			},
			Status:   span.Status{Code: span.StatusOK},
			Resource: tab, Scope: scope,
		},
		{
			TraceID: trace, SpanID: "53995c3f42cd8ad8", ParentSpanID: "00f067aa0ba902b7", Name: "GET /api/demo",
			Kind: span.KindClient, StartTimeUnixNano: 1_700_000_000_100_000_000, EndTimeUnixNano: 1_700_000_000_150_000_000,
			Attributes: []span.KeyValue{span.String("http.request.method", "GET")},
			Status:     span.Status{Code: span.StatusError, Message: "fetch failed: offline"},
			Resource:   tab, Scope: scope,
		},
		{
			TraceID: trace, SpanID: "a3ce929d0e0e4736", ParentSpanID: "53995c3f42cd8ad8", Name: "handle",
			Kind: span.KindServer, StartTimeUnixNano: 1_700_000_000_110_000_000, EndTimeUnixNano: 1_700_000_000_140_000_000,
			Resource: api, Scope: span.Scope{Name: "net/http"},
		},
	}
}

// flatSpan is a decoded pdata span with its resource and scope.
type flatSpan struct {
	span     ptrace.Span
	resource pcommon.Resource
	scope    pcommon.InstrumentationScope
}

func flatten(td ptrace.Traces) []flatSpan {
	var out []flatSpan
	for i := 0; i < td.ResourceSpans().Len(); i++ {
		rs := td.ResourceSpans().At(i)
		for j := 0; j < rs.ScopeSpans().Len(); j++ {
			ss := rs.ScopeSpans().At(j)
			for k := 0; k < ss.Spans().Len(); k++ {
				out = append(out, flatSpan{ss.Spans().At(k), rs.Resource(), ss.Scope()})
			}
		}
	}
	return out
}

// compareValue reports how a pdata value differs from a span.Value.
func compareValue(t *testing.T, where string, got pcommon.Value, want span.Value) {
	t.Helper()
	switch want.Type {
	case span.TypeString:
		if got.Type() != pcommon.ValueTypeStr || got.Str() != want.Str {
			t.Errorf("%s = %s %q, want string %q", where, got.Type(), got.AsString(), want.Str)
		}
	case span.TypeBool:
		if got.Type() != pcommon.ValueTypeBool || got.Bool() != want.Bool {
			t.Errorf("%s = %s %q, want bool %v", where, got.Type(), got.AsString(), want.Bool)
		}
	case span.TypeInt:
		if got.Type() != pcommon.ValueTypeInt || got.Int() != want.Int {
			t.Errorf("%s = %s %q, want int %d", where, got.Type(), got.AsString(), want.Int)
		}
	case span.TypeDouble:
		if got.Type() != pcommon.ValueTypeDouble || got.Double() != want.Float {
			t.Errorf("%s = %s %q, want double %v", where, got.Type(), got.AsString(), want.Float)
		}
	case span.TypeArray:
		if got.Type() != pcommon.ValueTypeSlice || got.Slice().Len() != len(want.Array) {
			t.Errorf("%s = %s %q, want an array of %d", where, got.Type(), got.AsString(), len(want.Array))
			return
		}
		for i, w := range want.Array {
			compareValue(t, where+"["+string(rune('0'+i))+"]", got.Slice().At(i), w)
		}
	default:
		t.Fatalf("%s: test has an unexpected value type %d", where, want.Type)
	}
}

func compareAttrs(t *testing.T, where string, got pcommon.Map, want []span.KeyValue) {
	t.Helper()
	if got.Len() != len(want) {
		t.Errorf("%s: %d attributes, want %d: %v", where, got.Len(), len(want), got.AsRaw())
	}
	for _, kv := range want {
		v, ok := got.Get(kv.Key)
		if !ok {
			t.Errorf("%s: attribute %q missing", where, kv.Key)
			continue
		}
		compareValue(t, where+" "+kv.Key, v, kv.Value)
	}
}

func TestExporterToSinkRoundTrip(t *testing.T) {
	srv, path := newSinkServer(t)
	spans := roundTripSpans()

	res, err := otlp.NewExporter(srv.URL+"/v1/traces").Export(t.Context(), spans)
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	if res != (tracer.ExportResult{}) {
		t.Errorf("Export result = %+v, want nothing rejected", res)
	}
	lines := fileLines(t, path)
	if len(lines) != 1 {
		t.Fatalf("sink file has %d lines, want 1", len(lines))
	}
	got := flatten(decodeLine(t, lines[0]))
	if len(got) != len(spans) {
		t.Fatalf("decoded %d spans, want %d", len(got), len(spans))
	}
	kinds := map[span.Kind]ptrace.SpanKind{
		span.KindInternal: ptrace.SpanKindInternal,
		span.KindClient:   ptrace.SpanKindClient,
		span.KindServer:   ptrace.SpanKindServer,
	}
	codes := map[span.StatusCode]ptrace.StatusCode{
		span.StatusUnset: ptrace.StatusCodeUnset,
		span.StatusOK:    ptrace.StatusCodeOk,
		span.StatusError: ptrace.StatusCodeError,
	}
	for i, want := range spans {
		g := got[i]
		s := g.span
		where := want.Name
		if s.TraceID().String() != want.TraceID || s.SpanID().String() != want.SpanID || s.ParentSpanID().String() != want.ParentSpanID {
			t.Errorf("%s: ids %s/%s/%s, want %s/%s/%s", where, s.TraceID(), s.SpanID(), s.ParentSpanID(), want.TraceID, want.SpanID, want.ParentSpanID)
		}
		if s.Name() != want.Name {
			t.Errorf("span %d: name %q, want %q", i, s.Name(), want.Name)
		}
		if s.Kind() != kinds[want.Kind] {
			t.Errorf("%s: kind %v, want %v", where, s.Kind(), kinds[want.Kind])
		}
		if uint64(s.StartTimestamp()) != want.StartTimeUnixNano || uint64(s.EndTimestamp()) != want.EndTimeUnixNano {
			t.Errorf("%s: times %d..%d, want %d..%d", where, s.StartTimestamp(), s.EndTimestamp(), want.StartTimeUnixNano, want.EndTimeUnixNano)
		}
		compareAttrs(t, where, s.Attributes(), want.Attributes)
		if s.Events().Len() != len(want.Events) {
			t.Errorf("%s: %d events, want %d", where, s.Events().Len(), len(want.Events))
		} else {
			for j, we := range want.Events {
				e := s.Events().At(j)
				if e.Name() != we.Name || uint64(e.Timestamp()) != we.TimeUnixNano {
					t.Errorf("%s: event %d = %q at %d, want %q at %d", where, j, e.Name(), e.Timestamp(), we.Name, we.TimeUnixNano)
				}
				compareAttrs(t, where+" event "+we.Name, e.Attributes(), we.Attributes)
			}
		}
		if s.Status().Code() != codes[want.Status.Code] || s.Status().Message() != want.Status.Message {
			t.Errorf("%s: status %v %q, want %v %q", where, s.Status().Code(), s.Status().Message(), codes[want.Status.Code], want.Status.Message)
		}
		compareAttrs(t, where+" resource", g.resource.Attributes(), want.Resource.Attributes)
		if g.scope.Name() != want.Scope.Name || g.scope.Version() != want.Scope.Version {
			t.Errorf("%s: scope %q %q, want %q %q", where, g.scope.Name(), g.scope.Version(), want.Scope.Name, want.Scope.Version)
		}
	}
}

func TestExporterToSinkRefused(t *testing.T) {
	srv, path := newSinkServer(t)
	spans := roundTripSpans()[:1]
	spans[0].TraceID = "00000000000000000000000000000000"

	_, err := otlp.NewExporter(srv.URL+"/v1/traces").Export(t.Context(), spans)
	var he *otlp.HTTPError
	if !errors.As(err, &he) {
		t.Fatalf("Export err = %v, want an *otlp.HTTPError", err)
	}
	if he.StatusCode != http.StatusBadRequest || he.Retryable() {
		t.Errorf("HTTPError = %+v, want a final 400", he)
	}
	if want := `span "documentLoad" (resource 0, scope 0, span 0): empty or all-zero trace id`; he.Message != want {
		t.Errorf("Message = %q, want the sink's Status message %q", he.Message, want)
	}
	if lines := fileLines(t, path); len(lines) != 0 {
		t.Errorf("refused export appended %d lines", len(lines))
	}
}
