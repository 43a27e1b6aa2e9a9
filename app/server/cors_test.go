package server_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spanfall/spanfall/app/server"
)

func TestCORS(t *testing.T) {
	const app = "https://app.example.com"
	const other = "https://evil.example"
	const self = "http://spanfall.test" // the Host of the requests below
	tests := []struct {
		name        string
		origins     []string
		method      string
		header      map[string]string
		contentType string
		wantStatus  int
		wantACAO    string
		wantStored  bool
	}{
		{
			name: "preflight, listed origin", origins: []string{app}, method: http.MethodOptions,
			header:     map[string]string{"Origin": app, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,content-encoding"},
			wantStatus: http.StatusNoContent, wantACAO: app,
		},
		{
			name: "preflight, listed origin in another case", origins: []string{"HTTPS://App.Example.com"}, method: http.MethodOptions,
			header:     map[string]string{"Origin": app, "Access-Control-Request-Method": "POST"},
			wantStatus: http.StatusNoContent, wantACAO: app,
		},
		{
			name: "preflight, other origin", origins: []string{app}, method: http.MethodOptions,
			header:     map[string]string{"Origin": other, "Access-Control-Request-Method": "POST"},
			wantStatus: http.StatusForbidden,
		},
		{
			name: "preflight, default policy", method: http.MethodOptions,
			header:     map[string]string{"Origin": app, "Access-Control-Request-Method": "POST"},
			wantStatus: http.StatusForbidden,
		},
		{
			name: "preflight for PUT", origins: []string{app}, method: http.MethodOptions,
			header:     map[string]string{"Origin": app, "Access-Control-Request-Method": "PUT"},
			wantStatus: http.StatusForbidden, wantACAO: app,
		},
		{
			name: "preflight without an Origin", origins: []string{app}, method: http.MethodOptions,
			header:     map[string]string{"Access-Control-Request-Method": "POST"},
			wantStatus: http.StatusForbidden,
		},
		{
			name: "POST, listed origin", origins: []string{app}, method: http.MethodPost, contentType: "application/json",
			header:     map[string]string{"Origin": app},
			wantStatus: http.StatusOK, wantACAO: app, wantStored: true,
		},
		{
			name: "POST, listed origin, refused body still readable", origins: []string{app}, method: http.MethodPost, contentType: "text/plain",
			header:     map[string]string{"Origin": app},
			wantStatus: http.StatusUnsupportedMediaType, wantACAO: app,
		},
		{
			name: "POST, other origin", origins: []string{app}, method: http.MethodPost, contentType: "application/json",
			header:     map[string]string{"Origin": other},
			wantStatus: http.StatusForbidden,
		},
		{
			name: "POST, null origin", method: http.MethodPost, contentType: "application/json",
			header:     map[string]string{"Origin": "null"},
			wantStatus: http.StatusForbidden,
		},
		{
			name: "POST, same origin by Host", method: http.MethodPost, contentType: "application/json",
			header:     map[string]string{"Origin": self},
			wantStatus: http.StatusOK, wantStored: true,
		},
		{
			name: "POST, same origin by Sec-Fetch-Site behind a proxy that rewrites Host", method: http.MethodPost, contentType: "application/json",
			header:     map[string]string{"Origin": "https://public.example", "Sec-Fetch-Site": "same-origin"},
			wantStatus: http.StatusOK, wantStored: true,
		},
		{
			name: "POST without Origin: not a browser page", method: http.MethodPost, contentType: "application/json",
			wantStatus: http.StatusOK, wantStored: true,
		},
		{
			name: "POST, any origin allowed", origins: []string{"*"}, method: http.MethodPost, contentType: "application/json",
			header:     map[string]string{"Origin": other},
			wantStatus: http.StatusOK, wantACAO: other, wantStored: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "t.jsonl")
			s, err := server.New(server.Config{SinkPath: path, CORSOrigins: tt.origins})
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequestWithContext(t.Context(), tt.method, self+"/v1/traces", bytes.NewReader(testJSON(t)))
			if tt.contentType != "" {
				r.Header.Set("Content-Type", tt.contentType)
			}
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if w.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %q", w.Code, tt.wantStatus, w.Body)
			}
			if got := w.Header().Get("Access-Control-Allow-Origin"); got != tt.wantACAO {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, tt.wantACAO)
			}
			if tt.wantACAO != "" && tt.method == http.MethodPost {
				if got := w.Header().Get("Access-Control-Expose-Headers"); got != "Retry-After" {
					t.Errorf("Access-Control-Expose-Headers = %q, want Retry-After", got)
				}
			}
			if tt.wantStatus == http.StatusNoContent {
				if got := w.Header().Get("Access-Control-Allow-Methods"); got != "POST" {
					t.Errorf("Access-Control-Allow-Methods = %q, want POST", got)
				}
				if got := w.Header().Get("Access-Control-Allow-Headers"); got != "Content-Type, Content-Encoding" {
					t.Errorf("Access-Control-Allow-Headers = %q", got)
				}
			}
			if tt.header["Origin"] != "" && !strings.Contains(strings.Join(w.Header().Values("Vary"), ","), "Origin") {
				t.Errorf("Vary = %q, want Origin", w.Header().Values("Vary"))
			}
			if tt.wantStatus == http.StatusForbidden {
				if st := readStatus(t, "application/json", w.Body.Bytes()); st.Code != 7 {
					t.Errorf("Status = %+v, want code 7 (PERMISSION_DENIED)", st)
				}
			}
			if got := len(fileLines(t, path)) == 1; got != tt.wantStored {
				t.Errorf("stored = %v, want %v", got, tt.wantStored)
			}
		})
	}
}

func TestCORSConfigErrors(t *testing.T) {
	for _, origin := range []string{"app.example.com", "ftp://app.example.com", "https://app.example.com/path", "https://user@app.example.com", "https://app.example.com?q=1", "https://"} {
		t.Run(origin, func(t *testing.T) {
			_, err := server.New(server.Config{SinkPath: filepath.Join(t.TempDir(), "t.jsonl"), CORSOrigins: []string{origin}})
			if err == nil || !strings.Contains(err.Error(), "server: CORS origin") {
				t.Errorf("err = %v, want a CORS origin error", err)
			}
		})
	}
}
