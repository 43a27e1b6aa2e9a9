package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Relay forwards OTLP/HTTP trace requests to a collector unchanged (body,
// Content-Type, Content-Encoding) and passes its answer back (status,
// Retry-After, body), so the browser's retry logic sees the collector's
// own verdict.
type Relay struct {
	target string
	client *http.Client
}

// NewRelay relays to the collector at endpoint (for example
// http://127.0.0.1:4318); "/v1/traces" is appended unless endpoint
// already ends with it.
func NewRelay(endpoint string, client *http.Client) *Relay {
	target := strings.TrimRight(endpoint, "/")
	if !strings.HasSuffix(target, "/v1/traces") {
		target += "/v1/traces"
	}
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	return &Relay{target: target, client: client}
}

// Target returns the URL requests are relayed to.
func (rl *Relay) Target() string { return rl.target }

// ServeHTTP implements the OTLP/HTTP traces endpoint by relaying.
func (rl *Relay) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "OTLP/HTTP traces: POST only", http.StatusMethodNotAllowed)
		return
	}
	mt, err := mediaType(r)
	if err != nil {
		writeStatus(w, mt, http.StatusUnsupportedMediaType, err.Error())
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeStatus(w, mt, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", MaxRequestBytes))
		return
	case err != nil:
		writeStatus(w, mt, http.StatusBadRequest, fmt.Sprintf("read body: %v", err))
		return
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, rl.target, bytes.NewReader(body))
	if err != nil {
		writeStatus(w, mt, http.StatusBadGateway, fmt.Sprintf("relay: %v", err))
		return
	}
	for _, h := range []string{"Content-Type", "Content-Encoding"} {
		if v := r.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	resp, err := rl.client.Do(req)
	if err != nil {
		// The collector is unreachable: 502 is retryable for OTLP clients.
		writeStatus(w, mt, http.StatusBadGateway, fmt.Sprintf("relay to %s: %v", rl.target, err))
		return
	}
	defer resp.Body.Close()
	for _, h := range []string{"Content-Type", "Retry-After"} {
		if v := resp.Header.Get(h); v != "" {
			w.Header().Set(h, v)
		}
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, io.LimitReader(resp.Body, 1<<20))
}
