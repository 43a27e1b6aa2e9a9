package viewer_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
	"github.com/spanfall/spanfall/viewer"
)

func detailRecord() cache.Record {
	const base = 1_700_000_000_000_000_000
	return cache.Record{Seq: 3, Exported: true, Span: span.Span{
		TraceID: layoutTrace, SpanID: "00000000000000b2", ParentSpanID: "00000000000000a1",
		Name: "GET /api", Kind: span.KindClient,
		StartTimeUnixNano: base + 1_500_000, EndTimeUnixNano: base + 4_000_000,
		Attributes: []span.KeyValue{span.String("http.method", "GET"), span.Int("http.status_code", 503), span.Bool("retry", true)},
		Events: []span.Event{{Name: "exception", TimeUnixNano: base + 2_000_000,
			Attributes: []span.KeyValue{span.String("exception.message", "boom")}}},
		Links:                  []span.Link{{TraceID: layoutTrace, SpanID: "00000000000000c3", Attributes: []span.KeyValue{span.Float("w", 0.5)}}},
		Status:                 span.Status{Code: span.StatusError, Message: "upstream 503"},
		DroppedAttributesCount: 2, DroppedEventsCount: 1,
		Resource: &span.Resource{ID: "r1", Attributes: []span.KeyValue{span.String("service.name", "shop")}},
		Scope:    span.Scope{Name: "github.com/x/y", Version: "1.2.0"},
	}}
}

func TestDetailOf(t *testing.T) {
	const base = 1_700_000_000_000_000_000
	d := viewer.DetailOf(detailRecord(), base)
	checks := []struct{ name, got, want string }{
		{"name", d.Name, "GET /api"},
		{"kind", d.Kind, "client"},
		{"status", d.Status, "error"},
		{"message", d.StatusMessage, "upstream 503"},
		{"start", d.Start, "+1.5ms"},
		{"duration", d.Duration, "2.5ms"},
		{"scope", d.Scope, "github.com/x/y 1.2.0"},
		{"dropped", d.Dropped, "2 attributes, 1 event"},
		{"parent", d.ParentSpanID, "00000000000000a1"},
		{"attr 1", d.Attributes[1].Key + "=" + d.Attributes[1].Value + ":" + d.Attributes[1].Type, "http.status_code=503:int"},
		{"attr 2", d.Attributes[2].Value + ":" + d.Attributes[2].Type, "true:bool"},
		{"resource", d.Resource[0].Key + "=" + d.Resource[0].Value, "service.name=shop"},
		{"event", d.Events[0].Name + " " + d.Events[0].At + " " + d.Events[0].Attributes[0].Value, "exception +500µs boom"},
		{"link", d.Links[0].SpanID + " " + d.Links[0].Attributes[0].Value + ":" + d.Links[0].Attributes[0].Type, "00000000000000c3 0.5:double"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if !d.Exported {
		t.Error("Exported lost")
	}

	r := detailRecord()
	r.Span.EndTimeUnixNano, r.Span.Resource, r.Span.Status = 0, nil, span.Status{}
	r.Span.DroppedAttributesCount, r.Span.DroppedEventsCount = 0, 0
	d = viewer.DetailOf(r, base+2_000_000) // trace start after the span's: clamps
	if d.Duration != "unfinished" || d.Start != "+0" || d.Status != "unset" || d.Resource != nil || d.Dropped != "" {
		t.Errorf("unfinished detail = %+v", d)
	}
}

func TestSpanJSON(t *testing.T) {
	s, err := viewer.SpanJSON(detailRecord())
	if err != nil {
		t.Fatal(err)
	}
	var req struct {
		ResourceSpans []struct {
			Resource struct {
				Attributes []span.KeyValue `json:"attributes"`
			} `json:"resource"`
			ScopeSpans []struct {
				Scope struct{ Name, Version string } `json:"scope"`
				Spans []span.Span                    `json:"spans"`
			} `json:"scopeSpans"`
		} `json:"resourceSpans"`
	}
	if err := json.Unmarshal([]byte(s), &req); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	rs := req.ResourceSpans[0]
	got := rs.ScopeSpans[0].Spans[0]
	if got.SpanID != "00000000000000b2" || got.Name != "GET /api" || got.Status.Message != "upstream 503" ||
		len(got.Attributes) != 3 || got.Attributes[1].Value.Int != 503 || got.StartTimeUnixNano != 1_700_000_000_001_500_000 {
		t.Errorf("span round trip = %+v", got)
	}
	if rs.Resource.Attributes[0].Value.Str != "shop" || rs.ScopeSpans[0].Scope.Name != "github.com/x/y" {
		t.Errorf("resource/scope = %+v", rs)
	}
	if !strings.Contains(s, `"startTimeUnixNano": "1700000000001500000"`) {
		t.Errorf("times are not OTLP JSON strings:\n%s", s)
	}
	r := detailRecord()
	r.Span.Resource = nil
	s, err = viewer.SpanJSON(r)
	if err != nil || !strings.Contains(s, `"attributes": []`) {
		t.Errorf("no resource: %v\n%s", err, s)
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		s       string
		n       int
		want    string
		wantCut bool
	}{
		{"short", 10, "short", false},
		{"exactly10!", 10, "exactly10!", false},
		{"abcdefghijk", 5, "abcd…", true},
		{"日本語のテキスト", 4, "日本語…", true},
		{"日本語", 3, "日本語", false},
		{"abc", 0, "…", true},
		{"", 3, "", false},
	}
	for _, tt := range tests {
		got, cut := viewer.Truncate(tt.s, tt.n)
		if got != tt.want || cut != tt.wantCut {
			t.Errorf("Truncate(%q, %d) = %q, %v; want %q, %v", tt.s, tt.n, got, cut, tt.want, tt.wantCut)
		}
	}
}
