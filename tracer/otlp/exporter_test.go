package otlp_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/otlp"
	"github.com/spanfall/spanfall/tracer/span"
)

// received is what the mock collector saw of one request.
type received struct {
	contentType, contentEncoding, key string
	body                              []byte // as sent, compressed or not
	canonical                         []byte // pdata's JSON of the decoded request
	err                               error
}

// collector is a mock OTLP/HTTP receiver: it gunzips, decodes with pdata
// after the Content-Type and answers with status, header and body.
func collector(t *testing.T, status int, header map[string]string, body []byte) (*httptest.Server, *received) {
	t.Helper()
	got := &received{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.contentType, got.contentEncoding = r.Header.Get("Content-Type"), r.Header.Get("Content-Encoding")
		got.key = r.Header.Get("X-Key")
		got.body, got.err = io.ReadAll(r.Body)
		data := got.body
		if got.err == nil && got.contentEncoding == "gzip" {
			data, got.err = gunzip(data)
		}
		if got.err == nil {
			req := ptraceotlp.NewExportRequest()
			switch got.contentType {
			case "application/x-protobuf":
				got.err = req.UnmarshalProto(data)
			case "application/json":
				got.err = req.UnmarshalJSON(data)
			default:
				got.err = fmt.Errorf("content type %q", got.contentType)
			}
			if got.err == nil {
				got.canonical, got.err = req.MarshalJSON()
			}
		}
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	return io.ReadAll(zr)
}

// partialSuccessProto encodes ExportTraceServiceResponse{partial_success:
// {rejected_spans, error_message}}, the way the collector answers.
func partialSuccessProto(rejected int64, msg string) []byte {
	ps := ptraceotlp.NewExportResponse()
	ps.PartialSuccess().SetRejectedSpans(rejected)
	ps.PartialSuccess().SetErrorMessage(msg)
	b, err := ps.MarshalProto()
	if err != nil {
		panic(err) // test fixture
	}
	return b
}

// statusProto encodes google.rpc.Status{code=1, message=2, details=3} by
// hand, with a detail the exporter must skip.
func statusProto(code int, msg string) []byte {
	b := []byte{0x08, byte(code), 0x12, byte(len(msg))}
	b = append(b, msg...)
	return append(b, 0x1a, 3, 0x0a, 1, 'x') // details: Any{type_url: "x"}
}

func TestExporterEncodings(t *testing.T) {
	wantCanon := canonical(t, must(otlp.MarshalJSON(testSpans())), false)
	tests := []struct {
		name     string
		opts     []otlp.ExporterOption
		wantType string
		wantEnc  string
	}{
		{name: "default is gzipped protobuf", wantType: "application/x-protobuf", wantEnc: "gzip"},
		{name: "protobuf gzip", opts: []otlp.ExporterOption{otlp.WithEncoding(otlp.EncodingProtobuf), otlp.WithCompression(otlp.CompressionGzip)}, wantType: "application/x-protobuf", wantEnc: "gzip"},
		{name: "protobuf none", opts: []otlp.ExporterOption{otlp.WithCompression(otlp.CompressionNone)}, wantType: "application/x-protobuf"},
		{name: "json gzip", opts: []otlp.ExporterOption{otlp.WithEncoding(otlp.EncodingJSON)}, wantType: "application/json", wantEnc: "gzip"},
		{name: "json none", opts: []otlp.ExporterOption{otlp.WithEncoding(otlp.EncodingJSON), otlp.WithCompression(otlp.CompressionNone)}, wantType: "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, got := collector(t, 200, nil, nil)
			opts := append([]otlp.ExporterOption{otlp.WithHeaders(map[string]string{
				"X-Key": "k", "Content-Type": "text/plain", "Content-Encoding": "br",
			})}, tt.opts...)
			exp := newTestExporter(srv.URL+"/v1/traces", opts...)
			res, err := exp.Export(t.Context(), testSpans())
			if err != nil || res.RejectedSpans != 0 {
				t.Fatalf("Export = %+v, %v", res, err)
			}
			if got.contentType != tt.wantType || got.contentEncoding != tt.wantEnc || got.key != "k" {
				t.Errorf("headers: type %q encoding %q key %q, want %q %q k", got.contentType, got.contentEncoding, got.key, tt.wantType, tt.wantEnc)
			}
			if got.err != nil {
				t.Fatalf("collector could not read the request: %v", got.err)
			}
			if !bytes.Equal(got.canonical, wantCanon) {
				t.Errorf("collector decoded\n%s\nwant\n%s", got.canonical, wantCanon)
			}

			// Encode gives the same request, for another sender to post.
			body, ctype, cenc, err := exp.Encode(testSpans())
			if err != nil || ctype != tt.wantType || cenc != tt.wantEnc {
				t.Fatalf("Encode: type %q encoding %q err %v", ctype, cenc, err)
			}
			plain, sent := body, got.body
			if cenc == "gzip" {
				plain, sent = must(gunzip(body)), must(gunzip(got.body))
			}
			if !bytes.Equal(plain, sent) {
				t.Errorf("Encode's body differs from the posted one")
			}
		})
	}
}

