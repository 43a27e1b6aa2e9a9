package server_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spanfall/spanfall/app/server"
)

// seenRequest is what the fake collector received.
type seenRequest struct {
	method, path, contentType, encoding string
	header                              http.Header
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
	c.seen = append(c.seen, seenRequest{r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("Content-Encoding"), r.Header.Clone(), b})
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

// newRelay returns a relay to endpoint, failing the test on an error.
func newRelay(t *testing.T, endpoint string, opts ...server.Option) *server.Relay {
	t.Helper()
	rl, err := server.NewRelay(endpoint, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return rl
}

// startRelay starts a relay to a fake collector behind httptest.
func startRelay(t *testing.T, c http.Handler, opts ...server.Option) (relay *httptest.Server, collector *httptest.Server) {
	t.Helper()
	collector = httptest.NewServer(c)
	t.Cleanup(collector.Close)
	relay = httptest.NewServer(newRelay(t, collector.URL, opts...))
	t.Cleanup(relay.Close)
	return relay, collector
}

// readStatus decodes a google.rpc.Status body in either encoding.
func readStatus(t *testing.T, contentType string, body []byte) rpcStatus {
	t.Helper()
	if strings.HasPrefix(contentType, "application/x-protobuf") {
		code, msg, err := decodeStatusProto(body)
		if err != nil {
			t.Fatalf("body is not a protobuf google.rpc.Status: %v: %x", err, body)
		}
		return rpcStatus{Code: int(code), Message: msg}
	}
	var st rpcStatus
	if err := json.Unmarshal(body, &st); err != nil {
		t.Fatalf("body is not a JSON google.rpc.Status: %v: %q", err, body)
	}
	return st
}

func TestRelayPassesAnswersThrough(t *testing.T) {
	tests := []struct {
		name        string
		collector   *fakeCollector
		contentType string
		encoding    string
		body        func(t *testing.T) []byte
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
			body:        testJSON,
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
			body:        func(t *testing.T) []byte { return gzipped(t, testProto(t)) },
			wantHeader:  map[string]string{"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT", "Content-Type": "application/x-protobuf"},
		},
		{
			name: "200 with partial success",
			collector: &fakeCollector{
				status: http.StatusOK,
				header: http.Header{"Content-Type": {"application/json"}, "X-Internal": {"secret"}, "Set-Cookie": {"c=1"}},
				body:   `{"partialSuccess":{"rejectedSpans":"1","errorMessage":"one bad span"}}`,
			},
			contentType: "application/json; charset=utf-8",
			body:        testJSON,
			wantHeader:  map[string]string{"Content-Type": "application/json", "Retry-After": "", "X-Internal": "", "Set-Cookie": ""},
		},
		{
			name: "400 from the collector: the data was bad",
			collector: &fakeCollector{
				status: http.StatusBadRequest,
				header: http.Header{"Content-Type": {"application/json"}},
				body:   `{"code":3,"message":"bad"}`,
			},
			contentType: "application/json",
			body:        testJSON,
			wantHeader:  map[string]string{"Content-Type": "application/json"},
		},
		{
			name: "413 from the collector: split the batch",
			collector: &fakeCollector{
				status: http.StatusRequestEntityTooLarge,
				header: http.Header{"Content-Type": {"application/x-protobuf"}},
			},
			contentType: "application/x-protobuf",
			body:        testProto,
			wantHeader:  map[string]string{"Content-Type": "application/x-protobuf"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			relay, _ := startRelay(t, tt.collector)
			sent := tt.body(t)
			resp, body := post(t, relay.URL+"/v1/traces", tt.contentType, tt.encoding, sent)
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
			// Forwarded byte for byte, encodings preserved.
			got := seen[0]
			if got.method != http.MethodPost || got.path != "/v1/traces" || got.contentType != tt.contentType ||
				got.encoding != tt.encoding || !bytes.Equal(got.body, sent) {
				t.Errorf("collector saw %s %s %q %q %d bytes, want POST /v1/traces %q %q the %d bytes sent",
					got.method, got.path, got.contentType, got.encoding, len(got.body), tt.contentType, tt.encoding, len(sent))
			}
		})
	}
}

func TestRelayMapsCollectorFailures(t *testing.T) {
	tests := []struct {
		name           string
		status         int
		header         http.Header
		wantStatus     int
		wantRetryAfter string
		wantMsg        string
	}{
		{name: "500", status: http.StatusInternalServerError, wantStatus: http.StatusBadGateway, wantMsg: "collector failed (500"},
		{name: "502 with Retry-After", status: http.StatusBadGateway, header: http.Header{"Retry-After": {"3"}}, wantStatus: http.StatusBadGateway, wantRetryAfter: "3", wantMsg: "collector failed (502"},
		{name: "504", status: http.StatusGatewayTimeout, wantStatus: http.StatusServiceUnavailable, wantRetryAfter: "5", wantMsg: "timed out"},
		{name: "408", status: http.StatusRequestTimeout, wantStatus: http.StatusServiceUnavailable, wantRetryAfter: "5", wantMsg: "timed out"},
		{name: "401 wrong credentials", status: http.StatusUnauthorized, wantStatus: http.StatusBadGateway, wantMsg: "refused the relay (401"},
		{name: "403", status: http.StatusForbidden, wantStatus: http.StatusBadGateway, wantMsg: "refused the relay (403"},
		{name: "404 wrong endpoint", status: http.StatusNotFound, wantStatus: http.StatusBadGateway, wantMsg: "refused the relay (404"},
		{name: "415", status: http.StatusUnsupportedMediaType, wantStatus: http.StatusBadGateway, wantMsg: "(415"},
		{name: "redirect not followed", status: http.StatusTemporaryRedirect, header: http.Header{"Location": {"http://evil.example/v1/traces"}}, wantStatus: http.StatusBadGateway, wantMsg: "(307"},
	}
	for _, tt := range tests {
		for _, ct := range []string{"application/json", "application/x-protobuf"} {
			t.Run(tt.name+" "+ct, func(t *testing.T) {
				collector := &fakeCollector{status: tt.status, header: tt.header, body: "collector body"}
				var logged bytes.Buffer
				relay, _ := startRelay(t, collector, server.WithErrorLog(log.New(&logged, "", 0)))
				body := testJSON(t)
				if ct == "application/x-protobuf" {
					body = testProto(t)
				}
				resp, data := post(t, relay.URL, ct, "", body)
				if resp.StatusCode != tt.wantStatus {
					t.Fatalf("status = %d, want %d; body %q", resp.StatusCode, tt.wantStatus, data)
				}
				if got := resp.Header.Get("Retry-After"); got != tt.wantRetryAfter {
					t.Errorf("Retry-After = %q, want %q", got, tt.wantRetryAfter)
				}
				if got := resp.Header.Get("Content-Type"); got != ct {
					t.Errorf("Content-Type = %q, want %q", got, ct)
				}
				if resp.Header.Get("Location") != "" {
					t.Errorf("the collector's Location reached the browser")
				}
				st := readStatus(t, ct, data)
				if st.Code != 14 || !strings.Contains(st.Message, tt.wantMsg) {
					t.Errorf("Status = %+v, want code 14 (UNAVAILABLE) and a message with %q", st, tt.wantMsg)
				}
				if n := len(collector.requests()); n != 1 {
					t.Errorf("collector saw %d requests, want 1 (no redirect followed)", n)
				}
			})
		}
	}
}

// closedAddr returns an address that refuses connections: a listener
// closed at once.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

func TestRelayCollectorDown(t *testing.T) {
	var logged bytes.Buffer
	rl := newRelay(t, "http://"+closedAddr(t), server.WithErrorLog(log.New(&logged, "", 0)))
	relay := httptest.NewServer(rl)
	defer relay.Close()

	for _, ct := range []string{"application/json", "application/x-protobuf"} {
		t.Run(ct, func(t *testing.T) {
			body := testJSON(t)
			if ct == "application/x-protobuf" {
				body = testProto(t)
			}
			resp, data := post(t, relay.URL, ct, "", body)
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("status = %d, want 503; body %q", resp.StatusCode, data)
			}
			if got := resp.Header.Get("Retry-After"); got != "5" {
				t.Errorf("Retry-After = %q, want 5", got)
			}
			if got := resp.Header.Get("Content-Type"); got != ct {
				t.Errorf("Content-Type = %q, want %q", got, ct)
			}
			st := readStatus(t, ct, data)
			if st.Code != 14 || !strings.Contains(st.Message, "collector unreachable") {
				t.Errorf("Status = %+v, want code 14 and collector unreachable", st)
			}
			if strings.Contains(st.Message, rl.Target()) {
				t.Errorf("message %q reveals the collector's address", st.Message)
			}
		})
	}
	if !strings.Contains(logged.String(), rl.Target()) {
		t.Errorf("error log %q does not name the target %s", logged.String(), rl.Target())
	}
}

