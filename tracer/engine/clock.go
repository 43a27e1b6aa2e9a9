package engine

import "time"

// clock reads the time as Unix nanoseconds with one monotonic clock read:
// a wall-clock base taken once, plus the monotonic time elapsed since
// (time.Since reads only the monotonic clock). In js/wasm time.Now costs
// two calls into JavaScript (Date.now and performance.now) and has 1 ms
// wall resolution; this clock costs one call and keeps the monotonic
// clock's resolution. Like OpenTelemetry JS (performance.timeOrigin +
// performance.now()), it does not follow later wall-clock adjustments.
type clock struct {
	base     time.Time
	baseUnix int64
}

func newClock() clock {
	b := time.Now()
	return clock{base: b, baseUnix: b.UnixNano()}
}

// now returns the current time in Unix nanoseconds.
func (c *clock) now() int64 { return c.baseUnix + int64(time.Since(c.base)) }

func unixTime(n int64) time.Time { return time.Unix(0, n) }
