package query_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spanfall/spanfall/tracer/span"
	"github.com/spanfall/spanfall/viewer/query"
)

// spans is a small trace: each span's name is what the tests list.
func spans() []span.Span {
	res := &span.Resource{Attributes: []span.KeyValue{span.String("service.name", "checkout")}}
	other := &span.Resource{Attributes: []span.KeyValue{span.String("service.name", "cart")}}
	ms := uint64(time.Millisecond)
	return []span.Span{
		{Name: "root", SpanID: "01", Kind: span.KindServer, StartTimeUnixNano: 0, EndTimeUnixNano: 300 * ms, Resource: res,
			Attributes: []span.KeyValue{span.String("url.full", "https://shop.test/api/cart"), span.Int("http.response.status_code", 200)}},
		{Name: "GET /api/item", SpanID: "02", ParentSpanID: "01", Kind: span.KindClient, StartTimeUnixNano: 10 * ms, EndTimeUnixNano: 60 * ms, Resource: res,
			Attributes: []span.KeyValue{span.String("url.full", "https://shop.test/API/item/1"), span.Int("http.response.status_code", 503), span.Bool("cache.hit", false)},
			Status:     span.Status{Code: span.StatusError, Message: "upstream unavailable"}},
		{Name: "db.query", SpanID: "03", ParentSpanID: "01", Kind: span.KindInternal, StartTimeUnixNano: 70 * ms, EndTimeUnixNano: 71 * ms, Resource: other,
			Attributes: []span.KeyValue{span.Float("db.rows", 12.5), {Key: "tags", Value: span.Value{Type: span.TypeArray, Array: []span.Value{{Type: span.TypeString, Str: "slow"}, {Type: span.TypeString, Str: "hot"}}}}},
			Events:     []span.Event{{Name: "exception", Attributes: []span.KeyValue{span.String("exception.type", "TimeoutError"), span.String("exception.message", "deadline")}}},
			Scope:      span.Scope{Name: "db", Version: "1.2"}},
		{Name: "render", SpanID: "04", ParentSpanID: "01", StartTimeUnixNano: 80 * ms, EndTimeUnixNano: 280 * ms,
			Attributes: []span.KeyValue{span.String("size", "1500"), span.Bool("cache.hit", true)},
			Events:     []span.Event{{Name: "paint"}}},
	}
}

func matching(t *testing.T, q *query.Query) string {
	t.Helper()
	var out []string
	for _, s := range spans() {
		if q.Match(&s) {
			out = append(out, s.Name)
		}
	}
	return strings.Join(out, ",")
}

