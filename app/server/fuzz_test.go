package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// acceptAll is a consumer that keeps the last request and answers 200.
type acceptAll struct{ last *otlpRequest }

func (a *acceptAll) consume(w http.ResponseWriter, _ *http.Request, req *otlpRequest) {
	a.last = req
	writeSuccess(w, req.mediaType)
}

func fuzzSeeds(f *testing.F) {
	td := ptrace.NewTraces()
	s := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	s.SetTraceID(pcommon.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	s.SetSpanID(pcommon.SpanID{1, 2, 3, 4, 5, 6, 7, 8})
	s.SetName("seed")
	s.Attributes().PutStr("k", "v")
	req := ptraceotlp.NewExportRequestFromTraces(td)
	js, err := req.MarshalJSON()
	if err != nil {
		f.Fatal(err)
	}
	pb, err := req.MarshalProto()
	if err != nil {
		f.Fatal(err)
	}
	for _, gz := range []bool{false, true} {
		f.Add("application/json", gz, js)
		f.Add("application/x-protobuf", gz, pb)
		f.Add("application/json; charset=utf-8", gz, []byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"00","spanId":""}]}]}]}`))
		f.Add("application/x-protobuf", gz, []byte{0x0a, 0x05, 0x12, 0x03, 0x12, 0x01, 0x0a})
		f.Add("text/plain", gz, []byte("hello"))
		f.Add("", gz, []byte{})
	}
	f.Add("application/json", false, []byte{0x1f, 0x8b, 0x08, 0x00})
}

// FuzzDecode drives the OTLP endpoint's decode path (content type ×
// gzip × bytes) through the shared front with small caps: it never
// panics, always decides 200, 400, 413 or 415, and what it accepts is a
// valid request that survives a JSON round trip with its spans.
func FuzzDecode(f *testing.F) {
	fuzzSeeds(f)
	o := newOptions([]Option{WithRateLimit(0, 0), WithMaxInFlight(-1), WithMaxBodyBytes(64 << 10), WithMaxDecodedBytes(256 << 10)})
	e, err := newEndpoint(o)
	if err != nil {
		f.Fatal(err)
	}
	zw := gzip.NewWriter(io.Discard) // reused: a new writer costs ~1 MB
	f.Fuzz(func(t *testing.T, contentType string, gz bool, body []byte) {
		if gz {
			var buf bytes.Buffer
			zw.Reset(&buf)
			_, _ = zw.Write(body)
			_ = zw.Close()
			body = buf.Bytes()
		}
		r := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/v1/traces", bytes.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		if gz {
			r.Header.Set("Content-Encoding", "gzip")
		}
		w := httptest.NewRecorder()
		c := &acceptAll{}
		e.serve(w, r, c)
		switch w.Code {
		case http.StatusOK:
			if c.last == nil {
				t.Fatal("200 without the consumer")
			}
			line, err := c.last.export.MarshalJSON()
			if err != nil {
				t.Fatalf("accepted request does not re-encode: %v", err)
			}
			again := ptraceotlp.NewExportRequest()
			if err := again.UnmarshalJSON(line); err != nil {
				t.Fatalf("accepted request does not round-trip: %v\n%s", err, line)
			}
			if got, want := again.Traces().SpanCount(), c.last.export.Traces().SpanCount(); got != want {
				t.Fatalf("round trip has %d spans, want %d", got, want)
			}
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
			if c.last != nil {
				t.Fatalf("refused with %d but handed to the consumer", w.Code)
			}
		default:
			t.Fatalf("status %d for %q gzip=%v: %s", w.Code, contentType, gz, w.Body)
		}
	})
}

// TestLimiterForgetsRefilledClients: the bucket map stays bounded.
func TestLimiterForgetsRefilledClients(t *testing.T) {
	clock := newTestClock()
	l := newLimiter(10, 2, clock.now)
	for i := range 5000 {
		if ok, _ := l.allow(strconv.Itoa(i)); !ok {
			t.Fatalf("client %d refused on its first request", i)
		}
		clock.t = clock.t.Add(1e6) // 1 ms: all older buckets refill within 200 ms
	}
	if n := len(l.buckets); n > 2*1024 {
		t.Errorf("limiter remembers %d clients, want the refilled ones forgotten", n)
	}
}

// testClock is a settable clock for internal tests.
type testClock struct{ t time.Time }

func newTestClock() *testClock { return &testClock{t: time.Unix(1_700_000_000, 0)} }

func (c *testClock) now() time.Time { return c.t }
