package server_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/spanfall/spanfall/app/server"
)

var (
	testTraceID = pcommon.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36}
	testRootID  = pcommon.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7}
	testChildID = pcommon.SpanID{0x53, 0x99, 0x5c, 0x3f, 0x42, 0xcd, 0x8a, 0xd8}
)

// testTraces returns a trace of a root and a child span built with pdata.
func testTraces() ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "sink-test")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("test")
	root := ss.Spans().AppendEmpty()
	root.SetTraceID(testTraceID)
	root.SetSpanID(testRootID)
	root.SetName("root")
	root.SetStartTimestamp(1_700_000_000_000_000_000)
	root.SetEndTimestamp(1_700_000_000_500_000_000)
	child := ss.Spans().AppendEmpty()
	child.SetTraceID(testTraceID)
	child.SetSpanID(testChildID)
	child.SetParentSpanID(testRootID)
	child.SetName("child")
	child.SetStartTimestamp(1_700_000_000_100_000_000)
	child.SetEndTimestamp(1_700_000_000_200_000_000)
	return td
}

func testJSON(t *testing.T) []byte {
	t.Helper()
	b, err := ptraceotlp.NewExportRequestFromTraces(testTraces()).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func testProto(t *testing.T) []byte {
	t.Helper()
	b, err := ptraceotlp.NewExportRequestFromTraces(testTraces()).MarshalProto()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// newSinkServer starts an httptest server for a sink appending to a file in
// a temporary directory, and returns the server and the file's path.
func newSinkServer(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "nested", "traces.jsonl")
	sink, err := server.NewSink(path)
	if err != nil {
		t.Fatal(err)
	}
	if sink.Path() != path {
		t.Fatalf("Path() = %q, want %q", sink.Path(), path)
	}
	srv := httptest.NewServer(sink)
	t.Cleanup(func() {
		srv.Close()
		if err := sink.Close(); err != nil {
			t.Errorf("close sink: %v", err)
		}
	})
	return srv, path
}

// post sends body to url and returns the response and its body.
func post(t *testing.T, url, contentType, encoding string, body []byte) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if encoding != "" {
		req.Header.Set("Content-Encoding", encoding)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, data
}

// fileLines returns the lines of the sink's file (none when it is empty).
func fileLines(t *testing.T, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var lines [][]byte
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		lines = append(lines, bytes.Clone(sc.Bytes()))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		t.Errorf("file does not end with a newline: %q", data[max(0, len(data)-20):])
	}
	return lines
}

// decodeLine decodes one sink line with the collector's unmarshaler.
func decodeLine(t *testing.T, line []byte) ptrace.Traces {
	t.Helper()
	req := ptraceotlp.NewExportRequest()
	if err := req.UnmarshalJSON(line); err != nil {
		t.Fatalf("line does not decode as OTLP JSON: %v\n%s", err, line)
	}
	return req.Traces()
}

// spanIDs lists the trace/span/parent ids of every span in td, in order.
func spanIDs(td ptrace.Traces) []string {
	var out []string
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				s := spans.At(k)
				out = append(out, s.TraceID().String()+"/"+s.SpanID().String()+"/"+s.ParentSpanID().String())
			}
		}
	}
	return out
}

