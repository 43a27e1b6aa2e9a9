package server

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// contentSecurityPolicy returns the policy the go-app PWA runs under.
//
// go-app v10's page has no inline script or style element: its
// configuration is in /app.js, styles in /app.css and the app's own
// files, so scripts and styles come from 'self' only, plus the inline
// scripts given (the early buffer), each allowed by its sha256 hash and
// nothing else. Two exceptions:
//   - 'wasm-unsafe-eval' lets app.js compile /web/app.wasm
//     (WebAssembly.instantiateStreaming) without allowing eval;
//   - style-src-attr 'unsafe-inline': go-app applies Style(…) with
//     setAttribute("style", …) (the viewer positions its bars that way),
//     which CSP treats as an inline style attribute. The values change per
//     row, so hashes cannot cover them; a style attribute cannot run
//     script, and style elements stay 'self' only.
//
// connect-src is 'self' (the same-origin /v1/traces, /api/demo, and the
// service worker's fetches, which run under the policy of
// /app-worker.js) plus the origin of exportURL when the browser posts
// traces to a collector on another origin.
func contentSecurityPolicy(exportURL string, inlineScripts ...string) (string, error) {
	connect := "'self'"
	if exportURL != "" {
		u, err := url.Parse(exportURL)
		if err != nil {
			return "", fmt.Errorf("server: export URL %q: %w", exportURL, err)
		}
		if u.Scheme != "" || u.Host != "" {
			if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return "", fmt.Errorf("server: export URL %q: want a path such as /v1/traces or an http(s) URL", exportURL)
			}
			connect += " " + strings.ToLower(u.Scheme+"://"+u.Host)
		}
	}
	script := "'self' 'wasm-unsafe-eval'"
	for _, s := range inlineScripts {
		sum := sha256.Sum256([]byte(s))
		script += " 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	return strings.Join([]string{
		"default-src 'self'",
		"script-src " + script,
		"style-src 'self'",
		"style-src-attr 'unsafe-inline'",
		"img-src 'self'",
		"connect-src " + connect,
		"worker-src 'self'",
		"manifest-src 'self'",
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; "), nil
}

// securityHeaders sets the security headers on every response of next.
// Referrer-Policy is strict-origin-when-cross-origin, not no-referrer:
// with no-referrer a browser sends "Origin: null" on same-origin POSTs,
// and the OTLP endpoint's CORS check needs the real origin.
func securityHeaders(csp string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}
