package vitals

import (
	"math"
	"slices"
)

// Metric names.
const (
	LCP  = "LCP"
	CLS  = "CLS"
	INP  = "INP"
	FCP  = "FCP"
	TTFB = "TTFB"
)

// Ratings, as web-vitals names them.
const (
	Good             = "good"
	NeedsImprovement = "needs-improvement"
	Poor             = "poor"
)

// thresholds are web-vitals' good and poor limits (ms, CLS unitless).
var thresholds = map[string][2]float64{
	LCP:  {2500, 4000},
	CLS:  {0.1, 0.25},
	INP:  {200, 500},
	FCP:  {1800, 3000},
	TTFB: {800, 1800},
}

// Rate returns the rating of value for the metric name: above the poor
// threshold "poor", above the good one "needs-improvement", else "good".
// An unknown name is rated "good".
func Rate(name string, value float64) string {
	t, ok := thresholds[name]
	switch {
	case !ok:
		return Good
	case value > t[1]:
		return Poor
	case value > t[0]:
		return NeedsImprovement
	}
	return Good
}

// NavigationType returns web-vitals' navigation type: "back-forward"
// for the navigation entry type back_forward, "prerender" when the page
// was activated after prerendering (activationStart > 0), "restore" when
// the document was discarded and reloaded, else the entry's type
// (navigate, reload); "navigate" when the type is unknown.
func NavigationType(entryType string, activationStart float64, wasDiscarded bool) string {
	switch {
	case wasDiscarded:
		return "restore"
	case activationStart > 0:
		return "prerender"
	case entryType == "back_forward":
		return "back-forward"
	case entryType == "":
		return "navigate"
	}
	return entryType
}

// BackForwardCache is the navigation type of metrics after a bfcache
// restore.
const BackForwardCache = "back-forward-cache"

// Metric is one report.
type Metric struct {
	Name           string
	Value          float64 // ms; unitless for CLS
	Delta          float64 // change since this metric's previous report
	Rating         string
	NavigationType string
	// Start and End bound what the metric measured, in ms since the time
	// origin: the navigation (or restore) to the paint for FCP, LCP and
	// TTFB, the interaction for INP, the worst session window for CLS.
	Start, End float64
	// Target describes what the value points at, when known: the
	// interaction's event type for INP (for example "pointerup").
	Target string
}

// metric is the state of one metric instance (one per navigation or
// restore).
type metric struct {
	name       string
	value      float64 // -1 until known
	prev       float64
	reported   bool
	start, end float64
	target     string
}

func newMetric(name string, value float64) *metric { return &metric{name: name, value: value} }

// report returns the report bindReporter(reportAllChanges=false) makes
// when forced: only for a known value, and only when it changed or was
// never reported.
func (m *metric) report(navType string, out []Metric) []Metric {
	if m.value < 0 {
		return out
	}
	delta := m.value - m.prev
	if delta == 0 && m.reported {
		return out
	}
	m.prev, m.reported = m.value, true
	return append(out, Metric{
		Name: m.name, Value: m.value, Delta: delta, Rating: Rate(m.name, m.value),
		NavigationType: navType, Start: m.start, End: m.end, Target: m.target,
	})
}

// Shift is a layout-shift entry.
type Shift struct {
	StartTime      float64
	Value          float64
	HadRecentInput bool
}

// Event is an event-timing entry (type "event" or "first-input").
type Event struct {
	InteractionID uint64
	Name          string // event type, e.g. pointerup, keydown
	StartTime     float64
	Duration      float64
	FirstInput    bool // a first-input entry
}

// maxInteractions is how many of the longest interactions INP keeps.
const maxInteractions = 10

type interaction struct {
	id      uint64
	latency float64
	start   float64
	name    string
}

// Page computes the web vitals of one page. Feed it in the order the
// browser delivers; each method returns the reports it causes (often
// none). A Page is not safe for concurrent use.
type Page struct {
	navType     string
	activation  float64
	responseAt  float64
	firstHidden float64

	fcp, lcp, ttfb, cls, inp *metric
	fcpDone, lcpDone         bool
	fcpReported              bool
	ttfbDone                 bool

	sessionValue      float64
	sessionFirst      float64
	sessionLast       float64
	interactions      []interaction
	interactionCount  int
	countAtRestore    int
	maxID, minID      uint64
	nativeInteraction bool
}

// Navigation describes the page's navigation entry.
type Navigation struct {
	Type            string  // PerformanceNavigationTiming.type
	ActivationStart float64 // 0 unless prerendered
	ResponseStart   float64
	WasDiscarded    bool // document.wasDiscarded
	HiddenAtStart   bool // visibilityState was hidden (and not prerendering) when observing began
}

// NewPage starts the metrics of a page navigation.
func NewPage(n Navigation) *Page {
	p := &Page{
		navType:     NavigationType(n.Type, n.ActivationStart, n.WasDiscarded),
		activation:  n.ActivationStart,
		responseAt:  n.ResponseStart,
		firstHidden: math.Inf(1),
		minID:       math.MaxUint64,
	}
	if n.HiddenAtStart {
		p.firstHidden = 0
	}
	p.reset()
	return p
}

func (p *Page) reset() {
	p.fcp, p.lcp, p.ttfb = newMetric(FCP, -1), newMetric(LCP, -1), newMetric(TTFB, -1)
	p.cls, p.inp = newMetric(CLS, 0), newMetric(INP, -1)
	p.sessionValue = 0
	p.interactions = nil
}