func TestSinkAccepts(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		encoding    string
		body        func(t *testing.T) []byte
		wantType    string
		wantBody    string
	}{
		{
			name:        "json",
			contentType: "application/json",
			body:        testJSON,
			wantType:    "application/json",
			wantBody:    `{"partialSuccess":{}}`,
		},
		{
			name:        "json with charset",
			contentType: "application/json; charset=utf-8",
			body:        testJSON,
			wantType:    "application/json",
			wantBody:    `{"partialSuccess":{}}`,
		},
		{
			name:        "json gzip",
			contentType: "application/json",
			encoding:    "gzip",
			body:        func(t *testing.T) []byte { return gzipped(t, testJSON(t)) },
			wantType:    "application/json",
			wantBody:    `{"partialSuccess":{}}`,
		},
		{
			name:        "json identity encoding",
			contentType: "application/json",
			encoding:    "identity",
			body:        testJSON,
			wantType:    "application/json",
			wantBody:    `{"partialSuccess":{}}`,
		},
		{
			name:        "protobuf",
			contentType: "application/x-protobuf",
			body:        testProto,
			wantType:    "application/x-protobuf",
			wantBody:    "", // an empty ExportTraceServiceResponse
		},
		{
			name:        "protobuf gzip",
			contentType: "application/x-protobuf",
			encoding:    "GZIP",
			body:        func(t *testing.T) []byte { return gzipped(t, testProto(t)) },
			wantType:    "application/x-protobuf",
			wantBody:    "",
		},
	}
	want := []string{
		testTraceID.String() + "/" + testRootID.String() + "/",
		testTraceID.String() + "/" + testChildID.String() + "/" + testRootID.String(),
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, path := newSinkServer(t)
			for i := range 2 {
				resp, body := post(t, srv.URL, tt.contentType, tt.encoding, tt.body(t))
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("status = %d, want 200; body %q", resp.StatusCode, body)
				}
				if got := resp.Header.Get("Content-Type"); got != tt.wantType {
					t.Errorf("Content-Type = %q, want %q", got, tt.wantType)
				}
				if string(body) != tt.wantBody {
					t.Errorf("body = %q, want %q", body, tt.wantBody)
				}
				lines := fileLines(t, path)
				if len(lines) != i+1 {
					t.Fatalf("after %d requests the file has %d lines, want %d", i+1, len(lines), i+1)
				}
				td := decodeLine(t, lines[i])
				if got := strings.Join(spanIDs(td), " "); got != strings.Join(want, " ") {
					t.Errorf("line %d ids = %s, want %s", i, got, strings.Join(want, " "))
				}
				sn, _ := td.ResourceSpans().At(0).Resource().Attributes().Get("service.name")
				if sn.Str() != "sink-test" {
					t.Errorf("service.name = %q, want sink-test", sn.Str())
				}
			}
		})
	}
}

