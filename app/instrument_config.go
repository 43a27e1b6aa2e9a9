package main

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/spanfall/spanfall/tracer/instrument"
)

// instrumentEnv lists the page instrumentation settings the server passes
// to the wasm next to browserEnv (docs/instrumentation.md).
var instrumentEnv = []string{
	"SPANFALL_INSTRUMENT_DOCUMENT_LOAD",
	"SPANFALL_INSTRUMENT_RESOURCES",
	"SPANFALL_INSTRUMENT_REQUESTS",
	"SPANFALL_INSTRUMENT_INTERACTIONS",
	"SPANFALL_EARLY_BUFFER",
	"SPANFALL_PROPAGATE_ORIGINS",
	"SPANFALL_QUERY_KEYS",
	"SPANFALL_ATTR_MAX_LEN",
}

// instrumentConfig configures the page instrumentations. Every
// instrumentation is on unless switched off.
type instrumentConfig struct {
	DocumentLoad bool // SPANFALL_INSTRUMENT_DOCUMENT_LOAD
	Resources    bool // SPANFALL_INSTRUMENT_RESOURCES
	Requests     bool // SPANFALL_INSTRUMENT_REQUESTS: fetch and XHR of page JS
	Interactions bool // SPANFALL_INSTRUMENT_INTERACTIONS: click and submit
	// Early inlines the early buffer script in the page head
	// (SPANFALL_EARLY_BUFFER, read by the server). Requests and
	// interactions are seen through it: off, they record nothing.
	Early bool
	// PropagateOrigins get traceparent besides the page's own origin
	// (SPANFALL_PROPAGATE_ORIGINS, comma-separated origins, "https://*.x.com" allowed).
	PropagateOrigins []string
	// QueryKeys are the query parameters whose values are recorded
	// (SPANFALL_QUERY_KEYS, comma-separated); all others are REDACTED.
	QueryKeys []string
	// MaxAttrLen caps recorded strings in bytes (SPANFALL_ATTR_MAX_LEN;
	// default 1024, -1 for no cap).
	MaxAttrLen int
}

// parseInstrumentConfig reads the instrumentation settings through getenv.
// Every bad value is reported (and left at its default); the rest applies.
func parseInstrumentConfig(getenv func(string) string) (instrumentConfig, error) {
	c := instrumentConfig{DocumentLoad: true, Resources: true, Requests: true, Interactions: true, Early: true}
	var errs []error
	onOff := func(k string, dst *bool) {
		switch v := strings.ToLower(strings.TrimSpace(getenv(k))); v {
		case "":
		case "on", "true", "1":
			*dst = true
		case "off", "false", "0":
			*dst = false
		default:
			errs = append(errs, fmt.Errorf("%s=%q: want on or off", k, v))
		}
	}
	onOff("SPANFALL_INSTRUMENT_DOCUMENT_LOAD", &c.DocumentLoad)
	onOff("SPANFALL_INSTRUMENT_RESOURCES", &c.Resources)
	onOff("SPANFALL_INSTRUMENT_REQUESTS", &c.Requests)
	onOff("SPANFALL_INSTRUMENT_INTERACTIONS", &c.Interactions)
	onOff("SPANFALL_EARLY_BUFFER", &c.Early)
	for _, o := range splitComma(getenv("SPANFALL_PROPAGATE_ORIGINS")) {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
			errs = append(errs, fmt.Errorf("SPANFALL_PROPAGATE_ORIGINS: %q: want an origin such as https://api.example.com or https://*.example.com", o))
			continue
		}
		c.PropagateOrigins = append(c.PropagateOrigins, o)
	}
	c.QueryKeys = splitComma(getenv("SPANFALL_QUERY_KEYS"))
	if v := getenv("SPANFALL_ATTR_MAX_LEN"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n == 0 || n < -1 {
			errs = append(errs, fmt.Errorf("SPANFALL_ATTR_MAX_LEN=%q: want a positive number of bytes, or -1 for no cap", v))
		} else {
			c.MaxAttrLen = n
		}
	}
	if err := errors.Join(errs...); err != nil {
		return c, fmt.Errorf("spanfall: configuration: %w", err)
	}
	return c, nil
}

// splitComma splits a comma-separated list, dropping empty items.
func splitComma(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// pagePolicy is the privacy and propagation policy of the page, shared by
// the page instrumentations and the demo's traced Go HTTP client; set by
// instrumentPage in the browser, nil (the default policy) elsewhere.
var pagePolicy *instrument.Policy
