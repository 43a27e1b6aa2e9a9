package otlp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/span"
)

// maxErrorBody bounds how much of an error response is read into the error.
const maxErrorBody = 4 << 10

// Exporter posts spans to an OTLP/HTTP traces endpoint as OTLP JSON. It
// makes one attempt per Export; see [tracer.Exporter].
type Exporter struct {
	url     string
	client  *http.Client
	headers map[string]string
}

var _ tracer.Exporter = (*Exporter)(nil)

// ExporterOption configures [NewExporter].
type ExporterOption func(*Exporter)

// WithHTTPClient sets the client. Default: a client with a 30 s timeout.
func WithHTTPClient(c *http.Client) ExporterOption {
	return func(e *Exporter) { e.client = c }
}

// WithHeaders adds request headers (for example an API key). Default: none.
// Cross-origin, every header must be in the receiver's CORS allowed_headers.
func WithHeaders(h map[string]string) ExporterOption {
	return func(e *Exporter) {
		for k, v := range h {
			e.headers[k] = v
		}
	}
}

// NewExporter returns an exporter posting to url, the full traces endpoint
// (for example http://127.0.0.1:4318/v1/traces, or /v1/traces resolved
// against the page by the caller).
func NewExporter(url string, opts ...ExporterOption) *Exporter {
	e := &Exporter{url: url, client: &http.Client{Timeout: 30 * time.Second}, headers: map[string]string{}}
	for _, o := range opts {
		o(e)
	}
	return e
}

// HTTPError is a non-2xx answer from the receiver.
type HTTPError struct {
	StatusCode int
	// Message is the receiver's google.rpc.Status message, or the start of
	// the body when it is not one.
	Message string
	// RetryAfter is the receiver's Retry-After, zero when absent.
	RetryAfter time.Duration
}

func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("otlp: receiver answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// Retryable reports whether the same request may succeed later (OTLP/HTTP:
// 429, 502, 503 and 504).
func (e *HTTPError) Retryable() bool {
	switch e.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// Export posts spans as one OTLP JSON request. A 2xx returns the
// partialSuccess counts; any other answer returns an *HTTPError; a
// transport failure returns the transport's error.
func (e *Exporter) Export(ctx context.Context, spans []span.Span) (tracer.ExportResult, error) {
	body, err := MarshalJSON(spans)
	if err != nil {
		return tracer.ExportResult{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(body))
	if err != nil {
		return tracer.ExportResult{}, fmt.Errorf("otlp: build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range e.headers {
		req.Header.Set(k, v)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return tracer.ExportResult{}, fmt.Errorf("otlp: post %d spans to %s: %w", len(spans), e.url, err)
	}
	defer resp.Body.Close()
	data, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return tracer.ExportResult{}, &HTTPError{
			StatusCode: resp.StatusCode,
			Message:    errorMessage(data),
			RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
		}
	}
	if rerr != nil {
		// The receiver accepted the request; only its summary is lost.
		return tracer.ExportResult{}, nil
	}
	return parsePartialSuccess(data), nil
}

func parsePartialSuccess(data []byte) tracer.ExportResult {
	var r struct {
		PartialSuccess struct {
			RejectedSpans json.Number `json:"rejectedSpans"`
			ErrorMessage  string      `json:"errorMessage"`
		} `json:"partialSuccess"`
	}
	if json.Unmarshal(data, &r) != nil {
		return tracer.ExportResult{}
	}
	n, _ := strconv.ParseInt(string(r.PartialSuccess.RejectedSpans), 10, 64)
	return tracer.ExportResult{RejectedSpans: n, Message: r.PartialSuccess.ErrorMessage}
}

func errorMessage(data []byte) string {
	var st struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(data, &st) == nil && st.Message != "" {
		return st.Message
	}
	s := strings.TrimSpace(string(data))
	if len(s) > maxErrorBody {
		s = s[:maxErrorBody]
	}
	return s
}

// parseRetryAfter reads Retry-After as seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// IsRetryable reports whether err from Export is worth retrying: a
// retryable HTTP status or a transport failure (offline, refused, timeout).
func IsRetryable(err error) bool {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.Retryable()
	}
	return err != nil
}