// rpcStatus is google.rpc.Status in its JSON form.
type rpcStatus struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func TestSinkRefusesJSON(t *testing.T) {
	zeroTrace := `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"00000000000000000000000000000000","spanId":"00f067aa0ba902b7","name":"zero"}]}]}]}`
	emptyTrace := `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"","spanId":"00f067aa0ba902b7","name":"empty"}]}]}]}`
	zeroSpan := `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"0000000000000000","name":"nospan"}]}]}]}`
	tests := []struct {
		name        string
		contentType string
		encoding    string
		body        []byte
		wantStatus  int
		wantMsg     []string // substrings of the google.rpc.Status message
	}{
		{
			name:        "not json",
			contentType: "application/json",
			body:        []byte("not json"),
			wantStatus:  http.StatusBadRequest,
			wantMsg:     []string{"decode application/json"},
		},
		{
			name:        "truncated json",
			contentType: "application/json",
			body:        []byte(`{"resourceSpans":[`),
			wantStatus:  http.StatusBadRequest,
			wantMsg:     []string{"decode application/json"},
		},
		{
			name:        "control and invalid utf-8 bytes quoted by the decoder",
			contentType: "application/json",
			body:        []byte("\x01\xff"),
			wantStatus:  http.StatusBadRequest,
			wantMsg:     []string{"decode application/json"},
		},
		{
			name:        "bad trace id",
			contentType: "application/json",
			body:        []byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz","spanId":"00f067aa0ba902b7"}]}]}]}`),
			wantStatus:  http.StatusBadRequest,
			wantMsg:     []string{"decode application/json"},
		},
		{
			name:        "empty body",
			contentType: "application/json",
			body:        nil,
			wantStatus:  http.StatusBadRequest,
			wantMsg:     []string{"empty request body"},
		},
		{
			name:        "all-zero trace id",
			contentType: "application/json",
			body:        []byte(zeroTrace),
			wantStatus:  http.StatusBadRequest,
			wantMsg:     []string{`span "zero"`, "trace id"},
		},
		{
			name:        "empty trace id",
			contentType: "application/json",
			body:        []byte(emptyTrace),
			wantStatus:  http.StatusBadRequest,
			wantMsg:     []string{`span "empty"`, "trace id"},
		},
		{
			name:        "all-zero span id",
			contentType: "application/json",
			body:        []byte(zeroSpan),
			wantStatus:  http.StatusBadRequest,
			wantMsg:     []string{`span "nospan"`, "span id"},
		},
		{
			name:        "gzip header but plain body",
			contentType: "application/json",
			encoding:    "gzip",
			body:        []byte(zeroTrace),
			wantStatus:  http.StatusBadRequest,
			wantMsg:     []string{"gzip"},
		},
		{
			name:        "unknown content encoding",
			contentType: "application/json",
			encoding:    "br",
			body:        []byte(zeroTrace),
			wantStatus:  http.StatusUnsupportedMediaType,
			wantMsg:     []string{`"br"`},
		},
		{
			name:        "text content type",
			contentType: "text/plain",
			body:        []byte(zeroTrace),
			wantStatus:  http.StatusUnsupportedMediaType,
			wantMsg:     []string{"text/plain", "application/json", "application/x-protobuf"},
		},
		{
			name:       "no content type",
			body:       []byte(zeroTrace),
			wantStatus: http.StatusUnsupportedMediaType,
			wantMsg:    []string{"unsupported content type"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, path := newSinkServer(t)
			resp, body := post(t, srv.URL, tt.contentType, tt.encoding, tt.body)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %q", resp.StatusCode, tt.wantStatus, body)
			}
			if got := resp.Header.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", got)
			}
			var st rpcStatus
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&st); err != nil {
				t.Fatalf("body is not a JSON google.rpc.Status: %v\n%q", err, body)
			}
			if st.Code != 3 {
				t.Errorf("code = %d, want 3 (INVALID_ARGUMENT)", st.Code)
			}
			for _, w := range tt.wantMsg {
				if !strings.Contains(st.Message, w) {
					t.Errorf("message %q does not contain %q", st.Message, w)
				}
			}
			if lines := fileLines(t, path); len(lines) != 0 {
				t.Errorf("refused request appended %d lines", len(lines))
			}
		})
	}
}

func TestSinkTooLarge(t *testing.T) {
	tests := []struct {
		name     string
		encoding string
		body     func(t *testing.T) []byte
	}{
		{
			name: "plain body over the limit",
			body: func(*testing.T) []byte { return bytes.Repeat([]byte{' '}, server.DefaultMaxBodyBytes+1) },
		},
		{
			name:     "gzip bomb",
			encoding: "gzip",
			body: func(t *testing.T) []byte {
				b := gzipped(t, bytes.Repeat([]byte{' '}, server.DefaultMaxDecodedBytes+1))
				if len(b) > server.DefaultMaxDecodedBytes/100 {
					t.Fatalf("the bomb is %d bytes compressed: not a bomb", len(b))
				}
				return b
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, path := newSinkServer(t)
			resp, body := post(t, srv.URL, "application/json", tt.encoding, tt.body(t))
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Fatalf("status = %d, want 413; body %q", resp.StatusCode, body)
			}
			var st rpcStatus
			if err := json.Unmarshal(body, &st); err != nil {
				t.Fatalf("body is not JSON: %v: %q", err, body)
			}
			if !strings.Contains(st.Message, "bytes") {
				t.Errorf("message %q does not name the limit", st.Message)
			}
			if lines := fileLines(t, path); len(lines) != 0 {
				t.Errorf("refused request appended %d lines", len(lines))
			}
		})
	}
}