func TestRelayCollectorSlow(t *testing.T) {
	tests := []struct {
		name string
		slow func(release <-chan struct{}) http.HandlerFunc
	}{
		{
			name: "no answer",
			slow: func(release <-chan struct{}) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					select {
					case <-r.Context().Done():
					case <-release:
					}
				}
			},
		},
		{
			name: "headers then a stalled body",
			slow: func(release <-chan struct{}) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusOK)
					_, _ = io.WriteString(w, `{"partial`)
					w.(http.Flusher).Flush()
					select {
					case <-r.Context().Done():
					case <-release:
					}
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			release := make(chan struct{})
			relay, _ := startRelay(t, tt.slow(release), server.WithUpstreamTimeout(50*time.Millisecond), server.WithErrorLog(log.New(io.Discard, "", 0)))
			t.Cleanup(func() { close(release) }) // before the servers close: cleanups run last first
			resp, data := post(t, relay.URL, "application/json", "", testJSON(t))
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("status = %d, want 503; body %q", resp.StatusCode, data)
			}
			if got := resp.Header.Get("Retry-After"); got != "5" {
				t.Errorf("Retry-After = %q, want 5", got)
			}
			if st := readStatus(t, "application/json", data); !strings.Contains(st.Message, "did not answer within 50ms") {
				t.Errorf("message %q does not say the collector timed out", st.Message)
			}
		})
	}
}

