package instrument

import (
	"net/url"
	"strings"
	"testing"
)

func TestPolicyURL(t *testing.T) {
	tests := []struct {
		name string
		p    Policy
		in   string
		want string
	}{
		{"plain", Policy{}, "https://a.example/x/y", "https://a.example/x/y"},
		{"credentials stripped", Policy{}, "https://user:pass@a.example/x", "https://a.example/x"},
		{"user only stripped", Policy{}, "https://token@a.example/x", "https://a.example/x"},
		{"query values redacted", Policy{}, "https://a.example/?token=secret&page=2", "https://a.example/?token=REDACTED&page=REDACTED"},
		{"allow-listed key kept", Policy{QueryKeys: []string{"page"}}, "https://a.example/?token=secret&page=2", "https://a.example/?token=REDACTED&page=2"},
		{"encoded key matched decoded", Policy{QueryKeys: []string{"a b"}}, "https://a.example/?a%20b=1&c=2", "https://a.example/?a%20b=1&c=REDACTED"},
		{"key without value kept", Policy{}, "https://a.example/?flag&x=1", "https://a.example/?flag&x=REDACTED"},
		{"repeated keys", Policy{}, "https://a.example/?id=1&id=2", "https://a.example/?id=REDACTED&id=REDACTED"},
		{"empty value redacted", Policy{}, "https://a.example/?k=", "https://a.example/?k=REDACTED"},
		{"fragment dropped", Policy{}, "https://a.example/p#access_token=abc", "https://a.example/p"},
		{"relative URL", Policy{}, "/api?q=secret", "/api?q=REDACTED"},
		{"unparsable", Policy{}, "https://a.example/%zz", "[unparsable URL]"},
		{"capped", Policy{MaxAttrLen: 20}, "https://a.example/abcdefghijklmnop", "https://a.example/ab"},
		{"uncapped", Policy{MaxAttrLen: -1}, "https://a.example/" + strings.Repeat("x", 2000), "https://a.example/" + strings.Repeat("x", 2000)},
		{"default cap", Policy{}, "https://a.example/" + strings.Repeat("x", 2000), ("https://a.example/" + strings.Repeat("x", 2000))[:DefaultMaxAttrLen]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.URL(tt.in); got != tt.want {
				t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPolicyNilIsDefault(t *testing.T) {
	var p *Policy
	if got := p.URL("https://u:p@a.example/?x=1"); got != "https://a.example/?x=REDACTED" {
		t.Errorf("nil policy URL = %q", got)
	}
	if p.Propagates(mustURL(t, "https://a.example/")) {
		t.Error("nil policy propagates")
	}
}

func TestPolicyCapUTF8(t *testing.T) {
	p := Policy{MaxAttrLen: 4}
	// "é" is two bytes: cutting at 4 would split the second one.
	if got := p.Cap("aéé"); got != "aé" {
		t.Errorf("Cap = %q, want %q", got, "aé")
	}
	if got := p.Cap("abc"); got != "abc" {
		t.Errorf("Cap of a short string = %q", got)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestPolicyPropagates(t *testing.T) {
	p := Policy{
		PageOrigin:       "http://127.0.0.1:8000",
		PropagateOrigins: []string{"https://api.example", "https://*.cdn.example:8443", "http://LOCALHOST:9000/"},
	}
	tests := []struct {
		url  string
		want bool
	}{
		{"http://127.0.0.1:8000/api/demo", true},
		{"http://127.0.0.1:8001/api/demo", false},  // another port is another origin
		{"https://127.0.0.1:8000/api/demo", false}, // another scheme too
		{"http://localhost:8000/api/demo", false},  // another host name
		{"https://api.example/x", true},            // exact origin, default port
		{"https://api.example:443/x", true},        // explicit default port
		{"http://api.example/x", false},            // scheme differs
		{"https://api.example.evil.com/x", false},  // not a prefix match
		{"https://evilapi.example/x", false},       // not a suffix match
		{"https://a.cdn.example:8443/x", true},     // wildcard subdomain
		{"https://a.b.cdn.example:8443/x", true},   // deeper subdomain
		{"https://cdn.example:8443/x", false},      // wildcard excludes the apex
		{"https://a.cdn.example/x", false},         // wrong port
		{"https://a.xcdn.example:8443/x", false},   // label boundary
		{"http://localhost:9000/x", true},          // case and trailing slash in the pattern
		{"ftp://api.example/x", false},             // not http(s)
		{"/relative", false},                       // no origin
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			if got := p.Propagates(mustURL(t, tt.url)); got != tt.want {
				t.Errorf("Propagates(%q) = %v, want %v", tt.url, got, tt.want)
			}
		})
	}
}