func TestSinkAtTheLimit(t *testing.T) {
	srv, path := newSinkServer(t)
	// Pad a valid request with trailing JSON whitespace up to exactly the
	// limits: the body cap uncompressed, the decompressed cap gzipped.
	// Both must be accepted.
	pad := func(n int) []byte {
		body := testJSON(t)
		return append(body, bytes.Repeat([]byte{' '}, n-len(body))...)
	}
	for _, enc := range []string{"", "gzip"} {
		b := pad(server.DefaultMaxBodyBytes)
		if enc == "gzip" {
			b = gzipped(t, pad(server.DefaultMaxDecodedBytes))
		}
		resp, data := post(t, srv.URL, "application/json", enc, b)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("encoding %q: status = %d, want 200; body %q", enc, resp.StatusCode, data)
		}
	}
	if lines := fileLines(t, path); len(lines) != 2 {
		t.Errorf("file has %d lines, want 2", len(lines))
	}
}

// decodeStatusProto decodes google.rpc.Status{code=1, message=2} by hand.
func decodeStatusProto(b []byte) (code uint64, msg string, err error) {
	varint := func() (uint64, error) {
		var v uint64
		for shift := uint(0); shift < 64; shift += 7 {
			if len(b) == 0 {
				return 0, errors.New("truncated varint")
			}
			c := b[0]
			b = b[1:]
			v |= uint64(c&0x7f) << shift
			if c < 0x80 {
				return v, nil
			}
		}
		return 0, errors.New("varint overflow")
	}
	for len(b) > 0 {
		key, err := varint()
		if err != nil {
			return 0, "", err
		}
		switch key {
		case 1<<3 | 0: // code, varint
			if code, err = varint(); err != nil {
				return 0, "", err
			}
		case 2<<3 | 2: // message, length-delimited
			n, err := varint()
			if err != nil {
				return 0, "", err
			}
			if n > uint64(len(b)) {
				return 0, "", errors.New("message runs past the end")
			}
			msg, b = string(b[:n]), b[n:]
		default:
			return 0, "", errors.New("unexpected field")
		}
	}
	return code, msg, nil
}

func TestSinkRefusesProtobuf(t *testing.T) {
	longName := strings.Repeat("x", 300)
	zeroTrace := func(name string) []byte {
		td := testTraces()
		s := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(1)
		s.SetTraceID(pcommon.NewTraceIDEmpty())
		s.SetName(name)
		b, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name       string
		encoding   string
		body       []byte
		wantStatus int
		wantMsg    []string
		wantLong   bool // message longer than 127 bytes: a two-byte length
	}{
		{
			name:       "not protobuf",
			body:       []byte{0xff, 0xff, 0xff},
			wantStatus: http.StatusBadRequest,
			wantMsg:    []string{"decode application/x-protobuf"},
		},
		{
			name:       "empty trace id",
			body:       zeroTrace("child"),
			wantStatus: http.StatusBadRequest,
			wantMsg:    []string{`span "child"`, "resource 0, scope 0, span 1", "trace id"},
		},
		{
			name:       "empty trace id, long message",
			body:       zeroTrace(longName),
			wantStatus: http.StatusBadRequest,
			wantMsg:    []string{longName, "trace id"},
			wantLong:   true,
		},
		{
			name:       "gzip bomb",
			encoding:   "gzip",
			body:       gzipped(t, make([]byte, server.DefaultMaxDecodedBytes+1)),
			wantStatus: http.StatusRequestEntityTooLarge,
			wantMsg:    []string{"bytes"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, path := newSinkServer(t)
			resp, body := post(t, srv.URL, "application/x-protobuf", tt.encoding, tt.body)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %q", resp.StatusCode, tt.wantStatus, body)
			}
			if got := resp.Header.Get("Content-Type"); got != "application/x-protobuf" {
				t.Errorf("Content-Type = %q, want application/x-protobuf", got)
			}
			code, msg, err := decodeStatusProto(body)
			if err != nil {
				t.Fatalf("body is not a protobuf google.rpc.Status: %v\n%x", err, body)
			}
			if code != 3 {
				t.Errorf("code = %d, want 3", code)
			}
			for _, w := range tt.wantMsg {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q does not contain %q", msg, w)
				}
			}
			if tt.wantLong {
				if len(msg) <= 127 {
					t.Fatalf("message is %d bytes, the case needs more than 127", len(msg))
				}
				// 08 03 12 <2-byte varint length> message
				if len(body) != 3+2+len(msg) || body[3]&0x80 == 0 || body[4]&0x80 != 0 {
					t.Errorf("length prefix % x is not a two-byte varint for %d", body[3:5], len(msg))
				}
			}
			if lines := fileLines(t, path); len(lines) != 0 {
				t.Errorf("refused request appended %d lines", len(lines))
			}
		})
	}
}

