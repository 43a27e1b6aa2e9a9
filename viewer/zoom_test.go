package viewer_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/spanfall/spanfall/viewer"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func sameWindow(a, b viewer.Window) bool { return near(a.Start, b.Start) && near(a.End, b.End) }

func TestWindow(t *testing.T) {
	w := func(s, e float64) viewer.Window { return viewer.Window{Start: s, End: e} }
	tests := []struct {
		name      string
		got, want viewer.Window
	}{
		{"unset is full", viewer.Window{}.Norm(), w(0, 1)},
		{"NaN is full", w(math.NaN(), 0.5).Norm(), w(0, 1)},
		{"swapped and clamped", w(1.5, 0.25).Norm(), w(0.25, 1)},
		{"too narrow widens around its centre", w(0.5, 0.5).Norm(), w(0.5-5e-7, 0.5+5e-7)},
		{"too narrow at the edge", w(1, 1).Norm(), w(1-1e-6, 1)},
		{"zoom in around the centre", w(0, 1).Zoom(0.5, 0.5), w(0.25, 0.75)},
		{"zoom in around the left edge", w(0.2, 0.6).Zoom(0.5, 0), w(0.2, 0.4)},
		{"zoom in keeps the point under the cursor", w(0.2, 0.6).Zoom(0.5, 0.25), w(0.25, 0.45)},
		{"zoom out past the trace is full", w(0.4, 0.6).Zoom(10, 0.5), w(0, 1)},
		{"zoom out at an edge shifts back in", w(0.8, 1).Zoom(2, 0.5), w(0.6, 1)},
		{"zoom has a floor", w(0.5, 0.5+2e-6).Zoom(0.1, 0), w(0.5, 0.5+1e-6)},
		{"bad factor is a no-op", w(0.2, 0.4).Zoom(-1, 0.5), w(0.2, 0.4)},
		{"pan right", w(0.2, 0.4).Pan(0.5), w(0.3, 0.5)},
		{"pan left stops at 0", w(0.1, 0.3).Pan(-1), w(0, 0.2)},
		{"pan right stops at 1", w(0.7, 0.9).Pan(1), w(0.8, 1)},
		{"move to", w(0.1, 0.3).MoveTo(0.5), w(0.4, 0.6)},
		{"move to past the end", w(0.1, 0.3).MoveTo(0.99), w(0.8, 1)},
		{"select a range, either order", w(0.2, 0.6).Select(0.75, 0.25), w(0.3, 0.5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !sameWindow(tt.got, tt.want) {
				t.Errorf("got %+v, want %+v", tt.got, tt.want)
			}
		})
	}
}

func TestWindowPlace(t *testing.T) {
	w := viewer.Window{Start: 0.2, End: 0.6}
	tests := []struct {
		off, width, left, wide float64
		vis                    bool
	}{
		{0.3, 0.1, 0.25, 0.25, true},
		{0.1, 0.2, 0, 0.25, true},    // clipped left
		{0.5, 0.4, 0.75, 0.25, true}, // clipped right
		{0, 0.1, 0, 0, false},
		{0.7, 0.1, 0, 0, false},
		{0, 1, 0, 1, true},
	}
	for _, tt := range tests {
		l, wd, v := w.Place(tt.off, tt.width)
		if v != tt.vis || !near(l, tt.left) || !near(wd, tt.wide) {
			t.Errorf("Place(%g, %g) = %g, %g, %v; want %g, %g, %v", tt.off, tt.width, l, wd, v, tt.left, tt.wide, tt.vis)
		}
	}
	from, to := w.Span(1000, 2000)
	if from != 1200 || to != 1600 {
		t.Errorf("Span = %d, %d", from, to)
	}
}

func TestWindowTicks(t *testing.T) {
	tests := []struct {
		name  string
		w     viewer.Window
		total uint64
		want  string
	}{
		{"full is Ticks", viewer.FullWindow, 100e6, "0@0 20ms@0.2 40ms@0.4 60ms@0.6 80ms@0.8 100ms@1"},
		{"window from 25 to 75 ms", viewer.Window{Start: 0.25, End: 0.75}, 100e6, "25ms@0 +10ms@0.2 +20ms@0.4 +30ms@0.6 +40ms@0.8 +50ms@1"},
		{"narrow window", viewer.Window{Start: 0.5, End: 0.50001}, 1e9, "500ms@0 +2µs@0.2 +4µs@0.4 +6µs@0.6 +8µs@0.8 +10µs@1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			for i, tk := range viewer.WindowTicks(tt.w, tt.total, 5) {
				if i > 0 {
					got += " "
				}
				got += fmt.Sprintf("%s@%s", tk.Label, fmt.Sprint(math.Round(tk.Offset*1e6)/1e6))
			}
			if got != tt.want {
				t.Errorf("WindowTicks = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWindowURL(t *testing.T) {
	tests := []struct {
		w    viewer.Window
		want string
	}{
		{viewer.FullWindow, ""}, {viewer.Window{}, ""},
		{viewer.Window{Start: 0.25, End: 0.5}, "0.25,0.5"},
		{viewer.Window{Start: 1.0 / 3, End: 2.0 / 3}, "0.3333333,0.6666667"},
	}
	for _, tt := range tests {
		if got := viewer.EncodeWindow(tt.w); got != tt.want {
			t.Errorf("EncodeWindow(%+v) = %q, want %q", tt.w, got, tt.want)
		}
		if tt.want != "" && !sameWindow(viewer.DecodeWindow(tt.want), viewer.Window{Start: math.Round(tt.w.Start*1e7) / 1e7, End: math.Round(tt.w.End*1e7) / 1e7}) {
			t.Errorf("DecodeWindow(%q) = %+v", tt.want, viewer.DecodeWindow(tt.want))
		}
	}
	for _, bad := range []string{"", "x", "0.1", "a,b", "NaN,1", "0.2,inf"} {
		if got := viewer.DecodeWindow(bad); !got.IsFull() {
			t.Errorf("DecodeWindow(%q) = %+v, want full", bad, got)
		}
	}
}
