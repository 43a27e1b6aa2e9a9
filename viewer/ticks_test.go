package viewer_test

import (
	"math"
	"strings"
	"testing"

	"github.com/spanfall/spanfall/viewer"
)

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		name string
		ns   uint64
		want string
	}{
		{name: "zero", ns: 0, want: "0"},
		{name: "one ns", ns: 1, want: "1ns"},
		{name: "ns", ns: 999, want: "999ns"},
		{name: "one µs", ns: 1_000, want: "1µs"},
		{name: "µs two decimals", ns: 1_234, want: "1.23µs"},
		{name: "µs rounds to nearest", ns: 1_236, want: "1.24µs"},
		{name: "µs trailing zeros trimmed", ns: 1_500, want: "1.5µs"},
		{name: "µs one decimal", ns: 12_345, want: "12.3µs"},
		{name: "µs no decimals", ns: 850_000 / 1_000 * 1_000, want: "850µs"},
		{name: "µs rounds into ms", ns: 999_999, want: "1ms"},
		{name: "µs just under the carry", ns: 999_499, want: "999µs"},
		{name: "one ms", ns: 1_000_000, want: "1ms"},
		{name: "ms", ns: 12_345_678, want: "12.3ms"},
		{name: "ms rounds to ten", ns: 9_996_000, want: "10ms"},
		{name: "ms rounds to hundred", ns: 99_960_000, want: "100ms"},
		{name: "999.4ms", ns: 999_400_000, want: "999ms"},
		{name: "999.6ms carries to 1s", ns: 999_600_000, want: "1s"},
		{name: "one s", ns: 1_000_000_000, want: "1s"},
		{name: "s", ns: 1_523_000_000, want: "1.52s"},
		{name: "s one decimal", ns: 12_345_000_000, want: "12.3s"},
		{name: "59.94s", ns: 59_940_000_000, want: "59.9s"},
		{name: "59.96s carries to a minute", ns: 59_960_000_000, want: "1m0s"},
		{name: "one minute", ns: 60_000_000_000, want: "1m0s"},
		{name: "minutes rounded to seconds", ns: 61_600_000_000, want: "1m2s"},
		{name: "hours", ns: 3_723_000_000_000, want: "1h2m3s"},
		{name: "max int64", ns: math.MaxInt64, want: "2562047h47m16s"},
		{name: "beyond int64 does not wrap", ns: math.MaxUint64, want: "2562047h47m16s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := viewer.FormatDuration(tt.ns); got != tt.want {
				t.Errorf("FormatDuration(%d) = %q, want %q", tt.ns, got, tt.want)
			}
		})
	}
}

// TestFormatDurationNeverExponent walks magnitudes and carries: no label
// uses exponent notation, a unit never shows 1000 of itself, and seconds
// never show 60.
func TestFormatDurationNeverExponent(t *testing.T) {
	for _, base := range []uint64{1, 9, 99, 999, 9_995, 99_950, 999_500, 999_950} {
		for scale := uint64(1); scale <= 1e12; scale *= 10 {
			for _, ns := range []uint64{base * scale, base*scale - 1, base*scale + 1} {
				s := viewer.FormatDuration(ns)
				num := strings.TrimRight(s, "nµmshs")
				if strings.ContainsAny(s, "eE+") || strings.HasPrefix(s, "1000") || strings.HasPrefix(s, "60s") || num == "" && s != "0" {
					t.Errorf("FormatDuration(%d) = %q", ns, s)
				}
			}
		}
	}
}

func TestTicks(t *testing.T) {
	tests := []struct {
		name       string
		d          uint64
		maxTicks   int
		wantStep   uint64 // ns between marks
		wantLabels []string
	}{
		{name: "empty window", d: 0, maxTicks: 8, wantLabels: []string{"0"}},
		{name: "1s in 5", d: 1_000_000_000, maxTicks: 5, wantStep: 200_000_000,
			wantLabels: []string{"0", "200ms", "400ms", "600ms", "800ms", "1s"}},
		{name: "1s in 10", d: 1_000_000_000, maxTicks: 10, wantStep: 100_000_000,
			wantLabels: []string{"0", "100ms", "200ms", "300ms", "400ms", "500ms", "600ms", "700ms", "800ms", "900ms", "1s"}},
		{name: "1s in 8 steps by 200ms", d: 1_000_000_000, maxTicks: 8, wantStep: 200_000_000,
			wantLabels: []string{"0", "200ms", "400ms", "600ms", "800ms", "1s"}},
		{name: "1s in 3 steps by 500ms", d: 1_000_000_000, maxTicks: 3, wantStep: 500_000_000,
			wantLabels: []string{"0", "500ms", "1s"}},
		{name: "last mark short of the end", d: 1_234_000, maxTicks: 4, wantStep: 500_000,
			wantLabels: []string{"0", "500µs", "1ms"}},
		{name: "microseconds", d: 37_000, maxTicks: 8, wantStep: 5_000,
			wantLabels: []string{"0", "5µs", "10µs", "15µs", "20µs", "25µs", "30µs", "35µs"}},
		{name: "a minute", d: 60_000_000_000, maxTicks: 6, wantStep: 10_000_000_000,
			wantLabels: []string{"0", "10s", "20s", "30s", "40s", "50s", "1m0s"}},
		{name: "one interval", d: 7, maxTicks: 1, wantStep: 10, wantLabels: []string{"0"}},
		{name: "maxTicks below 1 counts as 1", d: 100, maxTicks: 0, wantStep: 100, wantLabels: []string{"0", "100ns"}},
		{name: "never below 1ns", d: 3, maxTicks: 10, wantStep: 1, wantLabels: []string{"0", "1ns", "2ns", "3ns"}},
		{name: "huge window", d: math.MaxUint64, maxTicks: 1, wantLabels: []string{"0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ticks := viewer.Ticks(tt.d, tt.maxTicks)
			labels := make([]string, len(ticks))
			for i, tk := range ticks {
				labels[i] = tk.Label
			}
			if strings.Join(labels, " ") != strings.Join(tt.wantLabels, " ") {
				t.Errorf("labels = %q, want %q", labels, tt.wantLabels)
			}
			if len(ticks) > max(tt.maxTicks, 1)+1 {
				t.Errorf("%d ticks, want at most %d", len(ticks), max(tt.maxTicks, 1)+1)
			}
			if ticks[0].Offset != 0 || ticks[0].Label != "0" {
				t.Errorf("first tick = %+v, want {0 0}", ticks[0])
			}
			for i, tk := range ticks[1:] {
				want := float64(uint64(i+1)*tt.wantStep) / float64(tt.d)
				if tk.Offset != want {
					t.Errorf("tick %d offset = %v, want %v", i+1, tk.Offset, want)
				}
				if tk.Offset > 1 {
					t.Errorf("tick %d offset %v is past the window", i+1, tk.Offset)
				}
			}
		})
	}
}

