package viewer_test

import (
	"fmt"
	"testing"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
	"github.com/spanfall/spanfall/viewer"
)

func TestMatches(t *testing.T) {
	withAttr := rec("b", "r", 10, 20)
	withAttr.Span.Attributes = []span.KeyValue{span.String("http.url", "https://Example.test/API"), span.Int("n", 4242)}
	withEvent := rec("c", "r", 30, 40)
	withEvent.Span.Events = []span.Event{{Name: "cache-Miss"}}
	rows, _, _ := viewer.Layout([]cache.Record{rec("r", "", 0, 100), withAttr, withEvent})
	tests := []struct {
		name, query, want string
	}{
		{name: "empty query matches nothing", query: "", want: ""},
		{name: "span name", query: "n-R", want: "r"},
		{name: "every name", query: "n-", want: "r b c"},
		{name: "string attribute value, any case", query: "example.TEST/api", want: "b"},
		{name: "int attribute value", query: "424", want: "b"},
		{name: "attribute keys are not searched", query: "http.url", want: ""},
		{name: "event name", query: "miss", want: "c"},
		{name: "no match", query: "zzz", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ids(rows, viewer.Matches(rows, tt.query)); got != tt.want {
				t.Errorf("Matches(%q) = %q, want %q", tt.query, got, tt.want)
			}
		})
	}
}

func TestNextMatch(t *testing.T) {
	m := []int{2, 5, 9}
	tests := []struct {
		cur, dir, want int
	}{
		{-1, 1, 2}, {2, 1, 5}, {3, 1, 5}, {9, 1, 2}, {12, 1, 2},
		{-1, -1, 9}, {9, -1, 5}, {6, -1, 5}, {2, -1, 9}, {0, -1, 9},
	}
	for _, tt := range tests {
		if got := viewer.NextMatch(m, tt.cur, tt.dir); got != tt.want {
			t.Errorf("NextMatch(%v, %d, %d) = %d, want %d", m, tt.cur, tt.dir, got, tt.want)
		}
	}
	if got := viewer.NextMatch(nil, 3, 1); got != -1 {
		t.Errorf("NextMatch(nil) = %d, want -1", got)
	}
	if viewer.MatchOrdinal(m, 5) != 2 || viewer.MatchOrdinal(m, 4) != 0 {
		t.Error("MatchOrdinal")
	}
}

func TestHighlight(t *testing.T) {
	tests := []struct {
		name, text, query, want string
	}{
		{name: "no query", text: "GET /api", query: "", want: "[GET /api]"},
		{name: "empty text", text: "", query: "x", want: "[]"},
		{name: "no match", text: "GET /api", query: "post", want: "[GET /api]"},
		{name: "middle, case kept", text: "GET /API/users", query: "api", want: "[GET /] <API> [/users]"},
		{name: "several and at the edges", text: "abXab", query: "AB", want: "<ab> [X] <ab>"},
		{name: "whole", text: "fetch", query: "FETCH", want: "<fetch>"},
		{name: "unicode folding", text: "Straße ÉTÉ", query: "été", want: "[Straße ] <ÉTÉ>"},
		{name: "multibyte before the match", text: "日本 go", query: "GO", want: "[日本 ] <go>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			for i, s := range viewer.Highlight(tt.text, tt.query) {
				if i > 0 {
					got += " "
				}
				if s.Match {
					got += "<" + s.Text + ">"
				} else {
					got += "[" + s.Text + "]"
				}
			}
			if got != tt.want {
				t.Errorf("Highlight(%q, %q) = %s, want %s", tt.text, tt.query, got, tt.want)
			}
		})
	}
}

func TestIndexFold(t *testing.T) {
	tests := []struct {
		s, sub string
		want   int
	}{
		{"hello", "", 0},
		{"hello", "LL", 2},
		{"hello", "lo!", -1},
		{"", "a", -1},
		{"KELVIN", "\u212a", 0}, // Kelvin sign folds to K
		{"ab\xffcd", "CD", 3},   // invalid UTF-8 is skipped, not fatal
	}
	for _, tt := range tests {
		if got := viewer.IndexFold(tt.s, tt.sub); got != tt.want {
			t.Errorf("IndexFold(%q, %q) = %d, want %d", tt.s, tt.sub, got, tt.want)
		}
	}
}

func BenchmarkMatches10k(b *testing.B) {
	recs := make([]cache.Record, 10_000)
	for i := range recs {
		r := rec(hexID(i+1), "", uint64(i), uint64(i+10))
		r.Span.Attributes = []span.KeyValue{span.String("http.url", fmt.Sprintf("https://example.test/item/%d", i)), span.Int("i", int64(i))}
		recs[i] = r
	}
	rows, _, _ := viewer.Layout(recs)
	b.ResetTimer()
	for b.Loop() {
		viewer.Matches(rows, "item/99")
	}
}