func TestRelayCredentialsStayOnTheServer(t *testing.T) {
	const secret = "Bearer s3cr3t-token"
	const key = "k3y+with/plus=="
	tests := []struct {
		name   string
		status int
	}{
		{name: "200", status: http.StatusOK},
		{name: "400", status: http.StatusBadRequest},
		{name: "401", status: http.StatusUnauthorized},
		{name: "429", status: http.StatusTooManyRequests},
		{name: "500", status: http.StatusInternalServerError},
		{name: "503", status: http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A collector that echoes what it got in its answer's headers.
			var mu sync.Mutex
			var got []http.Header
			collector := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				got = append(got, r.Header.Clone())
				mu.Unlock()
				w.Header().Set("X-Echo-Authorization", r.Header.Get("Authorization"))
				w.Header().Set("WWW-Authenticate", r.Header.Get("X-Api-Key"))
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, `{}`)
			})
			relay, _ := startRelay(t, collector,
				server.WithUpstreamHeaders(map[string]string{"Authorization": secret, "x-api-key": key}),
				server.WithErrorLog(log.New(io.Discard, "", 0)))

			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, relay.URL, bytes.NewReader(testJSON(t)))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer from-the-browser")
			req.Header.Set("Cookie", "session=browser")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			for k, vs := range resp.Header {
				for _, v := range vs {
					if strings.Contains(v, "s3cr3t") || strings.Contains(v, "k3y") {
						t.Errorf("response header %s: %q carries the collector's credentials", k, v)
					}
				}
			}
			if bytes.Contains(body, []byte("s3cr3t")) || bytes.Contains(body, []byte("k3y")) {
				t.Errorf("response body %q carries the collector's credentials", body)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(got) != 1 {
				t.Fatalf("collector saw %d requests, want 1", len(got))
			}
			if a := got[0].Get("Authorization"); a != secret {
				t.Errorf("collector got Authorization %q, want the server's", a)
			}
			if k := got[0].Get("X-Api-Key"); k != key {
				t.Errorf("collector got X-Api-Key %q, want %q", k, key)
			}
			if c := got[0].Get("Cookie"); c != "" {
				t.Errorf("the browser's Cookie reached the collector: %q", c)
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
	rl := newRelay(t, csrv.URL)

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
			body:        bytes.NewReader(make([]byte, server.DefaultMaxBodyBytes+1)),
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
		{
			name:        "not gzip",
			method:      http.MethodPost,
			contentType: "application/x-protobuf",
			body:        strings.NewReader("\x1f\x8b not really gzip"),
			wantStatus:  http.StatusBadRequest,
			wantMsg:     "decode",
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

func TestRelayEmptyRequestNotForwarded(t *testing.T) {
	collector := &fakeCollector{status: http.StatusOK}
	relay, _ := startRelay(t, collector)
	resp, body := post(t, relay.URL, "application/json", "", []byte(`{"resourceSpans":[]}`))
	if resp.StatusCode != http.StatusOK || string(body) != `{"partialSuccess":{}}` {
		t.Errorf("got %d %q, want 200 {\"partialSuccess\":{}}", resp.StatusCode, body)
	}
	if n := len(collector.requests()); n != 0 {
		t.Errorf("collector saw %d requests, want 0", n)
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
			if got := newRelay(t, tt.endpoint).Target(); got != tt.want {
				t.Errorf("Target() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewRelayErrors(t *testing.T) {
	const secret = "s3cr3t"
	tests := []struct {
		name     string
		endpoint string
		opts     []server.Option
		wantErr  string
	}{
		{name: "no scheme", endpoint: "127.0.0.1:4318", wantErr: "http or https URL"},
		{name: "other scheme", endpoint: "file:///etc/passwd", wantErr: "http or https URL"},
		{name: "no host", endpoint: "http://", wantErr: "http or https URL"},
		{name: "header name not a token", endpoint: "http://c:4318", opts: []server.Option{server.WithUpstreamHeaders(map[string]string{"Bad Name": secret})}, wantErr: "not an HTTP token"},
		{name: "reserved header", endpoint: "http://c:4318", opts: []server.Option{server.WithUpstreamHeaders(map[string]string{"content-type": secret})}, wantErr: "Content-Type is set by the relay"},
		{name: "header value with a newline", endpoint: "http://c:4318", opts: []server.Option{server.WithUpstreamHeaders(map[string]string{"Authorization": secret + "\r\nX: y"})}, wantErr: "control characters"},
		{name: "bad CORS origin", endpoint: "http://c:4318", opts: []server.Option{server.WithCORSOrigins("https://a.example/path")}, wantErr: "CORS origin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := server.NewRelay(tt.endpoint, tt.opts...)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
			}
			if !strings.HasPrefix(err.Error(), "server: ") {
				t.Errorf("err %q is not prefixed with the package", err)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("err %q quotes a header value", err)
			}
		})
	}
}

func TestRelayUsesGivenClient(t *testing.T) {
	collector := &fakeCollector{status: http.StatusOK}
	csrv := httptest.NewServer(collector)
	defer csrv.Close()
	var rt countingTransport
	relay := httptest.NewServer(newRelay(t, csrv.URL, server.WithHTTPClient(&http.Client{Transport: &rt})))
	defer relay.Close()
	if resp, body := post(t, relay.URL, "application/json", "", testJSON(t)); resp.StatusCode != http.StatusOK {
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
