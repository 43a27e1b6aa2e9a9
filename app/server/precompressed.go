package server

import (
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// Precompressed serves build-time compressed copies of static files: for
// a GET or HEAD of /web/NAME whose NAME.br or NAME.gz exists in dir, it
// answers with the best copy the client accepts (brotli, then gzip), with
// Content-Encoding, the original's Content-Type, the copy's Content-Length
// and Vary: Accept-Encoding. A copy older than its original (a stale
// build) is never served. Everything else goes to next.
func Precompressed(dir string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || !strings.HasPrefix(r.URL.Path, "/web/") {
			next.ServeHTTP(w, r)
			return
		}
		name := path.Clean(strings.TrimPrefix(r.URL.Path, "/web/"))
		if name == "." || strings.HasPrefix(name, "..") || strings.Contains(name, "\\") {
			next.ServeHTTP(w, r)
			return
		}
		orig, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil || orig.IsDir() {
			next.ServeHTTP(w, r)
			return
		}
		for _, enc := range []struct{ coding, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
			if !accepts(r.Header.Get("Accept-Encoding"), enc.coding) {
				continue
			}
			f, err := os.Open(filepath.Join(dir, filepath.FromSlash(name)+enc.ext))
			if err != nil {
				continue
			}
			defer f.Close()
			st, err := f.Stat()
			if err != nil || st.IsDir() || st.ModTime().Before(orig.ModTime()) {
				continue
			}
			h := w.Header()
			ctype := mime.TypeByExtension(path.Ext(name))
			if path.Ext(name) == ".wasm" {
				ctype = "application/wasm"
			}
			if ctype == "" {
				ctype = "application/octet-stream"
			}
			h.Set("Content-Type", ctype)
			h.Set("Content-Encoding", enc.coding)
			h.Add("Vary", "Accept-Encoding")
			h.Set("Content-Length", strconv.FormatInt(st.Size(), 10))
			// Unless the caller set a policy (Assets, for versioned URLs),
			// the copy is revalidated: the service worker revalidates by
			// version, and browsers must not keep a stale copy on their own.
			if h.Get("Cache-Control") == "" {
				h.Set("Cache-Control", RevalidateCache)
			}
			// ServeContent handles Range, If-Modified-Since and HEAD.
			http.ServeContent(w, r, "", st.ModTime(), f)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// accepts reports whether an Accept-Encoding header accepts coding with a
// non-zero quality (an explicit entry, or "*").
func accepts(header, coding string) bool {
	star := false
	for _, part := range strings.Split(header, ",") {
		fields := strings.Split(strings.TrimSpace(part), ";")
		name := strings.ToLower(strings.TrimSpace(fields[0]))
		q := 1.0
		for _, p := range fields[1:] {
			if v, ok := strings.CutPrefix(strings.TrimSpace(p), "q="); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
		}
		switch name {
		case coding:
			return q > 0
		case "*":
			star = q > 0
		}
	}
	return star
}
