package main

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// browserEnv lists the server environment variables passed through to the
// wasm (go-app's Handler.Env, read there with app.Getenv).
var browserEnv = append([]string{
	"SPANFALL_EXPORT_URL",
	"SPANFALL_FLUSH_INTERVAL",
	"SPANFALL_BATCH_SIZE",
	"SPANFALL_BACKOFF",
	"SPANFALL_MAX_SPANS",
	"SPANFALL_MAX_BYTES",
	"SPANFALL_MAX_AGE",
	"SPANFALL_OTLP_ENCODING",
	"SPANFALL_OTLP_COMPRESSION",
	"SPANFALL_GC_HEADROOM",
}, appInstrumentEnv...)

// browserConfig is the pipeline configuration of the wasm. Zero values
// mean the library defaults.
type browserConfig struct {
	ExportURL     string        // SPANFALL_EXPORT_URL, default same-origin /v1/traces
	FlushInterval time.Duration // SPANFALL_FLUSH_INTERVAL (Go duration)
	BatchSize     int           // SPANFALL_BATCH_SIZE (spans per request)
	Backoff       time.Duration // SPANFALL_BACKOFF (first retry delay)
	MaxSpans      int           // SPANFALL_MAX_SPANS (store cap; -1 unlimited)
	MaxBytes      int64         // SPANFALL_MAX_BYTES (store cap; -1 unlimited)
	MaxAge        time.Duration // SPANFALL_MAX_AGE (store cap)
	JSON          bool          // SPANFALL_OTLP_ENCODING=json (default protobuf)
	NoGzip        bool          // SPANFALL_OTLP_COMPRESSION=none (default gzip)
	GCHeadroom    int64         // SPANFALL_GC_HEADROOM (bytes; -1: leave GOGC alone)

	App appInstrumentConfig // app instrumentation and sampling (config_app.go)
}

// parseBrowserConfig reads the configuration through getenv. Every bad
// value is reported (and left at its default); the rest still applies.
func parseBrowserConfig(getenv func(string) string) (browserConfig, error) {
	var c browserConfig
	var errs []error
	dur := func(k string, dst *time.Duration) {
		if v := getenv(k); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				errs = append(errs, fmt.Errorf("%s=%q: want a positive Go duration such as 10s", k, v))
				return
			}
			*dst = d
		}
	}
	num := func(k string, dst *int64) {
		if v := getenv(k); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n == 0 || n < -1 {
				errs = append(errs, fmt.Errorf("%s=%q: want a positive integer, or -1 for unlimited", k, v))
				return
			}
			*dst = n
		}
	}
	c.ExportURL = getenv("SPANFALL_EXPORT_URL")
	switch v := getenv("SPANFALL_OTLP_ENCODING"); v {
	case "", "protobuf":
	case "json":
		c.JSON = true
	default:
		errs = append(errs, fmt.Errorf("SPANFALL_OTLP_ENCODING=%q: want protobuf or json", v))
	}
	switch v := getenv("SPANFALL_OTLP_COMPRESSION"); v {
	case "", "gzip":
	case "none":
		c.NoGzip = true
	default:
		errs = append(errs, fmt.Errorf("SPANFALL_OTLP_COMPRESSION=%q: want gzip or none", v))
	}
	dur("SPANFALL_FLUSH_INTERVAL", &c.FlushInterval)
	dur("SPANFALL_BACKOFF", &c.Backoff)
	dur("SPANFALL_MAX_AGE", &c.MaxAge)
	var batch, spans int64
	num("SPANFALL_BATCH_SIZE", &batch)
	num("SPANFALL_MAX_SPANS", &spans)
	num("SPANFALL_MAX_BYTES", &c.MaxBytes)
	num("SPANFALL_GC_HEADROOM", &c.GCHeadroom)
	if batch < 0 {
		errs = append(errs, fmt.Errorf("SPANFALL_BATCH_SIZE=%d: want a positive integer", batch))
		batch = 0
	}
	c.BatchSize, c.MaxSpans = int(batch), int(spans)
	var err error
	if c.App, err = parseAppInstrumentConfig(getenv); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return c, fmt.Errorf("spanfall: configuration: %w", err)
	}
	return c, nil
}

// defaultGCHeadroom is the collector's minimum headroom when
// SPANFALL_GC_HEADROOM is unset: 32 MiB (tracer/gcpace), GOGC=800 while
// the live heap is under 4 MiB, as it is in the app.
const defaultGCHeadroom = 32 << 20
