package server_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/spanfall/spanfall/app/server"
)

// protoField encodes one length-delimited protobuf field.
func protoField(num byte, b []byte) []byte {
	out := []byte{num<<3 | 2}
	n := len(b)
	for n >= 0x80 {
		out = append(out, byte(n)|0x80)
		n >>= 7
	}
	return append(append(out, byte(n)), b...)
}

// protoSpan is an ExportTraceServiceRequest of one span with the given
// raw ids, built by hand: pdata cannot build ids of the wrong length.
func protoSpan(traceID, spanID, parentID []byte) []byte {
	span := append(protoField(1, traceID), protoField(2, spanID)...)
	if parentID != nil {
		span = append(span, protoField(4, parentID)...)
	}
	return protoField(1, protoField(2, protoField(2, span)))
}

// jsonSpan is an OTLP JSON request of one span with the given ids.
func jsonSpan(traceID, spanID, parentID string) []byte {
	return fmt.Appendf(nil, `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":%q,"spanId":%q,"parentSpanId":%q,"name":"s"}]}]}]}`,
		traceID, spanID, parentID)
}

// chunked hides a reader's length, so the client sends it chunked
// (no Content-Length for the server to check up front).
type chunked struct{ io.Reader }

// badInput is one request the OTLP endpoint must refuse.
type badInput struct {
	name        string
	method      string // default POST
	contentType string
	encoding    string
	body        func(t *testing.T) io.Reader
	wantStatus  int
	wantCode    int    // google.rpc.Code
	wantMsg     string // substring of the Status message
	wantAllow   string
}

func bytesBody(b []byte) func(*testing.T) io.Reader {
	return func(*testing.T) io.Reader { return bytes.NewReader(b) }
}

