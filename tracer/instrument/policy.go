package instrument

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// DefaultMaxAttrLen is the default cap, in bytes, of a recorded string
// attribute value.
const DefaultMaxAttrLen = 1024

// Redacted replaces the value of a query parameter whose key is not
// allow-listed.
const Redacted = "REDACTED"

// Policy holds the privacy and propagation rules every instrumentation
// applies. The zero Policy is the default: credentials stripped, every
// query value redacted, strings capped at [DefaultMaxAttrLen] bytes, and
// trace headers sent to no origin (not even the page's: set PageOrigin).
// A Policy is read-only once in use; its methods are safe for concurrent
// use.
type Policy struct {
	// QueryKeys are the query parameter keys whose values are kept
	// (exact, case-sensitive match). Every other value becomes [Redacted].
	QueryKeys []string
	// MaxAttrLen caps string attribute values, in bytes (cut on a UTF-8
	// boundary). 0 means DefaultMaxAttrLen; negative means no cap.
	MaxAttrLen int
	// PageOrigin is the page's own origin ("https://app.example"):
	// same-origin requests always carry trace headers.
	PageOrigin string
	// PropagateOrigins are other origins that get trace headers: exact
	// origins ("https://api.example:8443") or a subdomain wildcard
	// ("https://*.example.com", which does not match example.com itself).
	// Default port of the scheme may be omitted. Anything else never gets
	// them, so no third-party request is preflighted because of us.
	PropagateOrigins []string
}

// URL returns raw with its user info removed, every query value whose key
// is not in QueryKeys replaced by [Redacted], the fragment removed, and the
// result capped. A string that does not parse as a URL is returned as
// "[unparsable URL]" rather than risk recording a secret.
func (p *Policy) URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "[unparsable URL]"
	}
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	if u.RawQuery != "" {
		u.RawQuery = p.query(u.RawQuery)
	}
	return p.Cap(u.String())
}

// query rewrites a raw query string, keeping its order, separators and the
// encoding of the keys.
func (p *Policy) query(q string) string {
	parts := strings.Split(q, "&")
	for i, part := range parts {
		if part == "" {
			continue
		}
		rawKey, _, hasValue := strings.Cut(part, "=")
		key, err := url.QueryUnescape(rawKey)
		if err != nil {
			key = rawKey
		}
		if !hasValue || p.keepKey(key) {
			continue
		}
		parts[i] = rawKey + "=" + Redacted
	}
	return strings.Join(parts, "&")
}

func (p *Policy) keepKey(k string) bool {
	if p == nil {
		return false
	}
	for _, a := range p.QueryKeys {
		if a == k {
			return true
		}
	}
	return false
}

// Cap cuts s to MaxAttrLen bytes, on a UTF-8 boundary.
func (p *Policy) Cap(s string) string {
	n := DefaultMaxAttrLen
	if p != nil && p.MaxAttrLen != 0 {
		n = p.MaxAttrLen
	}
	if n < 0 || len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Propagates reports whether a request to u may carry traceparent and
// tracestate: u is same-origin with PageOrigin or matches PropagateOrigins.
func (p *Policy) Propagates(u *url.URL) bool {
	if p == nil || u == nil || u.Host == "" {
		return false
	}
	o := origin(u.Scheme, u.Host)
	if o == "" {
		return false
	}
	if pu, err := url.Parse(p.PageOrigin); err == nil && origin(pu.Scheme, pu.Host) == o {
		return true
	}
	for _, a := range p.PropagateOrigins {
		if matchOrigin(a, u.Scheme, u.Host) {
			return true
		}
	}
	return false
}

// origin is the normalized scheme://host:port, "" unless http(s).
func origin(scheme, host string) string {
	scheme = strings.ToLower(scheme)
	if scheme != "http" && scheme != "https" || host == "" {
		return ""
	}
	return scheme + "://" + withPort(scheme, strings.ToLower(host))
}

func withPort(scheme, host string) string {
	if _, port := splitHostPort(host); port != "" {
		return host
	}
	if scheme == "https" {
		return host + ":443"
	}
	return host + ":80"
}

// splitHostPort splits "host:port", "[v6]:port", "host" or "[v6]".
func splitHostPort(hostport string) (host, port string) {
	i := strings.LastIndexByte(hostport, ':')
	if i < 0 || strings.HasSuffix(hostport, "]") {
		return hostport, ""
	}
	return hostport[:i], hostport[i+1:]
}

// matchOrigin matches one PropagateOrigins entry against a request's
// scheme and host.
func matchOrigin(pattern, scheme, host string) bool {
	ps, ph, ok := strings.Cut(strings.ToLower(strings.TrimSuffix(pattern, "/")), "://")
	if !ok {
		return false
	}
	want := origin(ps, ph)
	got := origin(scheme, host)
	if want == "" || got == "" {
		return false
	}
	if !strings.HasPrefix(ph, "*.") {
		return want == got
	}
	// https://*.example.com[:port]
	wantHost, wantPort := splitHostPort(strings.TrimPrefix(want, ps+"://"))
	gotHost, gotPort := splitHostPort(strings.TrimPrefix(got, ps+"://"))
	return strings.ToLower(scheme) == ps && wantPort == gotPort &&
		strings.HasSuffix(gotHost, wantHost[1:]) && len(gotHost) > len(wantHost)-1
}
