// Package longtask records long tasks (PerformanceLongTaskTiming, main
// thread busy ≥ 50 ms) and long animation frames (Long Animation Frames
// API, a frame delayed ≥ 50 ms) as spans, with their attribution: the
// container of a long task, and for a long animation frame its blocking
// duration, render and style/layout start and the scripts that ran in it
// (invoker, a privacy-safe source URL, function, duration) as child spans.
//
// Building the spans is plain Go ([Task], [Record]); observe_js.go feeds
// it from buffered PerformanceObservers.
package longtask
