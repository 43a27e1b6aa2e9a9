package server_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/spanfall/spanfall/app/server"
)

// seenRequest is what the fake collector received.
type seenRequest struct {
	method, path, contentType, encoding string
	body                                []byte
}

// fakeCollector records every request and answers with status, headers
// and body.
type fakeCollector struct {
	status int
	header http.Header
	body   string

	mu   sync.Mutex
	seen []seenRequest
}

func (c *fakeCollector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	c.mu.Lock()
	c.seen = append(c.seen, seenRequest{r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("Content-Encoding"), b})
	c.mu.Unlock()
	for k, vs := range c.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(c.status)
	_, _ = io.WriteString(w, c.body)
}

func (c *fakeCollector) requests() []seenRequest {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]seenRequest(nil), c.seen...)
}

func TestRelayPassesAnswersThrough(t *testing.T) {
	tests := []struct {
		name        string
		collector   *fakeCollector
		contentType string
		encoding    string
		body        []byte
		wantHeader  map[string]string
	}{
		{
			name: "503 with Retry-After",
			collector: &fakeCollector{
				status: http.StatusServiceUnavailable,
				header: http.Header{"Retry-After": {"7"}, "Content-Type": {"application/json"}},
				body:   `{"code":14,"message":"memory limiter"}`,
			},
			contentType: "application/json",
			body:        []byte(`{"resourceSpans":[]}`),
			wantHeader:  map[string]string{"Retry-After": "7", "Content-Type": "application/json"},
		},
		{
			name: "429 gzip protobuf",
			collector: &fakeCollector{
				status: http.StatusTooManyRequests,
				header: http.Header{"Retry-After": {"Wed, 21 Oct 2015 07:28:00 GMT"}, "Content-Type": {"application/x-protobuf"}},
				body:   "\x08\x08",
			},
			contentType: "application/x-protobuf",
			encoding:    "gzip",
			body:        []byte("\x1f\x8b not really gzip: relayed unread"),
			wantHeader:  map[string]string{"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT", "Content-Type": "application/x-protobuf"},
		},
		{
			name: "200",
			collector: &fakeCollector{
				status: http.StatusOK,
				header: http.Header{"Content-Type": {"application/json"}, "X-Internal": {"secret"}},
				body:   `{"partialSuccess":{"rejectedSpans":"1","errorMessage":"one bad span"}}`,
			},
			contentType: "application/json; charset=utf-8",
			body:        []byte(`{"resourceSpans":[]}`),
			wantHeader:  map[string]string{"Content-Type": "application/json", "Retry-After": "", "X-Internal": ""},
		},
		{
			name: "400 from the collector",
			collector: &fakeCollector{
				status: http.StatusBadRequest,
				header: http.Header{"Content-Type": {"application/json"}},
				body:   `{"code":3,"message":"bad"}`,
			},
			contentType: "application/json",
			body:        []byte(`{`),
			wantHeader:  map[string]string{"Content-Type": "application/json"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			collector := httptest.NewServer(tt.collector)
			defer collector.Close()
			relay := httptest.NewServer(server.NewRelay(collector.URL, nil))
			defer relay.Close()

			resp, body := post(t, relay.URL+"/v1/traces", tt.contentType, tt.encoding, tt.body)
			if resp.StatusCode != tt.collector.status {
				t.Errorf("status = %d, want the collector's %d", resp.StatusCode, tt.collector.status)
			}
			for k, want := range tt.wantHeader {
				if got := resp.Header.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if string(body) != tt.collector.body {
				t.Errorf("body = %q, want the collector's %q", body, tt.collector.body)
			}
			seen := tt.collector.requests()
			if len(seen) != 1 {
				t.Fatalf("collector saw %d requests, want 1", len(seen))
			}
			want := seenRequest{http.MethodPost, "/v1/traces", tt.contentType, tt.encoding, tt.body}
			got := seen[0]
			if got.method != want.method || got.path != want.path || got.contentType != want.contentType ||
				got.encoding != want.encoding || !bytes.Equal(got.body, want.body) {
				t.Errorf("collector saw %+v, want %+v", got, want)
			}
		})
	}
}

func TestRelayCollectorUnreachable(t *testing.T) {
	// A listener closed at once: its address refuses connections.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	rl := server.NewRelay("http://"+addr, nil)
	relay := httptest.NewServer(rl)
	defer relay.Close()

	tests := []struct {
		name        string
		contentType string
	}{
		{name: "json", contentType: "application/json"},
		{name: "protobuf", contentType: "application/x-protobuf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := post(t, relay.URL, tt.contentType, "", []byte(`{"resourceSpans":[]}`))
			if resp.StatusCode != http.StatusBadGateway {
				t.Fatalf("status = %d, want 502; body %q", resp.StatusCode, body)
			}
			if got := resp.Header.Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
			}
			var msg string
			if tt.contentType == "application/json" {
				var st rpcStatus
				if err := json.Unmarshal(body, &st); err != nil {
					t.Fatalf("body is not JSON: %v: %q", err, body)
				}
				msg = st.Message
			} else {
				var err error
				if _, msg, err = decodeStatusProto(body); err != nil {
					t.Fatalf("body is not a protobuf Status: %v: %x", err, body)
				}
			}
			if !strings.Contains(msg, rl.Target()) {
				t.Errorf("message %q does not name the target %s", msg, rl.Target())
			}
		})
	}
}