func TestExporterProtobufResponses(t *testing.T) {
	proto := map[string]string{"Content-Type": "application/x-protobuf"}
	tests := []struct {
		name         string
		enc          otlp.Encoding
		status       int
		header       map[string]string
		body         []byte
		wantRejected int64
		wantMessage  string // of the partial success or the HTTPError
		wantStatus   int    // 0: success
		wantAfter    time.Duration
	}{
		{name: "200 partial success", status: 200, header: proto, body: partialSuccessProto(3, "3 spans too old"), wantRejected: 3, wantMessage: "3 spans too old"},
		{name: "200 partial success without Content-Type", status: 200, body: partialSuccessProto(3, ""), wantRejected: 3},
		{name: "200 full success", status: 200, header: proto, body: partialSuccessProto(0, "")},
		{name: "200 empty body", status: 200, header: proto},
		{name: "200 malformed body", status: 200, header: proto, body: []byte{0x0a, 0x05, 0x08}},
		{name: "200 JSON answer to protobuf", status: 200, header: map[string]string{"Content-Type": "application/json"}, body: []byte(`{"partialSuccess":{"rejectedSpans":"4"}}`), wantRejected: 4},
		{name: "200 protobuf answer to JSON", enc: otlp.EncodingJSON, status: 200, header: proto, body: partialSuccessProto(5, ""), wantRejected: 5},
		{name: "400 google.rpc.Status", status: 400, header: proto, body: statusProto(3, "invalid trace id"), wantStatus: 400, wantMessage: "invalid trace id"},
		{name: "400 google.rpc.Status without Content-Type", status: 400, body: statusProto(3, "bad span"), wantStatus: 400, wantMessage: "bad span"},
		{name: "400 JSON Status to protobuf", status: 400, header: map[string]string{"Content-Type": "application/json"}, body: []byte(`{"code":3,"message":"json said no"}`), wantStatus: 400, wantMessage: "json said no"},
		{name: "413 text from a proxy", status: 413, header: map[string]string{"Content-Type": "text/html"}, body: []byte("<h1>too large</h1>\n"), wantStatus: 413, wantMessage: "<h1>too large</h1>"},
		{name: "502 undecodable binary", status: 502, header: proto, body: []byte{0xff, 0xfe, 0x00}, wantStatus: 502},
		{name: "503 with Retry-After", status: 503, header: map[string]string{"Content-Type": "application/x-protobuf", "Retry-After": "2"}, body: statusProto(14, "unavailable"), wantStatus: 503, wantMessage: "unavailable", wantAfter: 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, got := collector(t, tt.status, tt.header, tt.body)
			res, err := newTestExporter(srv.URL, otlp.WithEncoding(tt.enc)).Export(t.Context(), testSpans())
			if got.err != nil {
				t.Fatalf("collector could not read the request: %v", got.err)
			}
			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				if res.RejectedSpans != tt.wantRejected || res.Message != tt.wantMessage {
					t.Fatalf("result %+v, want %d rejected, message %q", res, tt.wantRejected, tt.wantMessage)
				}
				return
			}
			var he *otlp.HTTPError
			if !errors.As(err, &he) {
				t.Fatalf("err = %v, want *HTTPError", err)
			}
			if he.StatusCode != tt.wantStatus || he.Message != tt.wantMessage || he.RetryAfter != tt.wantAfter {
				t.Fatalf("HTTPError %+v, want status %d message %q Retry-After %v", he, tt.wantStatus, tt.wantMessage, tt.wantAfter)
			}
			if he.Retryable() != (tt.wantStatus == 503 || tt.wantStatus == 502) {
				t.Errorf("Retryable = %v", he.Retryable())
			}
		})
	}
}

