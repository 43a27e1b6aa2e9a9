package transfer_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
	"github.com/spanfall/spanfall/viewer/transfer"
)

const (
	traceA = "5b8efff798038103d269b633813fc60c"
	traceB = "0af7651916cd43dd8448eb211c80319c"
)

// sample builds spans over two resources and two traces, with every kind
// of value, events, links and statuses.
func sample() []span.Span {
	web := &span.Resource{Attributes: []span.KeyValue{span.String("service.name", "web"), span.Bool("browser.mobile", false)}}
	api := &span.Resource{Attributes: []span.KeyValue{span.String("service.name", "api")}}
	web.ID, api.ID = cache.ResourceID(web), cache.ResourceID(api)
	base := uint64(1_764_244_800_000_000_000)
	return []span.Span{
		{TraceID: traceA, SpanID: "eee19b7ec3c1b174", Name: "page", Kind: span.KindInternal, StartTimeUnixNano: base, EndTimeUnixNano: base + 100e6,
			Resource: web, Scope: span.Scope{Name: "spanfall", Version: "1.0"},
			Attributes: []span.KeyValue{span.String("url.full", "https://x.test/a?b=\"c\""), span.Int("n", -42), span.Float("f", 1.5), span.Bool("b", true),
				{Key: "arr", Value: span.Value{Type: span.TypeArray, Array: []span.Value{{Type: span.TypeInt, Int: 1}, {Type: span.TypeInt, Int: 2}}}}}},
		{TraceID: traceA, SpanID: "eee19b7ec3c1b175", ParentSpanID: "eee19b7ec3c1b174", Name: "GET /api", Kind: span.KindClient,
			StartTimeUnixNano: base + 10e6, EndTimeUnixNano: base + 60e6, Resource: web, Scope: span.Scope{Name: "spanfall", Version: "1.0"},
			Status: span.Status{Code: span.StatusError, Message: "503"},
			Events: []span.Event{{TimeUnixNano: base + 50e6, Name: "exception", Attributes: []span.KeyValue{span.String("exception.type", "Error")}}}},
		{TraceID: traceA, SpanID: "1111111111111111", ParentSpanID: "eee19b7ec3c1b175", Name: "handle", Kind: span.KindServer,
			StartTimeUnixNano: base + 12e6, EndTimeUnixNano: base + 58e6, Resource: api, Scope: span.Scope{Name: "srv"},
			Links: []span.Link{{TraceID: traceB, SpanID: "2222222222222222", Attributes: []span.KeyValue{span.String("l", "v")}}}, Status: span.Status{Code: span.StatusOK}},
		{TraceID: traceB, SpanID: "2222222222222222", Name: "job", Kind: span.KindConsumer, StartTimeUnixNano: base + 5e6, EndTimeUnixNano: base + 7e6,
			Resource: api, Scope: span.Scope{Name: "srv"}, TraceState: "k=v", Flags: 1},
	}
}

// normal orders spans for comparison.
func normal(spans []span.Span) []span.Span {
	c := append([]span.Span(nil), spans...)
	sort.Slice(c, func(i, j int) bool { return c[i].SpanID < c[j].SpanID })
	return c
}

func TestRoundTrip(t *testing.T) {
	in := sample()
	b, err := transfer.OTLPJSON(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := transfer.Decode(bytes.NewReader(b), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := normal(out), normal(in); !reflect.DeepEqual(got, want) {
		for i := range want {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Errorf("span %d:\n got %+v\nwant %+v", i, got[i], want[i])
			}
		}
	}
	// Resources without ids stay distinct.
	bare := sample()
	for i := range bare {
		bare[i].Resource = &span.Resource{Attributes: bare[i].Resource.Attributes}
	}
	b, err = transfer.OTLPJSON(bare)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), `"resource":`); n != 2 {
		t.Errorf("%d resources encoded, want 2", n)
	}
}

// TestOTLPJSONLoadsInPdata decodes the export with the collector's own
// pdata, as the OTLP/HTTP receiver does.
func TestOTLPJSONLoadsInPdata(t *testing.T) {
	b, err := transfer.OTLPJSON(sample())
	if err != nil {
		t.Fatal(err)
	}
	td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(b)
	if err != nil {
		t.Fatalf("pdata rejects the export: %v", err)
	}
	if td.SpanCount() != 4 || td.ResourceSpans().Len() != 2 {
		t.Fatalf("pdata reads %d spans in %d resources", td.SpanCount(), td.ResourceSpans().Len())
	}
	s := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(1)
	if s.Name() != "GET /api" || s.Status().Code() != ptrace.StatusCodeError || s.Events().At(0).Name() != "exception" ||
		s.ParentSpanID().String() != "eee19b7ec3c1b174" || s.EndTimestamp().AsTime().Sub(s.StartTimestamp().AsTime()) != 50*time.Millisecond {
		t.Errorf("pdata reads span %s %v %s", s.Name(), s.Status().Code(), s.ParentSpanID())
	}
}

