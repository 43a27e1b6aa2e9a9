package viewer

import (
	"math"
	"strconv"
	"strings"
)

// Window is the part of a trace the waterfall shows, as fractions of the
// trace's extent: 0 is the trace start, 1 its end. The zero Window is
// unset and means the whole trace ([Window.Norm]).
type Window struct{ Start, End float64 }

// FullWindow shows the whole trace.
var FullWindow = Window{0, 1}

// MinWindow is the narrowest window, as a fraction of the trace: a
// millionth, so a 1 s trace zooms down to 1 µs.
const MinWindow = 1e-6

// Width returns End − Start.
func (w Window) Width() float64 { return w.End - w.Start }

// IsFull reports whether w shows the whole trace.
func (w Window) IsFull() bool { n := w.Norm(); return n.Start <= 0 && n.End >= 1 }

// Norm returns w made valid: within [0, 1], at least MinWindow wide,
// Start before End; an unset or non-finite window is the full one.
func (w Window) Norm() Window {
	if w == (Window{}) || math.IsNaN(w.Start) || math.IsNaN(w.End) || math.IsInf(w.Start, 0) || math.IsInf(w.End, 0) {
		return FullWindow
	}
	if w.End < w.Start {
		w.Start, w.End = w.End, w.Start
	}
	w.Start, w.End = clamp01(w.Start), clamp01(w.End)
	if w.Width() < MinWindow {
		c := (w.Start + w.End) / 2
		w.Start, w.End = c-MinWindow/2, c+MinWindow/2
		if w.Start < 0 {
			w.Start, w.End = 0, MinWindow
		}
		if w.End > 1 {
			w.Start, w.End = 1-MinWindow, 1
		}
	}
	return w
}

func clamp01(f float64) float64 { return min(max(f, 0), 1) }

// Zoom scales the window by factor (below 1 zooms in, above 1 out)
// around at, a point given as a fraction of the window (0 its left edge,
// 1 its right): the trace time under at stays under it. The result is
// kept within the trace; zooming out past it gives the whole trace.
func (w Window) Zoom(factor, at float64) Window {
	w = w.Norm()
	if !(factor > 0) || math.IsInf(factor, 0) {
		return w
	}
	at = clamp01(at)
	width := min(max(w.Width()*factor, MinWindow), 1)
	pivot := w.Start + at*w.Width()
	s := pivot - at*width
	return Window{s, s + width}.shift()
}

// Pan moves the window by delta times its width (negative to the left),
// stopping at the trace's edges.
func (w Window) Pan(delta float64) Window {
	w = w.Norm()
	if math.IsNaN(delta) || math.IsInf(delta, 0) {
		return w
	}
	d := delta * w.Width()
	return Window{w.Start + d, w.End + d}.shift()
}

// MoveTo centres the window on trace fraction c, keeping its width:
// dragging the minimap's window.
func (w Window) MoveTo(c float64) Window {
	w = w.Norm()
	half := w.Width() / 2
	return Window{c - half, c + half}.shift()
}

// shift moves a window that sticks out of [0, 1] back in, keeping its
// width.
func (w Window) shift() Window {
	width := min(w.Width(), 1)
	if w.Start < 0 {
		w.Start, w.End = 0, width
	}
	if w.End > 1 {
		w.Start, w.End = 1-width, 1
	}
	return w.Norm()
}

// Select returns the window between two points of the current one (in
// fractions of it, in either order), as dragging across the ruler does.
func (w Window) Select(a, b float64) Window {
	w = w.Norm()
	a, b = clamp01(a), clamp01(b)
	return Window{w.Start + min(a, b)*w.Width(), w.Start + max(a, b)*w.Width()}.Norm()
}

// Place maps a bar at offset with width (fractions of the trace) into the
// window: its left edge and width as fractions of the window, clipped to
// it; visible is false when the bar lies wholly outside.
func (w Window) Place(offset, width float64) (left, wide float64, visible bool) {
	w = w.Norm()
	l := (offset - w.Start) / w.Width()
	r := (offset + width - w.Start) / w.Width()
	if r < 0 || l > 1 {
		return 0, 0, false
	}
	l, r = max(l, 0), min(r, 1)
	return l, r - l, true
}

// Span returns the window's bounds in Unix ns within a trace [start, end].
func (w Window) Span(start, end uint64) (from, to uint64) {
	w = w.Norm()
	total := float64(end - start)
	return start + uint64(math.Round(w.Start*total)), start + uint64(math.Round(w.End*total))
}

// WindowTicks returns ruler marks for the window of a trace of total ns,
// at offsets that are fractions of the window: for the whole trace those of
// [Ticks]; for a zoomed window nice steps of the window's duration from its
// left edge, the first labelled with its time from the trace start and the
// others with "+" and their time from the first, so that they stay
// readable however deep the zoom.
func WindowTicks(w Window, total uint64, maxTicks int) []Tick {
	w = w.Norm()
	if w.IsFull() {
		return Ticks(total, maxTicks)
	}
	from := uint64(math.Round(w.Start * float64(total)))
	d := max(uint64(math.Round(w.Width()*float64(total))), 1)
	ticks := Ticks(d, maxTicks)
	for i := range ticks {
		if i == 0 {
			ticks[i].Label = FormatDuration(from)
			continue
		}
		ticks[i].Label = "+" + ticks[i].Label
	}
	return ticks
}

// EncodeWindow writes a window for a URL: "" for the whole trace, else
// "start,end" with up to 7 decimals.
func EncodeWindow(w Window) string {
	if w.IsFull() {
		return ""
	}
	w = w.Norm()
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	r := func(x float64) float64 { return math.Round(x*1e7) / 1e7 }
	return f(r(w.Start)) + "," + f(r(w.End))
}

// DecodeWindow reads a URL's window parameter; anything malformed is the
// whole trace.
func DecodeWindow(s string) Window {
	a, b, ok := strings.Cut(s, ",")
	if !ok {
		return FullWindow
	}
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	if err1 != nil || err2 != nil {
		return FullWindow
	}
	return Window{x, y}.Norm()
}