// prevNice returns the nice step below step (1, 2 or 5 × 10^n), 0 below 1.
func prevNice(step uint64) uint64 {
	pow := uint64(1)
	for step/pow >= 10 {
		pow *= 10
	}
	switch step / pow {
	case 1:
		return pow / 2
	case 2:
		return pow
	}
	return 2 * pow
}

// TestTicksNiceSteps checks over many windows that the step is 1, 2 or 5
// times a power of ten, the smallest such giving at most maxTicks
// intervals.
func TestTicksNiceSteps(t *testing.T) {
	nice := func(n uint64) bool {
		for n >= 10 && n%10 == 0 {
			n /= 10
		}
		return n == 1 || n == 2 || n == 5
	}
	for _, maxTicks := range []int{1, 3, 5, 8, 10, 12} {
		for d := uint64(1); d < 1e15; d = d*3 + 7 {
			ticks := viewer.Ticks(d, maxTicks)
			if len(ticks) > maxTicks+1 {
				t.Errorf("Ticks(%d, %d): %d marks", d, maxTicks, len(ticks))
			}
			if len(ticks) < 2 {
				continue
			}
			step := uint64(math.Round(ticks[1].Offset * float64(d)))
			if step == 0 {
				t.Errorf("Ticks(%d, %d): marks closer than 1ns", d, maxTicks)
				continue
			}
			if !nice(step) {
				t.Errorf("Ticks(%d, %d): step %d is not 1, 2 or 5 × 10^n", d, maxTicks, step)
			}
			// The next smaller nice step would need more than maxTicks
			// intervals (1ns is the floor).
			if prev := prevNice(step); prev > 0 && prev*uint64(maxTicks) >= d {
				t.Errorf("Ticks(%d, %d): step %d, but %d would do", d, maxTicks, step, prev)
			}
			if want := d/step + 1; uint64(len(ticks)) != want {
				t.Errorf("Ticks(%d, %d): %d marks, want %d for step %d", d, maxTicks, len(ticks), want, step)
			}
		}
	}
}

func TestPlaceTickLabels(t *testing.T) {
	// 600px track: "350ms" is (5*6.5+8)/600 = 0.0675 wide.
	mk := func(offs ...float64) []viewer.Tick {
		out := make([]viewer.Tick, len(offs))
		for i, o := range offs {
			out[i] = viewer.Tick{Offset: o, Label: "350ms"}
		}
		return out
	}
	tests := []struct {
		name  string
		ticks []viewer.Tick
		slack float64
		want  []viewer.TickLabel
	}{
		{name: "room for all", ticks: mk(0, 0.25, 0.5, 0.75), want: []viewer.TickLabel{0, 0, 0, 0}},
		{name: "last one before its line", ticks: mk(0, 0.5, 0.97), want: []viewer.TickLabel{0, 0, viewer.TickLabelBefore}},
		{name: "slack lets it stay after", ticks: mk(0, 0.5, 0.97), slack: 30, want: []viewer.TickLabel{0, 0, 0}},
		{name: "no room before either", ticks: mk(0, 0.88, 0.97), want: []viewer.TickLabel{0, 0, viewer.TickLabelNone}},
		{name: "crowded marks skip", ticks: mk(0, 0.03, 0.1), want: []viewer.TickLabel{0, viewer.TickLabelNone, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := viewer.PlaceTickLabels(tt.ticks, 600, tt.slack)
			for i := range tt.want {
				if got[i] != tt.want[i] {
					t.Errorf("labels = %v, want %v", got, tt.want)
					break
				}
			}
		})
	}
}