func TestExporterEncodeErrors(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name  string
		exp   func(url string) *otlp.Exporter
		spans []span.Span
		want  string
		is    error
	}{
		{
			name: "gzip fails",
			exp: func(url string) *otlp.Exporter {
				e := newTestExporter(url)
				otlp.SetGzip(e, func([]byte) ([]byte, error) { return nil, boom })
				return e
			},
			want: "otlp: gzip 3 spans: boom", is: boom,
		},
		{
			name: "bad id",
			exp:  func(url string) *otlp.Exporter { return newTestExporter(url) },
			spans: func() []span.Span {
				s := testSpans()
				s[2].SpanID = "xyz"
				return s
			}(),
			want: `otlp: encode span 2 "other": span id "xyz"`, is: otlp.ErrInvalidID,
		},
		{
			name: "unknown encoding",
			exp:  func(url string) *otlp.Exporter { return newTestExporter(url, otlp.WithEncoding(7)) },
			want: "otlp: encode 3 spans: unknown Encoding(7)",
		},
		{
			name: "unknown compression",
			exp:  func(url string) *otlp.Exporter { return newTestExporter(url, otlp.WithCompression(9)) },
			want: "otlp: compress 3 spans: unknown Compression(9)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var posts atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { posts.Add(1) }))
			defer srv.Close()
			spans := tt.spans
			if spans == nil {
				spans = testSpans()
			}
			_, err := tt.exp(srv.URL).Export(t.Context(), spans)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want it to wrap %v", err, tt.is)
			}
			// Spans that cannot be encoded never will be; a failing gzip
			// or a bad option may be fixed by the next attempt or release.
			// The tracer's flusher reads the Retryable method.
			permanent := tt.is == otlp.ErrInvalidID
			if got := otlp.IsRetryable(err); got == permanent {
				t.Errorf("IsRetryable(%v) = %v, want %v", err, got, !permanent)
			}
			var re interface{ Retryable() bool }
			if has := errors.As(err, &re) && !re.Retryable(); has != permanent {
				t.Errorf("error says Retryable() == false: %v, want %v", has, permanent)
			}
			if posts.Load() != 0 {
				t.Errorf("%d requests posted after a failed encode", posts.Load())
			}
		})
	}
}

func TestEncodingStrings(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{otlp.EncodingProtobuf.String(), "application/x-protobuf"},
		{otlp.EncodingJSON.String(), "application/json"},
		{otlp.CompressionGzip.String(), "gzip"},
		{otlp.CompressionNone.String(), "identity"},
	} {
		if tt.got != tt.want {
			t.Errorf("%q, want %q", tt.got, tt.want)
		}
	}
}

// TestExporterConcurrentSafe exports from several goroutines at once over
// the pooled gzip writers; run it with -race.
func TestExporterConcurrentSafe(t *testing.T) {
	var spansSeen atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err == nil {
			b, err = gunzip(b)
		}
		req := ptraceotlp.NewExportRequest()
		if err != nil || req.UnmarshalProto(b) != nil {
			w.WriteHeader(400)
			return
		}
		spansSeen.Add(int64(req.Traces().SpanCount()))
	}))
	defer srv.Close()
	exp := newTestExporter(srv.URL)
	errs := make(chan error, 8)
	for range cap(errs) {
		go func() {
			_, err := exp.Export(t.Context(), testSpans())
			errs <- err
		}()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := spansSeen.Load(); n != 3*int64(cap(errs)) {
		t.Errorf("collector saw %d spans, want %d", n, 3*cap(errs))
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err) // test helper
	}
	return v
}

func TestExporterRefusesBodiesOverTheCapUnsent(t *testing.T) {
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	exp := otlp.NewExporter(srv.URL, otlp.WithMaxBodyBytes(64), otlp.WithCompression(otlp.CompressionNone))
	_, err := exp.Export(t.Context(), testSpans())
	var tl *tracer.BodyTooLargeError
	if !errors.As(err, &tl) || tl.Limit != 64 || tl.Size <= 64 {
		t.Fatalf("err = %v, want a BodyTooLargeError over 64 bytes", err)
	}
	if hits != 0 {
		t.Fatalf("the receiver got %d requests, want none", hits)
	}
}
