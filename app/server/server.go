package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Config wires a [Server]. Zero values are documented per field.
type Config struct {
	// App serves everything that is not an API route: the go-app handler.
	App http.Handler
	// OTLPEndpoint, when set, relays POST /v1/traces to this collector
	// (for example http://127.0.0.1:4318) instead of the embedded sink.
	OTLPEndpoint string
	// SinkPath is the file the embedded sink appends OTLP JSON lines to.
	// Default: data/traces.jsonl.
	SinkPath string
}

// Server routes the PWA, the OTLP endpoint and the demo API.
type Server struct {
	mux  *http.ServeMux
	sink *Sink
	desc string
}

// New returns a server for cfg. Close it to close the sink's file.
func New(cfg Config) (*Server, error) {
	s := &Server{mux: http.NewServeMux()}
	if cfg.OTLPEndpoint != "" {
		rl := NewRelay(cfg.OTLPEndpoint, nil)
		s.mux.Handle("/v1/traces", rl)
		s.desc = "relaying OTLP to " + rl.Target()
	} else {
		path := cfg.SinkPath
		if path == "" {
			path = "data/traces.jsonl"
		}
		sink, err := NewSink(path)
		if err != nil {
			return nil, err
		}
		s.sink = sink
		s.mux.Handle("/v1/traces", sink)
		s.desc = "embedded OTLP sink appending to " + sink.Path()
	}
	s.mux.HandleFunc("/api/demo", demo)
	if cfg.App != nil {
		s.mux.Handle("/", cfg.App)
	}
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

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