// Paint takes a paint entry.
func (p *Page) Paint(name string, startTime float64) []Metric {
	if name != "first-contentful-paint" || p.fcpDone {
		return nil
	}
	p.fcpDone = true
	if startTime >= p.firstHidden {
		return nil
	}
	p.fcp.value = math.Max(startTime-p.activation, 0)
	p.fcp.start, p.fcp.end = p.activation, math.Max(startTime, p.activation)
	p.fcpReported = true
	return p.fcp.report(p.navType, nil)
}

// Loaded reports TTFB, once, when the document has loaded and the
// navigation entry's responseStart is known (positive and not in the
// future: now is performance.now()).
func (p *Page) Loaded(now float64) []Metric {
	if p.ttfbDone || p.responseAt <= 0 || p.responseAt > now {
		return nil
	}
	p.ttfbDone = true
	p.ttfb.value = math.Max(p.responseAt-p.activation, 0)
	p.ttfb.start, p.ttfb.end = p.activation, math.Max(p.responseAt, p.activation)
	return p.ttfb.report(p.navType, nil)
}

// LargestPaint takes a largest-contentful-paint entry.
func (p *Page) LargestPaint(startTime float64) []Metric {
	if p.lcpDone || startTime >= p.firstHidden {
		return nil
	}
	p.lcp.value = math.Max(startTime-p.activation, 0)
	p.lcp.start, p.lcp.end = p.activation, math.Max(startTime, p.activation)
	return nil
}

// Input notes the first keydown or click: LCP is final and reported.
func (p *Page) Input() []Metric { return p.stopLCP(nil) }

func (p *Page) stopLCP(out []Metric) []Metric {
	if p.lcpDone {
		return out
	}
	p.lcpDone = true
	return p.lcp.report(p.navType, out)
}

// LayoutShift takes a layout-shift entry.
func (p *Page) LayoutShift(s Shift) []Metric {
	if s.HadRecentInput {
		return nil
	}
	if p.sessionValue > 0 && s.StartTime-p.sessionLast < 1000 && s.StartTime-p.sessionFirst < 5000 {
		p.sessionValue += s.Value
	} else {
		p.sessionValue, p.sessionFirst = s.Value, s.StartTime
	}
	p.sessionLast = s.StartTime
	if p.sessionValue > p.cls.value {
		p.cls.value = p.sessionValue
		p.cls.start, p.cls.end = p.sessionFirst, p.sessionLast
	}
	return nil
}

// InteractionCount sets performance.interactionCount, where the browser
// has it; otherwise the count is estimated from interaction ids as
// web-vitals' polyfill does.
func (p *Page) InteractionCount(n int) {
	p.nativeInteraction = true
	p.interactionCount = n
}

// Event takes an event-timing entry.
func (p *Page) Event(e Event) []Metric {
	if e.InteractionID != 0 {
		p.minID, p.maxID = min(p.minID, e.InteractionID), max(p.maxID, e.InteractionID)
		if !p.nativeInteraction {
			p.interactionCount = int((p.maxID-p.minID)/7 + 1)
		}
	}
	if e.InteractionID == 0 && !e.FirstInput {
		return nil
	}
	i := slices.IndexFunc(p.interactions, func(x interaction) bool { return x.id == e.InteractionID })
	switch {
	case i >= 0:
		if e.Duration > p.interactions[i].latency {
			p.interactions[i].latency, p.interactions[i].start, p.interactions[i].name = e.Duration, e.StartTime, e.Name
		}
	case len(p.interactions) < maxInteractions || e.Duration > p.interactions[len(p.interactions)-1].latency:
		p.interactions = append(p.interactions, interaction{e.InteractionID, e.Duration, e.StartTime, e.Name})
	default:
		return nil
	}
	slices.SortStableFunc(p.interactions, func(a, b interaction) int {
		switch {
		case a.latency > b.latency:
			return -1
		case a.latency < b.latency:
			return 1
		}
		return 0
	})
	if len(p.interactions) > maxInteractions {
		p.interactions = p.interactions[:maxInteractions]
	}
	idx := min(len(p.interactions)-1, (p.interactionCount-p.countAtRestore)/50)
	if idx >= 0 {
		in := p.interactions[idx]
		p.inp.value, p.inp.start, p.inp.end, p.inp.target = in.latency, in.start, in.start+in.latency, in.name
	}
	return nil
}

// Hidden notes that the page became hidden at t (the visibilitychange
// event's timeStamp). It reports the final LCP and the current CLS and
// INP when they changed since their last report.
func (p *Page) Hidden(t float64) []Metric {
	if math.IsInf(p.firstHidden, 1) {
		p.firstHidden = t
	}
	out := p.stopLCP(nil)
	if p.fcpReported {
		if p.cls.value == 0 {
			p.cls.start, p.cls.end = t, t
		}
		out = p.cls.report(p.navType, out)
	}
	return p.inp.report(p.navType, out)
}

// Restore notes a back/forward cache restore: the pageshow event at t and
// the second animation frame after it at frame. It starts new metrics
// (navigation type back-forward-cache) and reports FCP, LCP (both
// frame-t) and TTFB (0).
func (p *Page) Restore(t, frame float64) []Metric {
	p.navType = BackForwardCache
	p.reset()
	p.firstHidden = math.Inf(1)
	p.countAtRestore = p.interactionCount
	p.fcpDone, p.lcpDone, p.ttfbDone, p.fcpReported = true, true, true, true
	v := math.Max(frame-t, 0)
	var out []Metric
	for _, m := range []*metric{p.fcp, p.lcp} {
		m.value, m.start, m.end = v, t, t+v
		out = m.report(p.navType, out)
	}
	p.ttfb.value, p.ttfb.start, p.ttfb.end = 0, t, t
	return p.ttfb.report(p.navType, out)
}
