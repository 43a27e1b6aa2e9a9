package server

import (
	"cmp"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/netip"
	"time"
)

// Config wires a [Server]. Zero values mean the documented defaults.
type Config struct {
	// App serves everything that is not an API route: the go-app handler.
	App http.Handler
	// OTLPEndpoint, when set, relays POST /v1/traces to this collector
	// (for example http://127.0.0.1:4318) instead of the embedded sink.
	OTLPEndpoint string
	// SinkPath is the file the embedded sink appends OTLP JSON lines to.
	// Default: data/traces.jsonl.
	SinkPath string
	// ExportURL is where browsers post traces (SPANFALL_EXPORT_URL): a
	// path means this server; the origin of an absolute URL is added to
	// the Content-Security-Policy's connect-src. Default: /v1/traces.
	ExportURL string

	// InlineScripts are the exact texts of the inline <script> elements
	// the page has (the early buffer): their sha256 hashes are added to
	// the Content-Security-Policy's script-src. Default: none.
	InlineScripts []string

	// MaxBodyBytes bounds a request body as received. Default
	// DefaultMaxBodyBytes (1 MiB).
	MaxBodyBytes int64
	// MaxDecodedBytes bounds a gzipped body once decompressed. Default
	// DefaultMaxDecodedBytes (8 MiB).
	MaxDecodedBytes int64
	// RateLimit is the requests per second allowed per client address.
	// Default DefaultRateLimit (20); negative: no limit.
	RateLimit float64
	// RateBurst is the burst allowed per client address. Default
	// DefaultRateBurst (40).
	RateBurst int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client address. Default: none (X-Forwarded-For is ignored).
	TrustedProxies []netip.Prefix
	// MaxInFlight bounds the OTLP requests handled at once. Default
	// DefaultMaxInFlight (64); negative: no bound.
	MaxInFlight int
	// CORSOrigins are the other origins whose pages may post traces ("*":
	// any). Default: none, same origin only.
	CORSOrigins []string

	// UpstreamHeaders are added to every relayed request (the collector's
	// credentials); they never reach the browser.
	UpstreamHeaders map[string]string
	// UpstreamTimeout bounds one relayed request. Default
	// DefaultUpstreamTimeout (10 s).
	UpstreamTimeout time.Duration

	// SinkMaxFileBytes is the size past which the sink rotates its file.
	// Default DefaultSinkMaxFileBytes (64 MiB); negative: never.
	SinkMaxFileBytes int64
	// SinkKeepFiles is how many rotated files the sink keeps. Default
	// DefaultSinkKeepFiles (5); negative: all.
	SinkKeepFiles int

	// ErrorLog receives the failures clients get only a short message
	// about. Default: log.Default().
	ErrorLog *log.Logger
	// Now replaces time.Now (rate limiter, rotated file names). For tests.
	Now func() time.Time
}

// options turns the configuration into endpoint options.
func (c Config) options() []Option {
	opts := []Option{
		WithMaxBodyBytes(c.MaxBodyBytes),
		WithMaxDecodedBytes(c.MaxDecodedBytes),
		WithTrustedProxies(c.TrustedProxies...),
		WithMaxInFlight(c.MaxInFlight),
		WithCORSOrigins(c.CORSOrigins...),
		WithUpstreamHeaders(c.UpstreamHeaders),
		WithUpstreamTimeout(c.UpstreamTimeout),
		WithRotation(c.SinkMaxFileBytes, c.SinkKeepFiles),
		WithErrorLog(c.ErrorLog),
		WithClock(c.Now),
	}
	switch {
	case c.RateLimit < 0:
		opts = append(opts, WithRateLimit(0, 0))
	case c.RateLimit > 0 || c.RateBurst > 0:
		opts = append(opts, WithRateLimit(cmp.Or(c.RateLimit, DefaultRateLimit), c.RateBurst))
	}
	return opts
}

// Server routes the PWA, the OTLP endpoint and the demo API, and sets the
// security headers (Content-Security-Policy, X-Content-Type-Options,
// Referrer-Policy, Cross-Origin-Opener-Policy, …) on every response.
type Server struct {
	handler http.Handler
	sink    *Sink
	desc    string
}

// New returns a server for cfg. Close it to close the sink's file.
func New(cfg Config) (*Server, error) {
	csp, err := contentSecurityPolicy(cfg.ExportURL, cfg.InlineScripts...)
	if err != nil {
		return nil, err
	}
	s := &Server{}
	mux := http.NewServeMux()
	if cfg.OTLPEndpoint != "" {
		rl, err := NewRelay(cfg.OTLPEndpoint, cfg.options()...)
		if err != nil {
			return nil, err
		}
		mux.Handle("/v1/traces", rl)
		s.desc = "relaying OTLP to " + rl.Target()
	} else {
		path := cfg.SinkPath
		if path == "" {
			path = "data/traces.jsonl"
		}
		sink, err := NewSink(path, cfg.options()...)
		if err != nil {
			return nil, err
		}
		s.sink = sink
		mux.Handle("/v1/traces", sink)
		s.desc = "embedded OTLP sink appending to " + sink.Path()
	}
	mux.HandleFunc("/api/demo", demo)
	if cfg.App != nil {
		mux.Handle("/", cfg.App)
	}
	s.handler = securityHeaders(csp, mux)
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Describe says where traces go, for the start-up log line.
func (s *Server) Describe() string { return s.desc }

// Close closes the sink, if any.
func (s *Server) Close() error {
	if s.sink != nil {
		return s.sink.Close()
	}
	return nil
}

// demo answers the demo page's same-origin fetch with the server time and
// the traceparent it received, so a page can check propagation.
func demo(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	err := json.NewEncoder(w).Encode(map[string]string{
		"time":        time.Now().UTC().Format(time.RFC3339Nano),
		"traceparent": r.Header.Get("Traceparent"),
	})
	if err != nil {
		http.Error(w, fmt.Sprintf("demo: %v", err), http.StatusInternalServerError)
	}
}
