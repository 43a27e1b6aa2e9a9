package server

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

func TestPrecompressed(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("app.wasm", "RAW-WASM-BYTES")
	write("app.wasm.br", "BR")
	write("app.wasm.gz", "GZIP")
	write("style.css", "body{}")
	write("only.js", "ORIGINAL")
	write("only.js.gz", "GZ-ONLY")
	write("stale.js.gz", "OLD")
	write("stale.js", "NEW") // rebuilt after its copy
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "stale.js.gz"), old, old); err != nil {
		t.Fatal(err)
	}
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Next", "1")
		w.Write([]byte("next"))
	})
	h := Precompressed(dir, next)

	tests := []struct {
		name, method, path, accept string
		wantEncoding, wantBody     string
		wantType                   string
		wantNext                   bool
	}{
		{name: "brotli preferred", path: "/web/app.wasm", accept: "gzip, deflate, br, zstd", wantEncoding: "br", wantBody: "BR", wantType: "application/wasm"},
		{name: "gzip when brotli is not accepted", path: "/web/app.wasm", accept: "gzip", wantEncoding: "gzip", wantBody: "GZIP", wantType: "application/wasm"},
		{name: "brotli refused with q=0", path: "/web/app.wasm", accept: "br;q=0, gzip;q=0.5", wantEncoding: "gzip", wantBody: "GZIP", wantType: "application/wasm"},
		{name: "star accepts brotli", path: "/web/app.wasm", accept: "*", wantEncoding: "br", wantBody: "BR", wantType: "application/wasm"},
		{name: "no Accept-Encoding: the original", path: "/web/app.wasm", wantNext: true},
		{name: "no compressed copy", path: "/web/style.css", accept: "br, gzip", wantNext: true},
		{name: "only a gzip copy", path: "/web/only.js", accept: "br, gzip", wantEncoding: "gzip", wantBody: "GZ-ONLY", wantType: "text/javascript; charset=utf-8"},
		{name: "a copy older than its original is stale", path: "/web/stale.js", accept: "gzip", wantNext: true},
		{name: "a copy without its original", path: "/web/nothing.js", accept: "gzip", wantNext: true},
		{name: "HEAD has the headers and no body", method: http.MethodHead, path: "/web/app.wasm", accept: "br", wantEncoding: "br", wantType: "application/wasm"},
		{name: "POST is not for it", method: http.MethodPost, path: "/web/app.wasm", accept: "br", wantNext: true},
		{name: "outside /web/", path: "/app.wasm", accept: "br", wantNext: true},
		{name: "no escaping the directory", path: "/web/../" + filepath.Base(dir) + "/app.wasm", accept: "br", wantNext: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			r := httptest.NewRequest(method, tt.path, nil)
			if tt.accept != "" {
				r.Header.Set("Accept-Encoding", tt.accept)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if got := w.Header().Get("X-Next") == "1"; got != tt.wantNext {
				t.Fatalf("passed on to next: %v, want %v", got, tt.wantNext)
			}
			if tt.wantNext {
				return
			}
			if w.Code != http.StatusOK || w.Header().Get("Content-Encoding") != tt.wantEncoding || w.Header().Get("Content-Type") != tt.wantType {
				t.Fatalf("%d %q %q, want 200 %q %q", w.Code, w.Header().Get("Content-Encoding"), w.Header().Get("Content-Type"), tt.wantEncoding, tt.wantType)
			}
			if w.Header().Get("Vary") != "Accept-Encoding" {
				t.Errorf("Vary = %q", w.Header().Get("Vary"))
			}
			if want := len(tt.wantBody); method == http.MethodGet && (w.Body.String() != tt.wantBody || w.Header().Get("Content-Length") != itoa(want)) {
				t.Errorf("body %q length %q, want %q", w.Body.String(), w.Header().Get("Content-Length"), tt.wantBody)
			}
			if method == http.MethodHead && w.Body.Len() != 0 {
				t.Errorf("HEAD sent a body")
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
