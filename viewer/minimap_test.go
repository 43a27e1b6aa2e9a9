package viewer_test

import (
	"fmt"
	"testing"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/viewer"
)

func TestMinimapRects(t *testing.T) {
	failed := rec("b", "r", 50, 100)
	failed.Span.Status.Code = 2
	rows, _, _ := viewer.Layout([]cache.Record{rec("r", "", 0, 100), rec("a", "r", 0, 25), failed})
	tests := []struct {
		name        string
		cols, lines int
		want        string
	}{
		{"a row a line band", 10, 6, "[{0 0 10 2 false} {0 2 2 2 false} {5 4 5 2 false} {5 4 5 2 true}]"},
		{"rows share lines", 4, 2, "[{0 0 4 1 false} {2 1 2 1 false} {2 1 2 1 true}]"},
		{"a tiny bar still covers a column", 2, 3, "[{0 0 2 1 false} {0 1 1 1 false} {1 2 1 1 false} {1 2 1 1 true}]"},
		{"no grid", 0, 5, "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fmt.Sprint(viewer.MinimapRects(rows, tt.cols, tt.lines)); got != tt.want {
				t.Errorf("MinimapRects = %s, want %s", got, tt.want)
			}
		})
	}
	// 50,000 rows on a 300 × 40 canvas stay a bounded number of rects.
	var big []cache.Record
	big = append(big, rec("root", "", 0, 1_000_000))
	for i := 0; i < 50000; i++ {
		big = append(big, rec(fmt.Sprintf("%x", i+1), "root", uint64(i*20), uint64(i*20+10)))
	}
	rows, _, _ = viewer.Layout(big)
	if n := len(viewer.MinimapRects(rows, 300, 40)); n > 300*40/2+40 {
		t.Errorf("%d rects for 50,000 rows", n)
	}
}
