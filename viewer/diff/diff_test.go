package diff_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spanfall/spanfall/tracer/span"
	"github.com/spanfall/spanfall/viewer/diff"
)

func spans(spec string) []span.Span {
	// spec: "name:dur name:dur …"
	var out []span.Span
	for _, f := range strings.Fields(spec) {
		var name string
		var d uint64
		i := strings.IndexByte(f, ':')
		name = f[:i]
		fmt.Sscan(f[i+1:], &d)
		out = append(out, span.Span{Name: name, StartTimeUnixNano: 100, EndTimeUnixNano: 100 + d})
	}
	return out
}

func show(ds []diff.Delta) string {
	var b []string
	for _, d := range ds {
		b = append(b, fmt.Sprintf("%s %d→%d Σ%d→%d p50 %d→%d %s", d.Name, d.BaseCount, d.Count, d.BaseTotal, d.Total, d.BaseP50, d.P50, d.Change()))
	}
	return strings.Join(b, "; ")
}

func TestCompare(t *testing.T) {
	tests := []struct{ name, base, cur, want string }{
		{"both empty", "", "", ""},
		{"identical", "a:10 b:5", "a:10 b:5", "a 1→1 Σ10→10 p50 10→10 same; b 1→1 Σ5→5 p50 5→5 same"},
		{"slower, biggest change first", "a:10 b:5", "a:12 b:50", "b 1→1 Σ5→50 p50 5→50 changed; a 1→1 Σ10→12 p50 10→12 changed"},
		{"more calls", "get:10 get:20", "get:10 get:20 get:30 get:40", "get 2→4 Σ30→100 p50 10→20 changed"},
		{"added and removed", "old:7", "new:3", "old 1→0 Σ7→0 p50 7→0 removed; new 0→1 Σ0→3 p50 0→3 added"},
		{"same total, other count", "x:10 x:10", "x:20", "x 2→1 Σ20→20 p50 10→20 changed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := diff.Compare(spans(tt.base), spans(tt.cur))
			if s := show(got); s != tt.want {
				t.Errorf("Compare =\n %s\nwant\n %s", s, tt.want)
			}
		})
	}
	d := diff.Index(diff.Compare(spans("a:10"), spans("a:4 a:4")))["a"]
	if d.CountDelta() != 1 || d.TotalDelta() != -2 || d.P50Delta() != -6 {
		t.Errorf("deltas %d %d %d", d.CountDelta(), d.TotalDelta(), d.P50Delta())
	}
}