// failingReader fails every read.
type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestRelayRefuses(t *testing.T) {
	collector := &fakeCollector{status: http.StatusOK}
	csrv := httptest.NewServer(collector)
	defer csrv.Close()
	rl := server.NewRelay(csrv.URL, nil)

	tests := []struct {
		name        string
		method      string
		contentType string
		body        io.Reader
		wantStatus  int
		wantMsg     string
	}{
		{
			name:        "GET",
			method:      http.MethodGet,
			contentType: "application/json",
			body:        http.NoBody,
			wantStatus:  http.StatusMethodNotAllowed,
			wantMsg:     "POST only",
		},
		{
			name:        "wrong content type",
			method:      http.MethodPost,
			contentType: "text/plain",
			body:        strings.NewReader("{}"),
			wantStatus:  http.StatusUnsupportedMediaType,
			wantMsg:     "text/plain",
		},
		{
			name:        "body over the limit",
			method:      http.MethodPost,
			contentType: "application/json",
			body:        bytes.NewReader(make([]byte, server.MaxRequestBytes+1)),
			wantStatus:  http.StatusRequestEntityTooLarge,
			wantMsg:     "bytes",
		},
		{
			name:        "body read fails",
			method:      http.MethodPost,
			contentType: "application/json",
			body:        failingReader{},
			wantStatus:  http.StatusBadRequest,
			wantMsg:     "connection reset",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequestWithContext(t.Context(), tt.method, "/v1/traces", tt.body)
			r.Header.Set("Content-Type", tt.contentType)
			w := httptest.NewRecorder()
			rl.ServeHTTP(w, r)
			if w.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %q", w.Code, tt.wantStatus, w.Body)
			}
			if !strings.Contains(w.Body.String(), tt.wantMsg) {
				t.Errorf("body %q does not contain %q", w.Body, tt.wantMsg)
			}
		})
	}
	if n := len(collector.requests()); n != 0 {
		t.Errorf("collector saw %d refused requests, want 0", n)
	}
}

func TestNewRelayTarget(t *testing.T) {
	tests := []struct {
		name, endpoint, want string
	}{
		{name: "base", endpoint: "http://127.0.0.1:4318", want: "http://127.0.0.1:4318/v1/traces"},
		{name: "trailing slash", endpoint: "http://127.0.0.1:4318/", want: "http://127.0.0.1:4318/v1/traces"},
		{name: "full path", endpoint: "http://collector:4318/v1/traces", want: "http://collector:4318/v1/traces"},
		{name: "full path with slash", endpoint: "http://collector:4318/v1/traces/", want: "http://collector:4318/v1/traces"},
		{name: "prefix", endpoint: "https://otel.example.com/otlp", want: "https://otel.example.com/otlp/v1/traces"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := server.NewRelay(tt.endpoint, nil).Target(); got != tt.want {
				t.Errorf("Target() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRelayUsesGivenClient(t *testing.T) {
	collector := &fakeCollector{status: http.StatusOK}
	csrv := httptest.NewServer(collector)
	defer csrv.Close()
	var rt countingTransport
	relay := httptest.NewServer(server.NewRelay(csrv.URL, &http.Client{Transport: &rt}))
	defer relay.Close()
	if resp, body := post(t, relay.URL, "application/json", "", []byte("{}")); resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d; body %q", resp.StatusCode, body)
	}
	if rt.count() != 1 {
		t.Errorf("given client made %d round trips, want 1", rt.count())
	}
}

// countingTransport counts round trips through the default transport.
type countingTransport struct {
	mu sync.Mutex
	n  int
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func (c *countingTransport) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