func TestMatch(t *testing.T) {
	tests := []struct{ name, q, want string }{
		{"empty matches all", "", "root,GET /api/item,db.query,render"},
		{"blank matches all", "  \t", "root,GET /api/item,db.query,render"},
		{"bare word in name, any case", "RENDER", "render"},
		{"bare word in attribute value", "shop.test", "root,GET /api/item"},
		{"bare word in event name", "paint", "render"},
		{"bare word in status message", "unavailable", "GET /api/item"},
		{"bare word in array element", "hot", "db.query"},
		{"quoted phrase", `"GET /api"`, "GET /api/item"},
		{"two words are and-ed", "shop api/item", "GET /api/item"},
		{"numeric attribute >=", "http.response.status_code>=500", "GET /api/item"},
		{"numeric attribute <", "http.response.status_code < 500", "root"},
		{"numeric equality", "http.response.status_code=200", "root"},
		{"numeric !=, missing attribute counts", "http.response.status_code!=200", "GET /api/item,db.query,render"},
		{"double attribute", "db.rows>12", "db.query"},
		{"string attribute compared as number", "size>1000", "render"},
		{"contains, any case", `url.full~"/api"`, "root,GET /api/item"},
		{"not contains", `url.full!~"/cart"`, "GET /api/item,db.query,render"},
		{"exact string is case-sensitive", `url.full="https://shop.test/api/cart"`, "root"},
		{"bool attribute", "cache.hit=true", "render"},
		{"bool false", "cache.hit=false", "GET /api/item"},
		{"array attribute, any element", "tags=slow", "db.query"},
		{"existence via empty contains", `cache.hit~""`, "GET /api/item,render"},
		{"attr prefix", "attr.size=1500", "render"},
		{"resource attribute", "resource.service.name=cart", "db.query"},
		{"service shorthand", "service=checkout", "root,GET /api/item"},
		{"name exact", "name=render", "render"},
		{"name contains", "name~api", "GET /api/item"},
		{"kind", "kind=client", "GET /api/item"},
		{"kind by OTLP name", "kind=SPAN_KIND_SERVER", "root"},
		{"kind !=", "kind!=internal", "root,GET /api/item,render"},
		{"status error", "status=error", "GET /api/item"},
		{"status unset", "status=unset", "root,db.query,render"},
		{"status message", "status.message~upstream", "GET /api/item"},
		{"duration >", "duration>100ms", "root,render"},
		{"duration <=, bare ms", "duration<=50", "GET /api/item,db.query"},
		{"duration seconds", "duration>=0.3s", "root"},
		{"event name", "event.name=exception", "db.query"},
		{"event shorthand", "event=paint", "render"},
		{"event attribute", "event.exception.type~timeout", "db.query"},
		{"scope", "scope=db and scope.version=1.2", "db.query"},
		{"span id", "span_id=03", "db.query"},
		{"parent id", "parent_id=01 and not name~api", "db.query,render"},
		{"or", "kind=client or kind=server", "root,GET /api/item"},
		{"||", "kind=client || status=error || name=render", "GET /api/item,render"},
		{"and binds tighter than or", "name=root or name~e and duration>100ms", "root,render"},
		{"parentheses", "(name=root or name~query) and duration<100ms", "db.query"},
		{"not", "not status=error and duration<100ms", "db.query"},
		{"!", "!(kind=internal) && !render", "root,GET /api/item"},
		{"keyword case", "name=root OR name=render", "root,render"},
		{"keyword as field", "and=1 or or=2 or not=3", ""},
		{"quoted keyword is a search", `"or"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := query.Parse(tt.q)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.q, err)
			}
			if got := matching(t, q); got != tt.want {
				t.Errorf("Parse(%q) matches %q, want %q", tt.q, got, tt.want)
			}
			if q.String() != tt.q {
				t.Errorf("String() = %q", q.String())
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	deep := strings.Repeat("(", 150) + "a" + strings.Repeat(")", 150)
	tests := []struct {
		name, q string
		offset  int
		msg     string
	}{
		{"op without value", "duration>", 9, "expected a value"},
		{"op without field", ">=500", 0, "expected a field"},
		{"ordered needs a number", "http.status>=abc", 13, "not one"},
		{"bad duration", "duration>10parsecs", 9, "not a duration"},
		{"duration with ~", "duration~1s", 8, "not ~"},
		{"unknown kind", "kind=weird", 5, "unknown kind"},
		{"kind with >", "kind>1", 4, "= or != only"},
		{"unknown status", "status=bad", 7, "unknown status"},
		{"unterminated string", `name="abc`, 5, "unterminated"},
		{"bad escape", `"a\nb"`, 2, "unknown escape"},
		{"lone backslash", `"ab\`, 3, "lone backslash"},
		{"unclosed paren", "(name=a or b", 12, `expected ")"`},
		{"stray close paren", "name=a)", 6, `")" without`},
		{"empty parens", "a ()", 3, "empty parentheses"},
		{"dangling or", "a or", 4, "expected a term"},
		{"leading and", "and b", 0, "needs a term before"},
		{"lone &", "a & b", 2, `"&" alone`},
		{"lone |", "a | b", 2, `"|" alone`},
		{"quoted field", `"url"=x`, 0, "not quoted"},
		{"double op", "a==b", 2, "expected a value"},
		{"not at end", "a and not", 9, "expected a term"},
		{"resource without key", "resource.=x", 0, "needs an attribute key"},
		{"too deep", deep, 100, "nested more than"},
		{"empty quoted search", `""`, 0, "empty search"},
		{"invalid utf-8", "a \xff", 2, "invalid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := query.Parse(tt.q)
			var perr *query.Error
			if !errors.As(err, &perr) {
				t.Fatalf("Parse(%q) = %v, %v; want a *query.Error", tt.q, q, err)
			}
			if perr.Offset != tt.offset || !strings.Contains(perr.Msg, tt.msg) {
				t.Errorf("Parse(%q) = offset %d %q, want offset %d containing %q", tt.q, perr.Offset, perr.Msg, tt.offset, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "query: at ") {
				t.Errorf("Error() = %q", err.Error())
			}
		})
	}
}

func TestMatchTrace(t *testing.T) {
	trace := spans()
	for _, tt := range []struct {
		q    string
		want bool
	}{
		{"", true}, {"status=error", true}, {"event.exception.type=TimeoutError", true},
		{"status=error and event=exception", false}, {"nothing-like-this", false},
	} {
		q, err := query.Parse(tt.q)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.MatchTrace(trace); got != tt.want {
			t.Errorf("MatchTrace(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}
	if q, _ := query.Parse(""); !q.MatchTrace(nil) {
		t.Error("an empty query must match an empty trace")
	}
	if q, _ := query.Parse("x"); q.MatchTrace(nil) {
		t.Error("a query matched a trace with no span")
	}
}

func TestTerms(t *testing.T) {
	q, err := query.Parse(`api status=error ("GET /" or not cart)`)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(q.Terms(), "|"); got != "api|GET /|cart" {
		t.Errorf("Terms() = %q", got)
	}
	var nilQ *query.Query
	if !nilQ.Empty() || nilQ.Terms() != nil || nilQ.String() != "" {
		t.Error("a nil query must be empty")
	}
}

// FuzzParse checks that no input panics or hangs, that an error always
// points inside the input, and that a parsed query can be evaluated.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "a", `url.full~"/api" and duration>100ms`, "!(a||b)&&c", "kind=client or status!=ok",
		`"unterminated`, "((((", "a >= ", `event.exception.type="x\"y"`, "not not not a", "resource.service.name=x"} {
		f.Add(s)
	}
	all := spans()
	f.Fuzz(func(t *testing.T, src string) {
		q, err := query.Parse(src)
		if err != nil {
			var perr *query.Error
			if !errors.As(err, &perr) {
				t.Fatalf("Parse(%q): error %v is not a *query.Error", src, err)
			}
			if perr.Offset < 0 || perr.Offset > len(src) {
				t.Fatalf("Parse(%q): offset %d outside the input", src, perr.Offset)
			}
			return
		}
		for i := range all {
			q.Match(&all[i])
		}
		q.MatchTrace(all)
	})
}