func badInputs() []badInput {
	tooBig := bytes.Repeat([]byte{' '}, server.DefaultMaxBodyBytes+1)
	return []badInput{
		{name: "GET", method: http.MethodGet, contentType: "application/json", body: bytesBody(nil),
			wantStatus: http.StatusMethodNotAllowed, wantCode: 3, wantMsg: "POST only, not GET", wantAllow: "POST"},
		{name: "PUT protobuf", method: http.MethodPut, contentType: "application/x-protobuf", body: bytesBody([]byte{1}),
			wantStatus: http.StatusMethodNotAllowed, wantCode: 3, wantMsg: "POST only, not PUT", wantAllow: "POST"},
		{name: "OPTIONS that is no preflight", method: http.MethodOptions, body: bytesBody(nil),
			wantStatus: http.StatusMethodNotAllowed, wantCode: 3, wantMsg: "POST only", wantAllow: "POST"},
		{name: "text/plain", contentType: "text/plain", body: bytesBody([]byte(`{}`)),
			wantStatus: http.StatusUnsupportedMediaType, wantCode: 3, wantMsg: `unsupported content type "text/plain": use application/json or application/x-protobuf`},
		{name: "form", contentType: "application/x-www-form-urlencoded", body: bytesBody([]byte(`a=b`)),
			wantStatus: http.StatusUnsupportedMediaType, wantCode: 3, wantMsg: "unsupported content type"},
		{name: "no content type", body: bytesBody([]byte(`{}`)),
			wantStatus: http.StatusUnsupportedMediaType, wantCode: 3, wantMsg: `unsupported content type ""`},
		{name: "brotli", contentType: "application/json", encoding: "br", body: bytesBody([]byte(`{}`)),
			wantStatus: http.StatusUnsupportedMediaType, wantCode: 3, wantMsg: `unsupported content encoding "br"`},
		{name: "oversized body", contentType: "application/json", body: bytesBody(tooBig),
			wantStatus: http.StatusRequestEntityTooLarge, wantCode: 3, wantMsg: "request body over 1048576 bytes"},
		{name: "oversized chunked body", contentType: "application/x-protobuf",
			body:       func(*testing.T) io.Reader { return chunked{bytes.NewReader(tooBig)} },
			wantStatus: http.StatusRequestEntityTooLarge, wantCode: 3, wantMsg: "request body over 1048576 bytes"},
		{name: "gzip bomb", contentType: "application/json", encoding: "gzip",
			body: func(t *testing.T) io.Reader {
				b := gzipped(t, bytes.Repeat([]byte{' '}, server.DefaultMaxDecodedBytes+1))
				if len(b) > 64<<10 {
					t.Fatalf("the bomb is %d bytes compressed: not a bomb", len(b))
				}
				return bytes.NewReader(b)
			},
			wantStatus: http.StatusRequestEntityTooLarge, wantCode: 3, wantMsg: "decompressed request body over 8388608 bytes"},
		{name: "gzip header, plain body", contentType: "application/json", encoding: "gzip", body: bytesBody([]byte(`{"resourceSpans":[]}`)),
			wantStatus: http.StatusBadRequest, wantCode: 3, wantMsg: "bad gzip body"},
		{name: "truncated gzip", contentType: "application/json", encoding: "gzip",
			body:       func(t *testing.T) io.Reader { b := gzipped(t, testJSON(t)); return bytes.NewReader(b[:len(b)/2]) },
			wantStatus: http.StatusBadRequest, wantCode: 3, wantMsg: "bad gzip body"},
		{name: "empty body", contentType: "application/json", body: bytesBody(nil),
			wantStatus: http.StatusBadRequest, wantCode: 3, wantMsg: "empty request body"},
		{name: "malformed JSON", contentType: "application/json", body: bytesBody([]byte(`{"resourceSpans":[{`)),
			wantStatus: http.StatusBadRequest, wantCode: 3, wantMsg: "decode application/json"},
		{name: "JSON of the wrong shape", contentType: "application/json", body: bytesBody([]byte(`{"resourceSpans":"x"}`)),
			wantStatus: http.StatusBadRequest, wantCode: 3, wantMsg: "decode application/json"},
		{name: "protobuf garbage", contentType: "application/x-protobuf", body: bytesBody([]byte{0xff, 0xff, 0xff, 0x07, 0x00}),
			wantStatus: http.StatusBadRequest, wantCode: 3, wantMsg: "decode application/x-protobuf"},
		{name: "JSON sent as protobuf", contentType: "application/x-protobuf", body: bytesBody([]byte(`{"resourceSpans":[]}`)),
			wantStatus: http.StatusBadRequest, wantCode: 3, wantMsg: "decode application/x-protobuf"},
		{name: "JSON trace id of 15 bytes", contentType: "application/json",
			body:       bytesBody(jsonSpan("4bf92f3577b34da6a3ce929d0e0e47", "00f067aa0ba902b7", "")),
			wantStatus: http.StatusBadRequest, wantCode: 3, wantMsg: "decode application/json"},
		{name: "JSON trace id of 17 bytes", contentType: "application/json",
			body:       bytesBody(jsonSpan("4bf92f3577b34da6a3ce929d0e0e473600", "00f067aa0ba902b7", "")),
			wantStatus: http.StatusBadRequest, wantCode: 3, wantMsg: "decode application/json"},
		{name: "JSON span id of 6 bytes", contentType: "application/json",
			body:       bytesBody(jsonSpan("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba9", "")),
			wantStatus: http.StatusBadRequest, wantCode: 3, wantMsg: "decode application/json"},
		{name: "JSON parent span id of 2 bytes", contentType: "application/json",
			body:       bytesBody(jsonSpan("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "00f0")),
			wantStatus: http.StatusBadRequest, wantCode: 3, wantMsg: "decode application/json"},
		{name: "protobuf trace id of 3 bytes", contentType: "application/x-protobuf",
			body:       bytesBody(protoSpan([]byte{1, 2, 3}, testRootID[:], nil)),
			wantStatus: http.StatusBadRequest, wantCode: 3, wantMsg: "decode application/x-protobuf"},
		{name: "protobuf span id of 9 bytes", contentType: "application/x-protobuf",
			body:       bytesBody(protoSpan(testTraceID[:], append(testRootID[:], 9), nil)),
			wantStatus: http.StatusBadRequest, wantCode: 3, wantMsg: "decode application/x-protobuf"},
		{name: "protobuf parent span id of 4 bytes", contentType: "application/x-protobuf",
			body:       bytesBody(protoSpan(testTraceID[:], testRootID[:], []byte{1, 2, 3, 4})),
			wantStatus: http.StatusBadRequest, wantCode: 3, wantMsg: "decode application/x-protobuf"},
		{name: "protobuf without a span id", contentType: "application/x-protobuf",
			body:       bytesBody(protoSpan(testTraceID[:], nil, nil)),
			wantStatus: http.StatusBadRequest, wantCode: 3, wantMsg: "empty or all-zero span id"},
		{name: "all-zero trace id, gzipped", contentType: "application/json", encoding: "gzip",
			body: func(t *testing.T) io.Reader {
				return bytes.NewReader(gzipped(t, jsonSpan("00000000000000000000000000000000", "00f067aa0ba902b7", "")))
			},
			wantStatus: http.StatusBadRequest, wantCode: 3, wantMsg: "empty or all-zero trace id"},
	}
}

// do sends one bad input to url.
func (tt badInput) do(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	method := tt.method
	if method == "" {
		method = http.MethodPost
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, tt.body(t))
	if err != nil {
		t.Fatal(err)
	}
	if tt.contentType != "" {
		req.Header.Set("Content-Type", tt.contentType)
	}
	if tt.encoding != "" {
		req.Header.Set("Content-Encoding", tt.encoding)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// check asserts the documented answer to tt.
func (tt badInput) check(t *testing.T, resp *http.Response, body []byte) {
	t.Helper()
	if resp.StatusCode != tt.wantStatus {
		t.Fatalf("status = %d, want %d; body %q", resp.StatusCode, tt.wantStatus, body)
	}
	wantType := "application/json"
	if strings.HasPrefix(tt.contentType, "application/x-protobuf") {
		wantType = "application/x-protobuf"
	}
	if got := resp.Header.Get("Content-Type"); got != wantType {
		t.Errorf("Content-Type = %q, want %q", got, wantType)
	}
	st := readStatus(t, wantType, body)
	if st.Code != tt.wantCode || !strings.Contains(st.Message, tt.wantMsg) {
		t.Errorf("Status = %+v, want code %d and a message with %q", st, tt.wantCode, tt.wantMsg)
	}
	if got := resp.Header.Get("Allow"); got != tt.wantAllow {
		t.Errorf("Allow = %q, want %q", got, tt.wantAllow)
	}
}

// TestEndpointRefusesBadInput sends every bad input to the sink and to
// the relay (the same front): each gets its documented status and
// message, nothing reaches the file or the collector, and the server
// still accepts a valid request afterwards.
func TestEndpointRefusesBadInput(t *testing.T) {
	for _, target := range []string{"sink", "relay"} {
		t.Run(target, func(t *testing.T) {
			collector := &fakeCollector{status: http.StatusOK}
			csrv := httptest.NewServer(collector)
			defer csrv.Close()
			cfg := server.Config{SinkPath: filepath.Join(t.TempDir(), "traces.jsonl"), RateLimit: -1}
			if target == "relay" {
				cfg.OTLPEndpoint = csrv.URL
			}
			_, srv := newServer(t, cfg)
			for _, tt := range badInputs() {
				t.Run(tt.name, func(t *testing.T) {
					resp, body := tt.do(t, srv.URL+"/v1/traces")
					tt.check(t, resp, body)
				})
			}
			if n := len(collector.requests()); n != 0 {
				t.Errorf("collector saw %d refused requests, want 0", n)
			}
			if target == "sink" {
				if lines := fileLines(t, cfg.SinkPath); len(lines) != 0 {
					t.Errorf("refused requests appended %d lines", len(lines))
				}
			}
			// Still up: a valid request is accepted.
			if resp, body := post(t, srv.URL+"/v1/traces", "application/x-protobuf", "gzip", gzipped(t, testProto(t))); resp.StatusCode != http.StatusOK {
				t.Errorf("after the bad inputs: status = %d, want 200; body %q", resp.StatusCode, body)
			}
		})
	}
}

// tracesWithID returns a one-span request whose trace id encodes n.
func tracesWithID(t *testing.T, n int) ([]byte, string) {
	t.Helper()
	td := testTraces()
	var id pcommon.TraceID
	copy(id[:], fmt.Sprintf("good-%011d", n))
	spans := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	spans.RemoveIf(func(s ptrace.Span) bool { return s.Name() == "child" })
	spans.At(0).SetTraceID(id)
	b, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
	if err != nil {
		t.Fatal(err)
	}
	return b, id.String()
}

// TestSinkKeepsEveryAcceptedRequestConcurrentSafe interleaves valid
// requests with a burst of bad ones from many goroutines, with a file
// small enough to rotate many times: every request answered 200 is in
// the files, exactly once.
func TestSinkKeepsEveryAcceptedRequestConcurrentSafe(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "traces.jsonl")
	clock := newFakeClock()
	_, srv := newServer(t, server.Config{
		SinkPath:         path,
		RateLimit:        -1,
		SinkMaxFileBytes: 4 << 10,
		SinkKeepFiles:    -1,
		Now:              clock.Now,
	})
	const good = 64
	bad := badInputs()
	var wg sync.WaitGroup
	accepted := make(chan string, good)
	for i := range good {
		wg.Go(func() {
			body, id := tracesWithID(t, i)
			resp, data := post(t, srv.URL+"/v1/traces", "application/x-protobuf", "", body)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("good request %d: status %d; body %q", i, resp.StatusCode, data)
				return
			}
			accepted <- id
		})
		wg.Go(func() {
			tt := bad[i%len(bad)]
			resp, body := tt.do(t, srv.URL+"/v1/traces")
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("%s: status %d, want %d; body %q", tt.name, resp.StatusCode, tt.wantStatus, body)
			}
		})
		clock.Advance(1)
	}
	wg.Wait()
	close(accepted)

	files, err := filepath.Glob(filepath.Join(dir, "traces*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 3 {
		t.Errorf("%d files: want the sink to have rotated", len(files))
	}
	stored := map[string]int{}
	for _, f := range files {
		for _, line := range fileLines(t, f) {
			for _, ids := range spanIDs(decodeLine(t, line)) {
				stored[strings.SplitN(ids, "/", 2)[0]]++
			}
		}
	}
	n := 0
	for id := range accepted {
		n++
		if stored[id] != 1 {
			t.Errorf("accepted trace %s stored %d times, want 1", id, stored[id])
		}
	}
	if n != good || len(stored) != good {
		t.Errorf("accepted %d, stored %d distinct traces, want %d and %d", n, len(stored), good, good)
	}
}
