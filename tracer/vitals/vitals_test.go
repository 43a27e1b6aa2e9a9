package vitals

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

type step func(p *Page) []Metric

func paint(t float64) step {
	return func(p *Page) []Metric { return p.Paint("first-contentful-paint", t) }
}
func lcp(t float64) step        { return func(p *Page) []Metric { return p.LargestPaint(t) } }
func loaded(now float64) step   { return func(p *Page) []Metric { return p.Loaded(now) } }
func input() step               { return func(p *Page) []Metric { return p.Input() } }
func hidden(t float64) step     { return func(p *Page) []Metric { return p.Hidden(t) } }
func restore(t, f float64) step { return func(p *Page) []Metric { return p.Restore(t, f) } }
func shift(t, v float64, recent bool) step {
	return func(p *Page) []Metric { return p.LayoutShift(Shift{StartTime: t, Value: v, HadRecentInput: recent}) }
}
func event(id uint64, start, dur float64) step {
	return func(p *Page) []Metric {
		return p.Event(Event{InteractionID: id, Name: "pointerup", StartTime: start, Duration: dur})
	}
}
func count(n int) step { return func(p *Page) []Metric { p.InteractionCount(n); return nil } }

// short renders reports as "NAME=value/rating/navtype".
func short(ms []Metric) string {
	var b []string
	for _, m := range ms {
		v := fmt.Sprintf("%g", math.Round(m.Value*1000)/1000)
		b = append(b, fmt.Sprintf("%s=%s/%s/%s", m.Name, v, m.Rating, m.NavigationType))
	}
	return strings.Join(b, " ")
}

func TestPage(t *testing.T) {
	nav := Navigation{Type: "navigate", ResponseStart: 120}
	tests := []struct {
		name  string
		nav   Navigation
		steps []step
		want  string
	}{
		{"FCP reported once at the paint", nav, []step{paint(900), paint(950)}, "FCP=900/good/navigate"},
		{"FCP after the page was hidden is not reported", nav, []step{hidden(500), paint(900)}, ""},
		{"FCP relative to activationStart, clamped at 0", Navigation{ActivationStart: 1000}, []step{paint(900)}, "FCP=0/good/prerender"},
		{"FCP rated", nav, []step{paint(2000)}, "FCP=2000/needs-improvement/navigate"},
		{"TTFB on load", nav, []step{loaded(3000), loaded(4000)}, "TTFB=120/good/navigate"},
		{"TTFB not before responseStart", nav, []step{loaded(100)}, ""},
		{"TTFB relative to activation", Navigation{ResponseStart: 120, ActivationStart: 50}, []step{loaded(3000)}, "TTFB=70/good/prerender"},
		{"LCP: last entry, reported at first input", nav, []step{lcp(800), lcp(2600), input(), lcp(5000), hidden(9000)},
			"LCP=2600/needs-improvement/navigate"},
		{"LCP reported at hide when no input", nav, []step{lcp(4100), hidden(9000), hidden(9500)}, "LCP=4100/poor/navigate"},
		{"LCP entries after the first hide ignored", nav, []step{lcp(800), hidden(1000), lcp(1200)}, "LCP=800/good/navigate"},
		{"no LCP entry, no report", nav, []step{input(), hidden(1000)}, ""},
		{"CLS waits for FCP", nav, []step{shift(100, 0.3, false), hidden(1000)}, ""},
		{"CLS 0 is reported once", nav, []step{paint(100), hidden(1000), hidden(2000)}, "FCP=100/good/navigate CLS=0/good/navigate"},
		{"CLS shifts after input ignored", nav, []step{paint(100), shift(200, 0.5, true), hidden(1000)},
			"FCP=100/good/navigate CLS=0/good/navigate"},
		{"CLS one session window sums", nav, []step{paint(100), shift(200, 0.05, false), shift(900, 0.04, false), shift(1800, 0.03, false), hidden(3000)},
			"FCP=100/good/navigate CLS=0.12/needs-improvement/navigate"},
		{"CLS gap of 1 s starts a new window", nav, []step{paint(100), shift(200, 0.05, false), shift(1200, 0.04, false), hidden(3000)},
			"FCP=100/good/navigate CLS=0.05/good/navigate"},
		{"CLS window capped at 5 s", nav, []step{paint(100),
			shift(0, 0.02, false), shift(900, 0.02, false), shift(1800, 0.02, false), shift(2700, 0.02, false),
			shift(3600, 0.02, false), shift(4500, 0.02, false), shift(5100, 0.02, false), hidden(9000)},
			"FCP=100/good/navigate CLS=0.12/needs-improvement/navigate"},
		{"CLS largest window wins over a later smaller one", nav, []step{paint(100), shift(100, 0.3, false), shift(3000, 0.1, false), hidden(9000)},
			"FCP=100/good/navigate CLS=0.3/poor/navigate"},
		{"CLS reported again on a later hide only when it changed", nav, []step{paint(100), shift(100, 0.05, false), hidden(1000), hidden(2000), shift(3000, 0.2, false), hidden(4000)},
			"FCP=100/good/navigate CLS=0.05/good/navigate CLS=0.2/needs-improvement/navigate"},
		{"INP: no interaction, no report", nav, []step{hidden(1000)}, ""},
		{"INP: the longest entry of an interaction counts", nav, []step{event(7, 100, 48), event(7, 100, 96), event(7, 100, 64), hidden(1000)},
			"INP=96/good/navigate"},
		{"INP: the worst of few interactions", nav, []step{event(7, 100, 48), event(14, 200, 600), event(21, 300, 80), hidden(1000)},
			"INP=600/poor/navigate"},
		{"INP: p98 skips the worst with 50+ interactions", nav, []step{count(60), event(7, 100, 900), event(14, 200, 300), event(21, 300, 80), hidden(1000)},
			"INP=300/needs-improvement/navigate"},
		{"INP: interaction count estimated from ids", nav, []step{event(7, 100, 900), event(7+7*55, 200, 300), hidden(1000)},
			"INP=300/needs-improvement/navigate"},
		{"INP: entries without interactionId ignored", nav, []step{event(0, 100, 900), hidden(1000)}, ""},
		{"INP: reported again when it changed", nav, []step{event(7, 100, 48), hidden(1000), event(14, 2000, 250), hidden(3000), hidden(4000)},
			"INP=48/good/navigate INP=250/needs-improvement/navigate"},
		{"bfcache restore: new FCP, LCP, TTFB at once; CLS and INP start again", nav, []step{
			paint(100), lcp(200), shift(100, 0.3, false), event(7, 100, 600), hidden(1000),
			restore(5000, 5032), shift(6000, 0.01, false), event(14, 6000, 56), hidden(7000)},
			"FCP=100/good/navigate LCP=200/good/navigate CLS=0.3/poor/navigate INP=600/poor/navigate " +
				"FCP=32/good/back-forward-cache LCP=32/good/back-forward-cache TTFB=0/good/back-forward-cache " +
				"CLS=0.01/good/back-forward-cache INP=56/good/back-forward-cache"},
		{"navigation types", Navigation{Type: "back_forward", ResponseStart: 10}, []step{loaded(100)}, "TTFB=10/good/back-forward"},
		{"discarded page is a restore", Navigation{Type: "reload", ResponseStart: 10, WasDiscarded: true}, []step{loaded(100)}, "TTFB=10/good/restore"},
		{"hidden at start: nothing paint-based counts", Navigation{HiddenAtStart: true}, []step{paint(100), lcp(100), hidden(1000)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewPage(tt.nav)
			var got []Metric
			for _, s := range tt.steps {
				got = append(got, s(p)...)
			}
			if s := short(got); s != tt.want {
				t.Fatalf("reports\n got %q\nwant %q", s, tt.want)
			}
		})
	}
}

