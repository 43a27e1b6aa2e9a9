package otlp_test

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/otlp"
	"github.com/spanfall/spanfall/tracer/span"
)

func testSpans() []span.Span {
	resA := &span.Resource{Attributes: []span.KeyValue{span.String("service.name", "a")}}
	resA.ID = cache.ResourceID(resA)
	resB := &span.Resource{Attributes: []span.KeyValue{span.String("service.name", "b")}}
	resB.ID = cache.ResourceID(resB)
	return []span.Span{
		{
			TraceID: "0123456789abcdef0123456789abcdef", SpanID: "0123456789abcdef", Name: "root",
			Kind: span.KindServer, StartTimeUnixNano: 1_700_000_000_000_000_001, EndTimeUnixNano: 1_700_000_000_500_000_000,
			Attributes: []span.KeyValue{
				span.String("s", "x\"y"), span.Int("i", -9007199254740993), span.Float("f", 0.25), span.Bool("b", true),
				{Key: "arr", Value: span.Value{Type: span.TypeArray, Array: []span.Value{{Type: span.TypeInt, Int: 1}, {Type: span.TypeInt, Int: 2}}}},
			},
			Events:   []span.Event{{TimeUnixNano: 1_700_000_000_100_000_000, Name: "ev", Attributes: []span.KeyValue{span.String("k", "v")}}},
			Status:   span.Status{Code: span.StatusError, Message: "bad"},
			Resource: resA, Scope: span.Scope{Name: "s1", Version: "v1"},
		},
		{
			TraceID: "0123456789abcdef0123456789abcdef", SpanID: "1123456789abcdef", ParentSpanID: "0123456789abcdef",
			Name: "child", Kind: span.KindClient, StartTimeUnixNano: 1_700_000_000_000_000_002, EndTimeUnixNano: 1_700_000_000_000_000_003,
			Links:    []span.Link{{TraceID: "f123456789abcdef0123456789abcdef", SpanID: "f123456789abcdef"}},
			Resource: resA, Scope: span.Scope{Name: "s2"},
		},
		{
			TraceID: "a123456789abcdef0123456789abcdef", SpanID: "2123456789abcdef", Name: "other",
			StartTimeUnixNano: 5, EndTimeUnixNano: 6, Resource: resB, Scope: span.Scope{Name: "s1", Version: "v1"},
		},
	}
}

// TestMarshalJSONDecodesWithPdata checks the body against the collector's
// own OTLP JSON unmarshaler.
func TestMarshalJSONDecodesWithPdata(t *testing.T) {
	spans := testSpans()
	body, err := otlp.MarshalJSON(spans)
	if err != nil {
		t.Fatal(err)
	}
	req := ptraceotlp.NewExportRequest()
	if err := req.UnmarshalJSON(body); err != nil {
		t.Fatalf("pdata rejects our body: %v\n%s", err, body)
	}
	td := req.Traces()
	if td.SpanCount() != 3 || td.ResourceSpans().Len() != 2 {
		t.Fatalf("spans %d resources %d", td.SpanCount(), td.ResourceSpans().Len())
	}
	rs := td.ResourceSpans().At(0)
	if v, _ := rs.Resource().Attributes().Get("service.name"); v.Str() != "a" {
		t.Errorf("first resource %v", v.Str())
	}
	if rs.ScopeSpans().Len() != 2 || rs.ScopeSpans().At(0).Scope().Version() != "v1" {
		t.Errorf("scopes grouped wrong")
	}
	root := rs.ScopeSpans().At(0).Spans().At(0)
	if got := root.TraceID().String(); got != spans[0].TraceID {
		t.Errorf("trace id %s", got)
	}
	if uint64(root.StartTimestamp()) != spans[0].StartTimeUnixNano {
		t.Errorf("start %d, want %d (64-bit precision kept)", root.StartTimestamp(), spans[0].StartTimeUnixNano)
	}
	if v, _ := root.Attributes().Get("i"); v.Int() != -9007199254740993 {
		t.Errorf("int attribute %d", v.Int())
	}
	if v, _ := root.Attributes().Get("s"); v.Str() != "x\"y" {
		t.Errorf("string attribute %q", v.Str())
	}
	if v, _ := root.Attributes().Get("arr"); v.Slice().Len() != 2 || v.Slice().At(1).Int() != 2 {
		t.Errorf("array attribute %v", v.AsRaw())
	}
	if root.Status().Code() != 2 || root.Status().Message() != "bad" || root.Kind() != 2 {
		t.Errorf("status/kind %v %v %v", root.Status().Code(), root.Status().Message(), root.Kind())
	}
	child := rs.ScopeSpans().At(1).Spans().At(0)
	if child.ParentSpanID().String() != spans[0].SpanID || child.Links().Len() != 1 {
		t.Errorf("child parent %s links %d", child.ParentSpanID(), child.Links().Len())
	}
}

