package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// assetsPage is the / route of the go-app handler of these tests.
type assetsPage struct{ app.Compo }

func (*assetsPage) Render() app.UI { return app.Div().Text("assets") }

// goAppWithAssets is the server's app handler chain: Assets in front of a
// go-app Handler whose Resources are the Assets, serving dir as /web/.
func goAppWithAssets(t *testing.T, dir, version string) (http.Handler, *Assets) {
	t.Helper()
	app.Route("/", func() app.Composer { return &assetsPage{} })
	assets, err := NewAssets(dir, version)
	if err != nil {
		t.Fatal(err)
	}
	h := &app.Handler{
		Name:      "Test",
		Version:   version,
		Resources: assets,
		Icon:      app.Icon{Default: "/web/icon.png", Large: "/web/icon.png", SVG: "/web/icon.png"},
		Styles:    []string{"/web/style.css"},
	}
	return assets.Handler(h), assets
}

func assetDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string]string{
		"app.wasm":    "RAW-WASM-BYTES-RAW-WASM-BYTES",
		"app.wasm.br": "BR",
		"app.wasm.gz": "GZIP",
		"style.css":   "body{}",
		"icon.png":    "PNG",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "img"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "img", "logo.svg"), []byte("<svg/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestAssetsCacheHeaders(t *testing.T) {
	h, _ := goAppWithAssets(t, assetDir(t), "b7")
	tests := []struct {
		name, path, accept      string
		wantStatus              int
		wantCache               string
		wantEncoding, wantBody  string
		wantType                string
		wantVary                bool
		wantNoContentLengthFrom bool
	}{
		{name: "versioned wasm, brotli", path: "/web/b7/app.wasm", accept: "gzip, br", wantStatus: 200, wantCache: ImmutableCache, wantEncoding: "br", wantBody: "BR", wantType: "application/wasm", wantVary: true},
		{name: "versioned wasm, gzip", path: "/web/b7/app.wasm", accept: "gzip", wantStatus: 200, wantCache: ImmutableCache, wantEncoding: "gzip", wantBody: "GZIP", wantType: "application/wasm", wantVary: true},
		{name: "versioned wasm, identity", path: "/web/b7/app.wasm", wantStatus: 200, wantCache: ImmutableCache, wantBody: "RAW-WASM-BYTES-RAW-WASM-BYTES", wantType: "application/wasm"},
		{name: "versioned stylesheet", path: "/web/b7/style.css", accept: "br", wantStatus: 200, wantCache: ImmutableCache, wantBody: "body{}", wantType: "text/css; charset=utf-8"},
		{name: "versioned file in a subdirectory", path: "/web/b7/img/logo.svg", wantStatus: 200, wantCache: ImmutableCache, wantBody: "<svg/>", wantType: "image/svg+xml"},
		{name: "versioned but missing: not cached", path: "/web/b7/nothing.css", wantStatus: 404, wantCache: RevalidateCache},
		{name: "versioned directory: not listed", path: "/web/b7/img/", wantStatus: 404, wantCache: RevalidateCache},
		{name: "escaping the directory", path: "/web/b7/../../etc/passwd", wantStatus: 404, wantCache: RevalidateCache},
		{name: "unversioned wasm, brotli", path: "/web/app.wasm", accept: "br", wantStatus: 200, wantCache: RevalidateCache, wantEncoding: "br", wantBody: "BR", wantType: "application/wasm", wantVary: true},
		{name: "unversioned stylesheet", path: "/web/style.css", wantStatus: 200, wantCache: RevalidateCache, wantBody: "body{}"},
		{name: "unversioned subdirectory file", path: "/web/img/logo.svg", wantStatus: 200, wantCache: RevalidateCache, wantBody: "<svg/>"},
		{name: "another version: the current file, revalidated", path: "/web/a1/app.wasm", accept: "gzip", wantStatus: 200, wantCache: RevalidateCache, wantEncoding: "gzip", wantBody: "GZIP", wantVary: true},
		{name: "another version, uncompressed", path: "/web/a1/style.css", wantStatus: 200, wantCache: RevalidateCache, wantBody: "body{}"},
		{name: "the page", path: "/", wantStatus: 200, wantCache: RevalidateCache},
		{name: "the manifest", path: "/manifest.webmanifest", wantStatus: 200, wantCache: RevalidateCache},
		{name: "the service worker", path: "/app-worker.js", wantStatus: 200, wantCache: RevalidateCache},
		{name: "app.js", path: "/app.js", wantStatus: 200, wantCache: RevalidateCache},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tt.path, nil)
			if tt.accept != "" {
				req.Header.Set("Accept-Encoding", tt.accept)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			res := rec.Result()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d (body %q)", res.StatusCode, tt.wantStatus, body)
			}
			if got := res.Header.Get("Cache-Control"); got != tt.wantCache {
				t.Errorf("Cache-Control %q, want %q", got, tt.wantCache)
			}
			if tt.wantStatus != 200 {
				return
			}
			if got := res.Header.Get("Content-Encoding"); got != tt.wantEncoding {
				t.Errorf("Content-Encoding %q, want %q", got, tt.wantEncoding)
			}
			if tt.wantBody != "" && string(body) != tt.wantBody {
				t.Errorf("body %q, want %q", body, tt.wantBody)
			}
			if tt.wantBody != "" && res.Header.Get("Content-Length") != strconv.Itoa(len(tt.wantBody)) {
				t.Errorf("Content-Length %q, want %d", res.Header.Get("Content-Length"), len(tt.wantBody))
			}
			if tt.wantType != "" && res.Header.Get("Content-Type") != tt.wantType {
				t.Errorf("Content-Type %q, want %q", res.Header.Get("Content-Type"), tt.wantType)
			}
			if vary := strings.Contains(res.Header.Get("Vary"), "Accept-Encoding"); vary != tt.wantVary {
				t.Errorf("Vary %q: Accept-Encoding present %v, want %v", res.Header.Get("Vary"), vary, tt.wantVary)
			}
		})
	}
}