// collectorLines writes spans the way the collector's file exporter does:
// pdata's canonical JSON, one request a line.
func collectorLines(t *testing.T, requests ...[]span.Span) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, spans := range requests {
		b, err := transfer.OTLPJSON(spans)
		if err != nil {
			t.Fatal(err)
		}
		td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(b)
		if err != nil {
			t.Fatal(err)
		}
		out, err := (&ptrace.JSONMarshaler{}).MarshalTraces(td)
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(out)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

func TestDecodeCollectorLines(t *testing.T) {
	all := sample()
	file := collectorLines(t, all[:2], all[2:])
	var progress []int64
	out, err := transfer.Decode(bytes.NewReader(file), func(n int64) { progress = append(progress, n) })
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(normal(out), normal(all)) {
		t.Errorf("decoded %+v", out)
	}
	if len(progress) != 2 || progress[1] != int64(len(file)) || progress[0] >= progress[1] {
		t.Errorf("progress %v for %d bytes", progress, len(file))
	}
	// Everything decoded can be stored.
	if _, err := cache.EncodeBatch(out, time.Now()); err != nil {
		t.Errorf("decoded spans cannot be stored: %v", err)
	}
}

func TestDecodePrettyDocument(t *testing.T) {
	b, err := transfer.OTLPJSON(sample())
	if err != nil {
		t.Fatal(err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, b, "", "  "); err != nil {
		t.Fatal(err)
	}
	out, err := transfer.Decode(&pretty, nil)
	if err != nil || len(out) != 4 {
		t.Fatalf("Decode(pretty) = %d spans, %v", len(out), err)
	}
}

func TestDecodeErrors(t *testing.T) {
	good := string(collectorLines(t, sample()[:1]))
	goodLine := strings.TrimSuffix(good, "\n")
	badID := strings.Replace(goodLine, traceA, "xyz", 1)
	tests := []struct {
		name, file string
		line       int
		msg        string
	}{
		{"empty file", "", 0, "no span"},
		{"blank lines only", "\n \n", 0, "no span"},
		{"no spans in the requests", `{"resourceSpans":[]}` + "\n", 0, "no span"},
		{"bad trace id on line 3", goodLine + "\n\n" + badID + "\n" + goodLine + "\n", 3, "trace id"},
		{"truncated line 2", goodLine + "\n" + goodLine[:40] + "\n" + goodLine + "\n", 2, "not a JSON object"},
		{"truncated first line", goodLine[:40] + "\n" + goodLine + "\n", 1, "not a JSON object"},
		{"not JSON", "hello\n", 1, "not a JSON object"},
		{"metrics file", `{"resourceMetrics":[]}` + "\n", 1, "no resourceSpans"},
		{"JSON array", "[1,2]\n", 1, "not a JSON object"},
		{"bad timestamp", strings.Replace(goodLine, `"startTimeUnixNano":"`, `"startTimeUnixNano":"x`, 1) + "\n", 1, "x1764244800000000000"},
		{"bad int value", strings.Replace(goodLine, `"intValue":"-42"`, `"intValue":"4x"`, 1) + "\n", 1, "intValue"},
		{"pretty document broken on line 4", "{\n  \"resourceSpans\": [\n    {\n      \"resource\": ]\n", 4, "invalid character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := transfer.Decode(strings.NewReader(tt.file), nil)
			if err == nil || out != nil {
				t.Fatalf("Decode = %d spans, %v; want an error and nothing", len(out), err)
			}
			var le *transfer.LineError
			switch {
			case tt.line == 0:
				if !errors.Is(err, transfer.ErrNoSpans) {
					t.Errorf("error %v, want ErrNoSpans", err)
				}
			case !errors.As(err, &le):
				t.Errorf("error %v is not a *LineError", err)
			case le.Line != tt.line || !strings.Contains(err.Error(), tt.msg):
				t.Errorf("error %q (line %d), want line %d containing %q", err, le.Line, tt.line, tt.msg)
			}
		})
	}
}

// FuzzImport checks that no file panics or hangs the decoder, that a bad
// file yields nothing, and that what it yields can be stored.
func FuzzImport(f *testing.F) {
	b, _ := transfer.OTLPJSON(sample())
	f.Add(b)
	f.Add(append(append(b, '\n'), b...))
	f.Add([]byte("{\n\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{}]}]}]}"))
	f.Add([]byte(`{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":{"doubleValue":1e308}}]}}]}`))
	f.Add([]byte("\n\n{}\n"))
	f.Fuzz(func(t *testing.T, file []byte) {
		out, err := transfer.Decode(bytes.NewReader(file), nil)
		if err != nil {
			if out != nil {
				t.Fatalf("Decode returned %d spans with error %v", len(out), err)
			}
			return
		}
		if len(out) == 0 {
			t.Fatal("Decode returned no span and no error")
		}
		if _, err := cache.EncodeBatch(out, time.Unix(0, 0)); err != nil {
			t.Fatalf("decoded spans cannot be stored: %v", err)
		}
		if _, err := transfer.ChromeTrace(out); err != nil {
			t.Fatalf("ChromeTrace: %v", err)
		}
	})
}
