package viewer

import (
	"fmt"
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
// step (1, 2 or 5 times a power of ten) giving at most maxTicks intervals,
// starting at 0.
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
	var out []Tick
	for v := 0.0; v <= float64(d)+step/1e9; v += step {
		out = append(out, Tick{Offset: v / float64(d), Label: FormatDuration(uint64(math.Round(v)))})
	}
	return out
}

// FormatDuration renders nanoseconds compactly: 0, 850µs, 12.3ms, 1.52s.
func FormatDuration(ns uint64) string {
	d := time.Duration(ns)
	switch {
	case ns == 0:
		return "0"
	case d < time.Microsecond:
		return fmt.Sprintf("%dns", ns)
	case d < time.Millisecond:
		return trim(float64(ns)/1e3) + "µs"
	case d < time.Second:
		return trim(float64(ns)/1e6) + "ms"
	case d < time.Minute:
		return trim(float64(ns)/1e9) + "s"
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