func TestUnmarshalJSONRoundTrip(t *testing.T) {
	spans := testSpans()
	body, err := otlp.MarshalJSON(spans)
	if err != nil {
		t.Fatal(err)
	}
	got, err := otlp.UnmarshalJSON(body, func(kv []span.KeyValue) string {
		return cache.ResourceID(&span.Resource{Attributes: kv})
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, spans) {
		t.Fatalf("round trip differs:\n got %+v\nwant %+v", got, spans)
	}
	// And the collector's canonical re-encoding decodes back to the same.
	req := ptraceotlp.NewExportRequest()
	if err := req.UnmarshalJSON(body); err != nil {
		t.Fatal(err)
	}
	canon, _ := req.MarshalJSON()
	again, err := otlp.UnmarshalJSON(canon, nil)
	if err != nil {
		t.Fatalf("collector's re-encoding: %v\n%s", err, canon)
	}
	if len(again) != 3 || again[0].StartTimeUnixNano != spans[0].StartTimeUnixNano {
		t.Fatalf("re-encoded spans %+v", again)
	}
}

func TestUnmarshalJSONRejects(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"not json", `{"resourceSpans":[`, "decode request"},
		{"short trace id", `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"abc","spanId":"0123456789abcdef"}]}]}]}`, "trace id"},
		{"zero span id", `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0123456789abcdef0123456789abcdef","spanId":"0000000000000000"}]}]}]}`, "span id"},
		{"bad int", `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0123456789abcdef0123456789abcdef","spanId":"0123456789abcdef","attributes":[{"key":"k","value":{"intValue":"x1"}}]}]}]}]}`, "intValue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := otlp.UnmarshalJSON([]byte(tt.body), nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want mention of %q", err, tt.want)
			}
		})
	}
}

func TestExporter(t *testing.T) {
	tests := []struct {
		name         string
		status       int
		header       map[string]string
		body         string
		wantRejected int64
		wantStatus   int // 0: success
		wantRetry    bool
		wantAfter    time.Duration
		wantMsg      string
	}{
		{name: "200", status: 200, body: `{"partialSuccess":{}}`},
		{name: "200 partial success", status: 200, body: `{"partialSuccess":{"rejectedSpans":"2","errorMessage":"dup"}}`, wantRejected: 2},
		{name: "200 empty body", status: 200},
		{name: "400 is permanent", status: 400, body: `{"code":3,"message":"invalid trace id"}`, wantStatus: 400, wantMsg: "invalid trace id"},
		{name: "413 is permanent", status: 413, body: "too large", wantStatus: 413, wantMsg: "too large"},
		{name: "429 with Retry-After", status: 429, header: map[string]string{"Retry-After": "3"}, wantStatus: 429, wantRetry: true, wantAfter: 3 * time.Second},
		{name: "503 with Retry-After", status: 503, header: map[string]string{"Retry-After": "7"}, wantStatus: 503, wantRetry: true, wantAfter: 7 * time.Second},
		{name: "503 bad Retry-After", status: 503, header: map[string]string{"Retry-After": "soon"}, wantStatus: 503, wantRetry: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []byte
			var ctype string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got, _ = io.ReadAll(r.Body)
				ctype = r.Header.Get("Content-Type")
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			exp := newTestExporter(srv.URL+"/v1/traces", otlp.WithHeaders(map[string]string{"X-Key": "k"}),
				otlp.WithEncoding(otlp.EncodingJSON), otlp.WithCompression(otlp.CompressionNone))
			res, err := exp.Export(t.Context(), testSpans())
			if ctype != "application/json" {
				t.Errorf("content type %q", ctype)
			}
			if req := ptraceotlp.NewExportRequest(); req.UnmarshalJSON(got) != nil || req.Traces().SpanCount() != 3 {
				t.Errorf("server got an undecodable body")
			}
			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				if res.RejectedSpans != tt.wantRejected {
					t.Fatalf("rejected %d, want %d", res.RejectedSpans, tt.wantRejected)
				}
				return
			}
			var he *otlp.HTTPError
			if !errors.As(err, &he) {
				t.Fatalf("err = %v, want *HTTPError", err)
			}
			if he.StatusCode != tt.wantStatus || he.Retryable() != tt.wantRetry || he.RetryAfter != tt.wantAfter {
				t.Errorf("got %+v retryable %v", he, he.Retryable())
			}
			if otlp.IsRetryable(err) != tt.wantRetry {
				t.Errorf("IsRetryable = %v", !tt.wantRetry)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q lacks %q", err, tt.wantMsg)
			}
		})
	}
}

func TestExporterRetryAfterDate(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", time.Now().Add(90*time.Second).UTC().Format(http.TimeFormat))
		w.WriteHeader(503)
	}))
	defer srv.Close()
	_, err := newTestExporter(srv.URL).Export(t.Context(), testSpans())
	var he *otlp.HTTPError
	if !errors.As(err, &he) || he.RetryAfter < 80*time.Second || he.RetryAfter > 91*time.Second {
		t.Fatalf("err = %v (%+v), want Retry-After ≈ 90s", err, he)
	}
}

func TestExporterUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = newTestExporter("http://"+addr+"/v1/traces").Export(t.Context(), testSpans())
	if err == nil || !otlp.IsRetryable(err) || !strings.Contains(err.Error(), "post 3 spans") {
		t.Fatalf("err = %v, want a retryable transport error naming the step", err)
	}
}