func TestRate(t *testing.T) {
	tests := []struct {
		name  string
		value float64
		want  string
	}{
		{LCP, 2500, Good}, {LCP, 2501, NeedsImprovement}, {LCP, 4000, NeedsImprovement}, {LCP, 4001, Poor},
		{CLS, 0.1, Good}, {CLS, 0.11, NeedsImprovement}, {CLS, 0.26, Poor},
		{INP, 200, Good}, {INP, 500, NeedsImprovement}, {INP, 501, Poor},
		{FCP, 1800, Good}, {FCP, 3001, Poor},
		{TTFB, 800, Good}, {TTFB, 1800, NeedsImprovement}, {TTFB, 1801, Poor},
		{"nope", 1e9, Good},
	}
	for _, tt := range tests {
		if got := Rate(tt.name, tt.value); got != tt.want {
			t.Errorf("Rate(%s, %g) = %s, want %s", tt.name, tt.value, got, tt.want)
		}
	}
}

// Span bounds: the interaction for INP, the worst window for CLS.
func TestMetricBounds(t *testing.T) {
	p := NewPage(Navigation{})
	p.Paint("first-contentful-paint", 50)
	p.LayoutShift(Shift{StartTime: 100, Value: 0.1})
	p.LayoutShift(Shift{StartTime: 400, Value: 0.1})
	p.Event(Event{InteractionID: 7, Name: "keydown", StartTime: 1000, Duration: 120})
	got := p.Hidden(2000)
	if len(got) != 2 {
		t.Fatalf("reports %s", short(got))
	}
	if c := got[0]; c.Name != CLS || c.Start != 100 || c.End != 400 || c.Delta != c.Value {
		t.Errorf("CLS %+v, want the window 100..400", c)
	}
	if i := got[1]; i.Name != INP || i.Start != 1000 || i.End != 1120 || i.Target != "keydown" {
		t.Errorf("INP %+v, want 1000..1120 keydown", i)
	}
}
