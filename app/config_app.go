package main

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// appInstrumentEnv lists the switches and sampling settings of the app
// instrumentation (errors, long tasks, web vitals, go-app spans) and of
// trace sampling, passed to the wasm like browserEnv.
var appInstrumentEnv = []string{
	"SPANFALL_ERRORS",
	"SPANFALL_LONG_TASKS",
	"SPANFALL_WEB_VITALS",
	"SPANFALL_APP_SPANS",
	"SPANFALL_SAMPLE_RATIO",
	"SPANFALL_SLOW_ROOT",
	"SPANFALL_TAIL_ERRORS",
}

// appInstrumentConfig configures the app instrumentation and sampling.
// The zero value is the default: everything on, every trace sampled.
type appInstrumentConfig struct {
	NoErrors    bool // SPANFALL_ERRORS=off: no error/unhandledrejection spans
	NoLongTasks bool // SPANFALL_LONG_TASKS=off: no longtask/long-animation-frame spans
	NoVitals    bool // SPANFALL_WEB_VITALS=off: no web-vital spans
	NoAppSpans  bool // SPANFALL_APP_SPANS=off: goapp's navigation/handler/action spans go nowhere
	// SampleRatio is the head sampling ratio of new traces; SPANFALL_SAMPLE_RATIO
	// in [0, 1], default 1. Set means below 1 (the tail stage is on).
	SampleRatio    float64
	SampleRatioSet bool
	// SlowRoot keeps head-dropped traces whose local root lasted at least
	// this long (SPANFALL_SLOW_ROOT, a Go duration; default off).
	SlowRoot time.Duration
	// NoTailErrors (SPANFALL_TAIL_ERRORS=off) stops keeping head-dropped
	// traces that contain an error (default: kept).
	NoTailErrors bool
}

// parseAppInstrumentConfig reads the app instrumentation settings
// through getenv. Bad values are reported and left at their defaults.
func parseAppInstrumentConfig(getenv func(string) string) (appInstrumentConfig, error) {
	var c appInstrumentConfig
	var errs []error
	off := func(k string, dst *bool) {
		switch v := getenv(k); v {
		case "", "on", "true", "1":
		case "off", "false", "0":
			*dst = true
		default:
			errs = append(errs, fmt.Errorf("%s=%q: want on or off", k, v))
		}
	}
	off("SPANFALL_ERRORS", &c.NoErrors)
	off("SPANFALL_LONG_TASKS", &c.NoLongTasks)
	off("SPANFALL_WEB_VITALS", &c.NoVitals)
	off("SPANFALL_APP_SPANS", &c.NoAppSpans)
	off("SPANFALL_TAIL_ERRORS", &c.NoTailErrors)
	if v := getenv("SPANFALL_SAMPLE_RATIO"); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		switch {
		case err != nil || r < 0 || r > 1 || r != r:
			errs = append(errs, fmt.Errorf("SPANFALL_SAMPLE_RATIO=%q: want a number from 0 to 1", v))
		case r < 1:
			c.SampleRatio, c.SampleRatioSet = r, true
		}
	}
	if v := getenv("SPANFALL_SLOW_ROOT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("SPANFALL_SLOW_ROOT=%q: want a positive Go duration such as 500ms", v))
		} else {
			c.SlowRoot = d
		}
	}
	return c, errors.Join(errs...)
}