func TestSinkMethodNotAllowed(t *testing.T) {
	srv, path := newSinkServer(t)
	for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
		t.Run(method, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), method, srv.URL, bytes.NewReader(testJSON(t)))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("status = %d, want 405", resp.StatusCode)
			}
			if got := resp.Header.Get("Allow"); got != http.MethodPost {
				t.Errorf("Allow = %q, want POST", got)
			}
		})
	}
	if lines := fileLines(t, path); len(lines) != 0 {
		t.Errorf("refused requests appended %d lines", len(lines))
	}
}

func TestSinkClosed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "traces.jsonl")
	sink, err := server.NewSink(path)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sink)
	defer srv.Close()
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sink.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	resp, body := post(t, srv.URL, "application/json", "", testJSON(t))
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status = %d, want 503; body %q", resp.StatusCode, body)
	}
	var st rpcStatus
	if err := json.Unmarshal(body, &st); err != nil || !strings.Contains(st.Message, "closed") {
		t.Errorf("body = %q (%v), want a Status saying the sink is closed", body, err)
	}
}

func TestSinkAppendsToExistingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "traces.jsonl")
	const earlier = `{"resourceSpans":[]}` + "\n"
	if err := os.WriteFile(path, []byte(earlier), 0o644); err != nil {
		t.Fatal(err)
	}
	sink, err := server.NewSink(path)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sink)
	defer srv.Close()
	defer sink.Close()
	if resp, body := post(t, srv.URL, "application/json", "", testJSON(t)); resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d; body %q", resp.StatusCode, body)
	}
	lines := fileLines(t, path)
	if len(lines) != 2 || string(lines[0])+"\n" != earlier {
		t.Fatalf("file lines = %q, want the earlier line kept and one appended", lines)
	}
	if got := len(spanIDs(decodeLine(t, lines[1]))); got != 2 {
		t.Errorf("appended line has %d spans, want 2", got)
	}
}

func TestNewSinkError(t *testing.T) {
	// A regular file where the sink's directory should be.
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := server.NewSink(filepath.Join(blocker, "traces.jsonl"))
	if err == nil || !strings.HasPrefix(err.Error(), "server: sink: ") {
		t.Errorf("NewSink under a file: err = %v, want a server: sink: error", err)
	}
}

func TestSinkConcurrentSafe(t *testing.T) {
	srv, path := newSinkServer(t)
	body := testJSON(t)
	const n = 16
	errs := make(chan error, n)
	for range n {
		go func() {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL, bytes.NewReader(body))
			if err != nil {
				errs <- err
				return
			}
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				errs <- err
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				err = errors.New(resp.Status)
			}
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	lines := fileLines(t, path)
	if len(lines) != n {
		t.Fatalf("file has %d lines, want %d", len(lines), n)
	}
	for _, l := range lines {
		if got := len(spanIDs(decodeLine(t, l))); got != 2 {
			t.Errorf("a line has %d spans, want 2 (interleaved writes?)", got)
		}
	}
}
