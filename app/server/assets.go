package server

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Cache-Control values of the assets.
const (
	// ImmutableCache is the Cache-Control of an asset under its versioned
	// URL: its bytes never change under that URL.
	ImmutableCache = "public, max-age=31536000, immutable"
	// RevalidateCache is the Cache-Control of everything else (pages,
	// manifest, app.js, the service worker, unversioned assets).
	RevalidateCache = "no-cache"
)

// Assets serves the app's static files (the web/ directory) under URLs that
// change with the build version, and resolves go-app's resource paths to
// them: it is the Handler's Resources (an app.ResourceResolver that is also
// an http.Handler) and, through Handler, the HTTP handler in front of
// go-app.
//
// "/web/NAME" resolves to "/web/VERSION/NAME". A GET of that URL is answered
// from Dir, with the precompressed copy the client accepts (see
// Precompressed), and Cache-Control ImmutableCache: a browser keeps it
// for a year without asking again, and a new build, under a new version,
// gets new URLs. The unversioned "/web/NAME" and the URL of another version
// (a page loaded just before a deploy) get the current file with
// RevalidateCache, never cached as immutable.
type Assets struct {
	// Dir is the directory served as /web/.
	Dir string
	// Version is the build version (go-app's Handler.Version): a path
	// segment, see NewAssets.
	Version string
}

// NewAssets returns the assets of dir at version, which must be a non-empty
// URL path segment of letters, digits and "._~+-" (a git describe output,
// a semantic version, a hash).
func NewAssets(dir, version string) (*Assets, error) {
	if version == "" || version == "." || version == ".." || len(version) > 128 {
		return nil, fmt.Errorf("server: assets: version %q: want 1 to 128 characters, not . or ..", version)
	}
	for _, c := range version {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._~+-", c)
		if !ok {
			return nil, fmt.Errorf("server: assets: version %q: %q is not allowed in a URL path segment (want letters, digits and ._~+-)", version, c)
		}
	}
	return &Assets{Dir: dir, Version: version}, nil
}

// Resolve implements go-app's ResourceResolver: a path under /web/ gets
// the version segment; anything else (/, /app.js, remote URLs) is
// returned as is.
func (a *Assets) Resolve(location string) string {
	if location == "/web" || location == "web" {
		return "/web/" + a.Version
	}
	for _, p := range []string{"/web/", "web/"} {
		if rest, ok := strings.CutPrefix(location, p); ok {
			return "/web/" + a.Version + "/" + strings.TrimLeft(rest, "/")
		}
	}
	return location
}

// ServeHTTP serves /web/NAME, or /web/V/NAME of any version V, from Dir,
// leaving the caching headers to the caller: go-app calls it for the
// /web/ requests Handler passes on, after setting its own no-cache.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, _, ok := a.split(r.URL.Path)
	if !ok || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		http.NotFound(w, r)
		return
	}
	f, st, err := openFile(filepath.Join(a.Dir, filepath.FromSlash(name)))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	http.ServeContent(w, r, name, st.ModTime(), f)
}

// split returns the file name of a /web/ URL path and whether it names the
// current version; ok is false when the path is not under /web/ or leaves
// Dir. "/web/V/NAME" is a versioned URL when V is not a directory of Dir.
func (a *Assets) split(urlPath string) (name string, current, ok bool) {
	rest, found := strings.CutPrefix(urlPath, "/web/")
	if !found {
		return "", false, false
	}
	if seg, after, cut := strings.Cut(rest, "/"); cut && seg != "" {
		if seg == a.Version {
			rest, current = after, true
		} else if st, err := os.Stat(filepath.Join(a.Dir, filepath.FromSlash(seg))); err != nil || !st.IsDir() {
			rest = after // another version's URL
		}
	}
	name = path.Clean(rest)
	if rest == "" || name == "." || strings.HasPrefix(name, "..") || strings.Contains(name, "\\") {
		return "", false, false
	}
	return name, current, true
}

// Handler returns the handler in front of go-app (next): versioned asset
// URLs are answered here, with ImmutableCache (an error answer gets
// RevalidateCache); other /web/ URLs go to Precompressed(Dir, next) under
// their unversioned path, and everything else to next.
func (a *Assets) Handler(next http.Handler) http.Handler {
	unversioned := Precompressed(a.Dir, next)
	versioned := Precompressed(a.Dir, a)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, current, ok := a.split(r.URL.Path)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path, r2.URL.RawPath = "/web/"+name, ""
		if !current {
			unversioned.ServeHTTP(w, r2)
			return
		}
		w.Header().Set("Cache-Control", ImmutableCache)
		versioned.ServeHTTP(&cacheOnSuccess{ResponseWriter: w}, r2)
	})
}

// openFile opens a regular file.
func openFile(name string) (*os.File, os.FileInfo, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err == nil && st.IsDir() {
		err = errors.New("is a directory")
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, st, nil
}

// cacheOnSuccess keeps a long-lived Cache-Control only on a successful
// answer (200, 206, 304): an error must not be cached for a year.
type cacheOnSuccess struct {
	http.ResponseWriter
	wrote bool
}

func (c *cacheOnSuccess) WriteHeader(code int) {
	if !c.wrote {
		c.wrote = true
		if code != http.StatusOK && code != http.StatusPartialContent && code != http.StatusNotModified {
			c.Header().Set("Cache-Control", RevalidateCache)
		}
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *cacheOnSuccess) Write(b []byte) (int, error) {
	if !c.wrote {
		c.WriteHeader(http.StatusOK)
	}
	return c.ResponseWriter.Write(b)
}
