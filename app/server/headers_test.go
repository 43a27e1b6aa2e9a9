package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/spanfall/spanfall/app/server"
)

// wantSecurityHeaders checks the headers every response carries.
func wantSecurityHeaders(t *testing.T, h http.Header, csp string) {
	t.Helper()
	want := map[string]string{
		"Content-Security-Policy":      csp,
		"X-Content-Type-Options":       "nosniff",
		"Referrer-Policy":              "strict-origin-when-cross-origin",
		"Cross-Origin-Opener-Policy":   "same-origin",
		"Cross-Origin-Resource-Policy": "same-origin",
		"X-Frame-Options":              "DENY",
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

const baseCSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self'; " +
	"connect-src %s; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	appHandler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		_, _ = io.WriteString(w, "<!doctype html>")
	})
	tests := []struct {
		name, method, path, contentType string
		wantStatus                      int
	}{
		{name: "page", method: http.MethodGet, path: "/", wantStatus: http.StatusOK},
		{name: "other page", method: http.MethodGet, path: "/viewer", wantStatus: http.StatusOK},
		{name: "not found", method: http.MethodGet, path: "/missing", wantStatus: http.StatusNotFound},
		{name: "demo API", method: http.MethodGet, path: "/api/demo", wantStatus: http.StatusOK},
		{name: "traces accepted", method: http.MethodPost, path: "/v1/traces", contentType: "application/json", wantStatus: http.StatusOK},
		{name: "traces refused", method: http.MethodGet, path: "/v1/traces", wantStatus: http.StatusMethodNotAllowed},
	}
	for _, relay := range []bool{false, true} {
		collector := httptest.NewServer(&fakeCollector{status: http.StatusOK})
		defer collector.Close()
		for _, tt := range tests {
			name := tt.name
			if relay {
				name += " relay"
			}
			t.Run(name, func(t *testing.T) {
				cfg := server.Config{App: appHandler, SinkPath: filepath.Join(t.TempDir(), "t.jsonl")}
				if relay {
					cfg.OTLPEndpoint = collector.URL
				}
				_, srv := newServer(t, cfg)
				req, err := http.NewRequestWithContext(t.Context(), tt.method, srv.URL+tt.path, strings.NewReader(string(testJSON(t))))
				if err != nil {
					t.Fatal(err)
				}
				if tt.contentType != "" {
					req.Header.Set("Content-Type", tt.contentType)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != tt.wantStatus {
					t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
				}
				wantSecurityHeaders(t, resp.Header, strings.Replace(baseCSP, "%s", "'self'", 1))
			})
		}
	}
}

func TestCSPConnectSrc(t *testing.T) {
	tests := []struct {
		name, exportURL, wantConnect, wantErr string
	}{
		{name: "default", exportURL: "", wantConnect: "'self'"},
		{name: "same origin path", exportURL: "/v1/traces", wantConnect: "'self'"},
		{name: "collector on another origin", exportURL: "http://127.0.0.1:4318/v1/traces", wantConnect: "'self' http://127.0.0.1:4318"},
		{name: "https collector, upper case", exportURL: "HTTPS://Collector.Example.com/v1/traces", wantConnect: "'self' https://collector.example.com"},
		{name: "not http", exportURL: "javascript:alert(1)", wantErr: "want a path"},
		{name: "no host", exportURL: "http:///v1/traces", wantErr: "want a path"},
		{name: "unparsable", exportURL: "http://[::1", wantErr: "export URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := server.New(server.Config{ExportURL: tt.exportURL, SinkPath: filepath.Join(t.TempDir(), "t.jsonl")})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			w := httptest.NewRecorder()
			s.ServeHTTP(w, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/api/demo", nil))
			wantSecurityHeaders(t, w.Header(), strings.Replace(baseCSP, "%s", tt.wantConnect, 1))
		})
	}
}

// cspPage is a component that uses an inline style attribute, as the
// viewer does.
type cspPage struct{ app.Compo }

func (*cspPage) Render() app.UI {
	return app.Div().Class("x").Style("left", "10%").Text("hello")
}

// TestCSPCoversGoAppPage serves a real go-app v10 handler through the
// server and checks the page needs nothing the policy forbids: no inline
// script or style element, no event handler attribute, no eval in the
// scripts it loads; every file carries the policy (the service worker
// runs under the policy of /app-worker.js).
func TestCSPCoversGoAppPage(t *testing.T) {
	app.Route("/", func() app.Composer { return &cspPage{} })
	h := &app.Handler{
		Name:   "CSP",
		Title:  "CSP",
		Styles: []string{"/web/x.css"},
		Icon:   app.Icon{Default: "/web/icon-192.png"},
		Env:    map[string]string{"SPANFALL_EXPORT_URL": "http://127.0.0.1:4318/v1/traces"},
	}
	_, srv := newServer(t, server.Config{App: h, ExportURL: "http://127.0.0.1:4318/v1/traces", SinkPath: filepath.Join(t.TempDir(), "t.jsonl")})
	csp := strings.Replace(baseCSP, "%s", "'self' http://127.0.0.1:4318", 1)

	get := func(path string) string {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		wantSecurityHeaders(t, resp.Header, csp)
		return string(b)
	}

	page := get("/")
	for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAllString(page, -1) {
		if !strings.Contains(tag, " src=") {
			t.Errorf("inline script %s: 'self' does not allow it", tag)
		}
	}
	if strings.Contains(page, "<style") {
		t.Errorf("page has a <style> element: style-src 'self' does not allow it")
	}
	if m := regexp.MustCompile(`\son[a-z]+=`).FindString(page); m != "" {
		t.Errorf("page has an event handler attribute %q", m)
	}
	if !strings.Contains(page, `style="left: 10%"`) && !strings.Contains(page, `style="left:10%"`) {
		t.Logf("page: %s", page)
		t.Errorf("the component's style attribute is not in the page: the test no longer covers style-src-attr")
	}
	for _, path := range []string{"/app.js", "/wasm_exec.js", "/app-worker.js"} {
		js := get(path)
		if regexp.MustCompile(`\beval\(|new Function\(|\bFunction\(`).MatchString(js) {
			t.Errorf("%s evaluates strings: it needs 'unsafe-eval'", path)
		}
	}
	if js := get("/app.js"); !strings.Contains(js, "WebAssembly.instantiate") {
		t.Errorf("/app.js does not compile WebAssembly: is 'wasm-unsafe-eval' still needed?")
	}
	get("/manifest.webmanifest")
}

// TestCSPAllowsInlineScriptByHash: an inline script given in
// Config.InlineScripts is allowed by its sha256 hash, nothing more.
func TestCSPAllowsInlineScriptByHash(t *testing.T) {
	const script = "window.x = 1;\n"
	s, err := server.New(server.Config{InlineScripts: []string{script}, SinkPath: filepath.Join(t.TempDir(), "t.jsonl")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/api/demo", nil))
	// printf 'window.x = 1;\n' | openssl dgst -sha256 -binary | base64
	want := strings.Replace(baseCSP, "%s", "'self'", 1)
	want = strings.Replace(want, "'wasm-unsafe-eval'", "'wasm-unsafe-eval' 'sha256-/ouTIVhKJVrNJ4C5aJC7dCSFrDDePpcyFvhhrNmecKo='", 1)
	wantSecurityHeaders(t, w.Header(), want)
}
