package viewer

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Tick is a ruler mark at Offset (0..1 of the window) with a label.
type Tick struct {
	Offset float64
	Label  string
}

// Ticks returns ruler marks for a window of d nanoseconds, at a "nice"
// step (1, 2 or 5 times a power of ten, and at least 1ns) giving at most
// maxTicks intervals, starting at 0: at most maxTicks+1 marks. maxTicks
// below 1 counts as 1.
func Ticks(d uint64, maxTicks int) []Tick {
	if maxTicks < 1 {
		maxTicks = 1
	}
	if d == 0 {
		return []Tick{{0, "0"}}
	}
	raw := float64(d) / float64(maxTicks)
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	step := pow
	for _, m := range []float64{1, 2, 5, 10} {
		if m*pow >= raw {
			step = m * pow
			break
		}
	}
	// Below 1ns a step has no label of its own: 0.5ns marks would read
	// 0, 1ns, 1ns, 2ns. From 1ns up every nice step is a whole number, so
	// the marks are computed in integers, free of float drift.
	if step > float64(d) {
		// Only the 0 mark fits (and step may not fit a uint64).
		return []Tick{{0, "0"}}
	}
	stepNs := uint64(max(1, math.Round(step)))
	n := d / stepNs
	out := make([]Tick, 0, n+1)
	for i := range n + 1 {
		v := i * stepNs
		out = append(out, Tick{Offset: float64(v) / float64(d), Label: FormatDuration(v)})
	}
	return out
}

// FormatDuration renders nanoseconds compactly with about three
// significant digits and never in exponent notation: 0, 999ns, 850µs,
// 12.3ms, 1.52s. A value that rounds up to the next unit is written in it
// (999.6ms is 1s, not 1000ms); from a minute on it is whole seconds as
// [time.Duration] prints them (1m0s, 2h3m4s).
func FormatDuration(ns uint64) string {
	switch {
	case ns == 0:
		return "0"
	case ns < 1e3:
		return strconv.FormatUint(ns, 10) + "ns"
	}
	for _, u := range []struct {
		scale, limit float64
		suffix       string
	}{
		{1e3, 1000, "µs"},
		{1e6, 1000, "ms"},
		{1e9, 60, "s"},
	} {
		v := float64(ns) / u.scale
		if v >= u.limit {
			continue
		}
		s := trim(v)
		if f, err := strconv.ParseFloat(s, 64); err == nil && f < u.limit {
			return s + u.suffix
		}
	}
	// Beyond math.MaxInt64 a time.Duration would wrap negative; near it,
	// rounding up would overflow.
	d := time.Duration(min(ns, math.MaxInt64))
	if d > math.MaxInt64-time.Second/2 {
		return d.Truncate(time.Second).String()
	}
	return d.Round(time.Second).String()
}

// trim prints about 3 significant digits without trailing zeros.
func trim(f float64) string {
	prec := 2
	switch {
	case f >= 100:
		prec = 0
	case f >= 10:
		prec = 1
	}
	s := strconv.FormatFloat(f, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// TickLabel says where a ruler mark's label is drawn.
type TickLabel uint8

// Tick label places: after the mark's line (the usual), before it (near
// the track's end, where after would overflow), or not at all (no room
// left between its neighbours).
const (
	TickLabelAfter TickLabel = iota
	TickLabelBefore
	TickLabelNone
)

// PlaceTickLabels places the labels of ticks on a ruler trackPx wide,
// with slackPx of room past the track's end, so that no label leaves the
// ruler nor overlaps the previous one. Widths are estimated as
// [LabelWidth] does.
func PlaceTickLabels(ticks []Tick, trackPx, slackPx float64) []TickLabel {
	out := make([]TickLabel, len(ticks))
	if trackPx <= 0 {
		trackPx = 600
	}
	slack := slackPx / trackPx
	taken := -1.0 // where the previous label ends
	for i, tk := range ticks {
		w := LabelWidth(len([]rune(tk.Label)), trackPx)
		switch {
		case tk.Offset+w <= 1+slack && tk.Offset >= taken:
			out[i], taken = TickLabelAfter, tk.Offset+w
		case tk.Offset-w >= taken:
			out[i], taken = TickLabelBefore, tk.Offset
		default:
			out[i] = TickLabelNone
		}
	}
	return out
}
