package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// corsPolicy decides which origins may post traces. Same-origin requests
// are always allowed; other origins only when listed.
type corsPolicy struct {
	any     bool
	origins map[string]bool // canonical "scheme://host[:port]"
}

// newCORSPolicy checks every origin: "*", or scheme://host[:port] with an
// http or https scheme and nothing else.
func newCORSPolicy(origins []string) (corsPolicy, error) {
	p := corsPolicy{origins: map[string]bool{}}
	for _, o := range origins {
		if o == "*" {
			p.any = true
			continue
		}
		c, err := canonicalOrigin(o)
		if err != nil {
			return p, fmt.Errorf("server: CORS origin %q: %w", o, err)
		}
		p.origins[c] = true
	}
	return p, nil
}

// canonicalOrigin lower-cases an origin and checks it is one.
func canonicalOrigin(o string) (string, error) {
	u, err := url.Parse(o)
	if err != nil {
		return "", err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("want scheme://host[:port], such as https://app.example.com")
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}

// sameOrigin reports whether a request naming origin comes from a page of
// this server: the browser says so (Sec-Fetch-Site), or origin's host is
// the request's Host. Behind a proxy that rewrites Host, list the public
// origin with WithCORSOrigins for browsers that send no Sec-Fetch-Site.
func sameOrigin(r *http.Request, origin string) bool {
	if r.Header.Get("Sec-Fetch-Site") == "same-origin" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
}

// check applies the policy to r. It returns false, having answered, when
// r is a preflight (204, or 403 for an origin that is not allowed) or a
// request from an origin that is not allowed (403). Otherwise it sets the
// CORS headers a cross-origin answer needs (so the browser can read the
// status and Retry-After of errors too) and returns true.
func (p corsPolicy) check(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
	if origin == "" {
		if preflight {
			writeStatus(w, contentJSON, http.StatusForbidden, "CORS preflight without an Origin")
			return false
		}
		return true // not from a browser page: CORS does not apply
	}
	w.Header().Add("Vary", "Origin")
	cross := !sameOrigin(r, origin)
	if cross && !p.any && !p.origins[strings.ToLower(origin)] {
		writeStatus(w, answerType(r), http.StatusForbidden,
			fmt.Sprintf("origin %s may not post traces here (CORS allow-list)", strings.ToValidUTF8(origin, "\uFFFD")))
		return false
	}
	if cross {
		w.Header().Set("Access-Control-Allow-Origin", origin)
		w.Header().Set("Access-Control-Expose-Headers", "Retry-After")
	}
	if preflight {
		if m := r.Header.Get("Access-Control-Request-Method"); m != http.MethodPost {
			writeStatus(w, contentJSON, http.StatusForbidden, fmt.Sprintf("CORS: method %q not allowed: POST only", m))
			return false
		}
		w.Header().Set("Access-Control-Allow-Methods", http.MethodPost)
		w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Content-Encoding")
		w.Header().Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusNoContent)
		return false
	}
	return true
}