func TestAssetsConditionalRequestKeepsImmutable(t *testing.T) {
	h, _ := goAppWithAssets(t, assetDir(t), "b7")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/web/b7/style.css", nil))
	lm := rec.Result().Header.Get("Last-Modified")
	if lm == "" {
		t.Fatal("no Last-Modified on a versioned asset")
	}
	req := httptest.NewRequest(http.MethodGet, "/web/b7/style.css", nil)
	req.Header.Set("If-Modified-Since", lm)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified || rec.Header().Get("Cache-Control") != ImmutableCache {
		t.Fatalf("revalidation: %d with Cache-Control %q, want 304 with %q", rec.Code, rec.Header().Get("Cache-Control"), ImmutableCache)
	}
}

// The page, app.js, the manifest and the worker name the versioned URLs.
func TestAssetsGoAppUsesVersionedURLs(t *testing.T) {
	h, _ := goAppWithAssets(t, assetDir(t), "b7")
	get := func(path string) string {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != 200 {
			t.Fatalf("GET %s: %d", path, rec.Code)
		}
		return rec.Body.String()
	}
	for _, c := range []struct{ path, want string }{
		{"/app.js", `"/web/b7/app.wasm"`},
		{"/app.js", `"GOAPP_STATIC_RESOURCES_URL":"/web/b7"`},
		{"/app-worker.js", `"/web/b7/app.wasm"`},
		{"/app-worker.js", `"/web/b7/style.css"`},
		{"/manifest.webmanifest", `"/web/b7/icon.png"`},
		{"/", `href="/web/b7/style.css"`},
	} {
		if body := get(c.path); !strings.Contains(body, c.want) {
			t.Errorf("%s does not contain %s", c.path, c.want)
		}
	}
	if body := get("/app-worker.js"); strings.Contains(body, `"/web/app.wasm"`) {
		t.Error("the worker caches the unversioned wasm URL")
	}
}

func TestNewAssetsRefusesBadVersions(t *testing.T) {
	for _, v := range []string{"", ".", "..", "a/b", "v 1", "v?1", "v#1", "ü", strings.Repeat("a", 129)} {
		if _, err := NewAssets("web", v); err == nil {
			t.Errorf("NewAssets(%q): no error", v)
		}
	}
	for _, v := range []string{"33dea8b-dirty", "v1.2.3+build.4", "0123abcd"} {
		if _, err := NewAssets("web", v); err != nil {
			t.Errorf("NewAssets(%q): %v", v, err)
		}
	}
}

func TestAssetsResolve(t *testing.T) {
	a, err := NewAssets("web", "v9")
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"/web/app.wasm":         "/web/v9/app.wasm",
		"web/icon.png":          "/web/v9/icon.png",
		"/web":                  "/web/v9",
		"/":                     "/",
		"/app.js":               "/app.js",
		"/viewer":               "/viewer",
		"https://cdn.example/x": "https://cdn.example/x",
		"/webapp/x":             "/webapp/x",
		"/web/img/logo.svg":     "/web/v9/img/logo.svg",
	} {
		if got := a.Resolve(in); got != want {
			t.Errorf("Resolve(%q) = %q, want %q", in, got, want)
		}
	}
}
