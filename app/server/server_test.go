package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spanfall/spanfall/app/server"
)

// newServer starts cfg's server behind httptest and closes both at the end.
func newServer(t *testing.T, cfg server.Config) (*server.Server, *httptest.Server) {
	t.Helper()
	s, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(func() {
		srv.Close()
		if err := s.Close(); err != nil {
			t.Errorf("close server: %v", err)
		}
	})
	return s, srv
}

func TestServerRoutesTracesToRelay(t *testing.T) {
	collector := &fakeCollector{status: http.StatusServiceUnavailable, header: http.Header{"Retry-After": {"7"}}}
	csrv := httptest.NewServer(collector)
	defer csrv.Close()
	sinkPath := filepath.Join(t.TempDir(), "traces.jsonl")
	s, srv := newServer(t, server.Config{OTLPEndpoint: csrv.URL, SinkPath: sinkPath})

	if want := "relaying OTLP to " + csrv.URL + "/v1/traces"; s.Describe() != want {
		t.Errorf("Describe() = %q, want %q", s.Describe(), want)
	}
	body := testJSON(t)
	resp, _ := post(t, srv.URL+"/v1/traces", "application/json", "", body)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "7" {
		t.Errorf("got %d Retry-After %q, want the collector's 503 and 7", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	seen := collector.requests()
	if len(seen) != 1 || string(seen[0].body) != string(body) {
		t.Fatalf("collector saw %d requests, want 1 with the body sent", len(seen))
	}
	if got, err := filepath.Glob(sinkPath); err != nil || len(got) != 0 {
		t.Errorf("a relaying server created the sink file: %v %v", got, err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close of a relaying server = %v, want nil", err)
	}
}

func TestServerRoutesTracesToSink(t *testing.T) {
	sinkPath := filepath.Join(t.TempDir(), "data", "traces.jsonl")
	s, srv := newServer(t, server.Config{SinkPath: sinkPath})

	if want := "embedded OTLP sink appending to " + sinkPath; s.Describe() != want {
		t.Errorf("Describe() = %q, want %q", s.Describe(), want)
	}
	resp, body := post(t, srv.URL+"/v1/traces", "application/json", "", testJSON(t))
	if resp.StatusCode != http.StatusOK || string(body) != `{"partialSuccess":{}}` {
		t.Fatalf("got %d %q, want 200 {\"partialSuccess\":{}}", resp.StatusCode, body)
	}
	lines := fileLines(t, sinkPath)
	if len(lines) != 1 {
		t.Fatalf("sink file has %d lines, want 1", len(lines))
	}
	if got := len(spanIDs(decodeLine(t, lines[0]))); got != 2 {
		t.Errorf("line has %d spans, want 2", got)
	}

	// After Close the sink's file is closed: requests answer 503.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if resp, body := post(t, srv.URL+"/v1/traces", "application/json", "", testJSON(t)); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("after Close: status = %d, want 503; body %q", resp.StatusCode, body)
	}
}

func TestServerSinkPathError(t *testing.T) {
	dir := t.TempDir()
	// The sink path is a directory: it cannot be opened for appending.
	if _, err := server.New(server.Config{SinkPath: dir}); err == nil {
		t.Fatal("New with a directory as SinkPath succeeded, want an error")
	}
}

func TestServerRoutes(t *testing.T) {
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "app:"+r.URL.Path)
	})
	tests := []struct {
		name       string
		app        http.Handler
		path       string
		wantStatus int
		wantBody   string
	}{
		{name: "app root", app: app, path: "/", wantStatus: http.StatusOK, wantBody: "app:/"},
		{name: "app page", app: app, path: "/viewer", wantStatus: http.StatusOK, wantBody: "app:/viewer"},
		{name: "no app", path: "/", wantStatus: http.StatusNotFound},
		{name: "traces GET", app: app, path: "/v1/traces", wantStatus: http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, srv := newServer(t, server.Config{App: tt.app, SinkPath: filepath.Join(t.TempDir(), "t.jsonl")})
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
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
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if tt.wantBody != "" && string(body) != tt.wantBody {
				t.Errorf("body = %q, want %q", body, tt.wantBody)
			}
		})
	}
}

func TestServerDemoEchoesTraceparent(t *testing.T) {
	_, srv := newServer(t, server.Config{SinkPath: filepath.Join(t.TempDir(), "t.jsonl")})
	tests := []struct {
		name        string
		traceparent string
	}{
		{name: "with traceparent", traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
		{name: "without traceparent", traceparent: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/api/demo", nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.traceparent != "" {
				req.Header.Set("traceparent", tt.traceparent)
			}
			before := time.Now().UTC()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d, want 200", resp.StatusCode)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", cc)
			}
			var got struct {
				Time        string `json:"time"`
				Traceparent string `json:"traceparent"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
				t.Fatal(err)
			}
			if got.Traceparent != tt.traceparent {
				t.Errorf("traceparent = %q, want %q", got.Traceparent, tt.traceparent)
			}
			ts, err := time.Parse(time.RFC3339Nano, got.Time)
			if err != nil {
				t.Fatalf("time %q: %v", got.Time, err)
			}
			if ts.Before(before.Add(-time.Second)) || ts.After(time.Now().Add(time.Second)) {
				t.Errorf("time %v is not around now (%v)", ts, before)
			}
		})
	}
}
