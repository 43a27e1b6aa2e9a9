package critpath_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spanfall/spanfall/tracer/span"
	"github.com/spanfall/spanfall/viewer/critpath"
)

// sp builds a span named id with parent p over [start, end].
func sp(id, p string, start, end uint64) span.Span {
	return span.Span{Name: id, SpanID: id, ParentSpanID: p, StartTimeUnixNano: start, EndTimeUnixNano: end}
}

func show(p critpath.Path) string {
	var b []string
	for _, s := range p.Segments {
		b = append(b, fmt.Sprintf("%s[%d-%d]", s.SpanID, s.Start, s.End))
	}
	return strings.Join(b, " ")
}

func TestCompute(t *testing.T) {
	tests := []struct {
		name  string
		spans []span.Span
		want  string
		ids   string
	}{
		{name: "empty", want: "", ids: ""},
		{name: "root alone", spans: []span.Span{sp("r", "", 0, 100)}, want: "r[0-100]", ids: "r"},
		{name: "sequential children",
			spans: []span.Span{sp("r", "", 0, 100), sp("a", "r", 10, 40), sp("b", "r", 50, 90)},
			want:  "r[0-10] a[10-40] r[40-50] b[50-90] r[90-100]", ids: "a b r"},
		{name: "parallel children: the last to finish wins, the other is skipped",
			spans: []span.Span{sp("r", "", 0, 100), sp("a", "r", 10, 80), sp("b", "r", 20, 60)},
			want:  "r[0-10] a[10-80] r[80-100]", ids: "a r"},
		{name: "parallel then a child that ended before the chosen one started",
			spans: []span.Span{sp("r", "", 0, 100), sp("a", "r", 50, 95), sp("b", "r", 40, 70), sp("c", "r", 5, 45)},
			want:  "r[0-5] c[5-45] r[45-50] a[50-95] r[95-100]", ids: "a c r"},
		{name: "nested",
			spans: []span.Span{sp("r", "", 0, 100), sp("a", "r", 10, 90), sp("a1", "a", 20, 50), sp("a2", "a", 60, 85)},
			want:  "r[0-10] a[10-20] a1[20-50] a[50-60] a2[60-85] a[85-90] r[90-100]", ids: "a a1 a2 r"},
		{name: "async child outliving its parent is clipped to the parent's end",
			spans: []span.Span{sp("r", "", 0, 100), sp("a", "r", 10, 300), sp("b", "r", 20, 90)},
			want:  "r[0-10] a[10-100]", ids: "a r"},
		{name: "child starting after its parent ended is left out",
			spans: []span.Span{sp("r", "", 0, 100), sp("late", "r", 100, 200), sp("b", "r", 20, 30)},
			want:  "r[0-20] b[20-30] r[30-100]", ids: "b r"},
		{name: "child starting before its parent is clipped to the parent's start",
			spans: []span.Span{sp("r", "", 10, 100), sp("a", "r", 0, 50)},
			want:  "a[10-50] r[50-100]", ids: "a r"},
		{name: "unfinished span left out with its subtree",
			spans: []span.Span{sp("r", "", 0, 100), sp("u", "r", 10, 0), sp("uc", "u", 20, 90), sp("b", "r", 5, 15)},
			want:  "r[0-5] b[5-15] r[15-100]", ids: "b r"},
		{name: "tie on end: the later start wins",
			spans: []span.Span{sp("r", "", 0, 100), sp("x", "r", 10, 50), sp("y", "r", 30, 50)},
			want:  "r[0-30] y[30-50] r[50-100]", ids: "r y"},
		{name: "root is the parentless span that ends last; orphans count as roots",
			spans: []span.Span{sp("r1", "", 0, 50), sp("o", "missing", 10, 120), sp("oc", "o", 20, 60)},
			want:  "o[10-20] oc[20-60] o[60-120]", ids: "o oc"},
		{name: "parent cycle is not followed",
			spans: []span.Span{sp("r", "", 0, 100), sp("p", "q", 10, 20), sp("q", "p", 30, 40)},
			want:  "r[0-100]", ids: "r"},
		{name: "no finished span", spans: []span.Span{sp("r", "", 10, 0)}, want: "", ids: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := critpath.Compute(tt.spans)
			if got := show(p); got != tt.want {
				t.Errorf("segments = %q, want %q", got, tt.want)
			}
			var ids []string
			for _, s := range []string{"a", "a1", "a2", "b", "c", "o", "oc", "r", "r1", "u", "uc", "x", "y", "late", "p", "q"} {
				if p.On(s) {
					ids = append(ids, s)
				}
			}
			if got := strings.Join(ids, " "); got != tt.ids {
				t.Errorf("ids = %q, want %q", got, tt.ids)
			}
			// Segments tile the root without gaps or overlaps.
			for k := 1; k < len(p.Segments); k++ {
				if p.Segments[k].Start != p.Segments[k-1].End {
					t.Errorf("gap or overlap between %v and %v", p.Segments[k-1], p.Segments[k])
				}
			}
		})
	}
}

func TestComputeDeepChain(t *testing.T) {
	const n = 20000
	spans := make([]span.Span, n)
	for i := range spans {
		p := ""
		if i > 0 {
			p = fmt.Sprintf("s%d", i-1)
		}
		spans[i] = sp(fmt.Sprintf("s%d", i), p, uint64(i), uint64(2*n-i))
	}
	p := critpath.Compute(spans)
	if len(p.IDs) != n || len(p.Segments) != 2*n-1 {
		t.Errorf("deep chain: %d ids, %d segments", len(p.IDs), len(p.Segments))
	}
}
