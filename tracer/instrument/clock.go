package instrument

import (
	"math"
	"time"
)

// NavigationClock converts a DOMHighResTimeStamp (ms since the page's time
// origin) into wall-clock time. browser.NavigationTiming is one.
type NavigationClock interface {
	Time(ms float64) time.Time
}

// TimeOrigin is performance.timeOrigin, ms since the Unix epoch.
type TimeOrigin float64

// Time implements [NavigationClock], rounding to the nanosecond without
// losing the sub-millisecond part to float64's precision near 1.7e18 ns.
func (o TimeOrigin) Time(ms float64) time.Time {
	whole := math.Floor(float64(o))
	frac := float64(o) - whole
	return time.Unix(0, int64(whole)*1e6+int64(math.Round((frac+ms)*1e6)))
}

// EpochMillis converts epoch milliseconds (a float, as the page script
// records performance.timeOrigin + performance.now()) into time.
func EpochMillis(ms float64) time.Time { return TimeOrigin(ms).Time(0) }
