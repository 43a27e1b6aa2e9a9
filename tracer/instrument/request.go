package instrument

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Request is an outgoing HTTP request as an instrumentation sees it.
type Request struct {
	// API is what made it: "fetch", "xhr" or "go" (net/http through
	// tracer.Transport). Recorded as spanfall.http.api.
	API    string
	Method string
	URL    string // absolute
	Start  time.Time
}

// Response is how a [Request] ended.
type Response struct {
	End time.Time
	// Status is the HTTP status code, 0 when no response arrived.
	Status int
	// Err describes a failure without response (network error, abort,
	// timeout); "" with Status 0 means "no response" all the same.
	Err string
	// ErrType names the failure kind for error.type (for example
	// "AbortError", "TypeError", "timeout"). Default: "network".
	ErrType string
}

// knownMethods are the HTTP methods semantic conventions record as is.
var knownMethods = map[string]bool{
	"CONNECT": true, "DELETE": true, "GET": true, "HEAD": true, "OPTIONS": true,
	"PATCH": true, "POST": true, "PUT": true, "TRACE": true, "QUERY": true,
}

// RequestAttributes returns the client span's name and its start
// attributes: http.request.method (and http.request.method_original for an
// unknown method, named "HTTP"), url.full (scrubbed by p), server.address,
// server.port (explicit or the scheme's default) and spanfall.http.api.
func RequestAttributes(p *Policy, r Request) (name string, attrs []attribute.KeyValue) {
	m := strings.ToUpper(r.Method)
	if m == "" {
		m = "GET"
	}
	name = m
	if !knownMethods[m] {
		name = "HTTP"
		attrs = append(attrs, attribute.String("http.request.method", "_OTHER"),
			attribute.String("http.request.method_original", p.Cap(r.Method)))
	} else {
		attrs = append(attrs, attribute.String("http.request.method", m))
	}
	attrs = append(attrs, attribute.String("url.full", p.URL(r.URL)))
	if u, err := url.Parse(r.URL); err == nil && u.Host != "" {
		attrs = append(attrs, attribute.String("server.address", p.Cap(u.Hostname())))
		port := u.Port()
		if port == "" {
			port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
		}
		if n, err := strconv.Atoi(port); err == nil {
			attrs = append(attrs, attribute.Int("server.port", n))
		}
	}
	if r.API != "" {
		attrs = append(attrs, attribute.String("spanfall.http.api", r.API))
	}
	return name, attrs
}

// StartRequest starts the CLIENT span of r under parent and returns its
// context, the span, and the trace headers to send (traceparent and, when
// set, tracestate), or nil when p does not allow propagation to r's origin.
func StartRequest(parent context.Context, t trace.Tracer, p *Policy, r Request) (context.Context, trace.Span, map[string]string) {
	name, attrs := RequestAttributes(p, r)
	opts := []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...)}
	if !r.Start.IsZero() {
		opts = append(opts, trace.WithTimestamp(r.Start))
	}
	ctx, s := t.Start(parent, name, opts...)
	u, err := url.Parse(r.URL)
	if err != nil || !p.Propagates(u) || !s.SpanContext().IsValid() {
		return ctx, s, nil
	}
	h := propagation.MapCarrier{}
	propagation.TraceContext{}.Inject(ctx, h)
	return ctx, s, h
}

// EndRequest records resp on s and ends it: http.response.status_code,
// and error status (with error.type) on a failure without response or a
// 5xx. A 4xx leaves a client span's status unset, as the conventions say.
func EndRequest(s trace.Span, p *Policy, resp Response) {
	switch {
	case resp.Status == 0:
		msg := resp.Err
		if msg == "" {
			msg = "no response"
		}
		typ := resp.ErrType
		if typ == "" {
			typ = "network"
		}
		s.SetStatus(codes.Error, p.Cap(msg))
		s.SetAttributes(attribute.String("error.type", p.Cap(typ)))
	default:
		s.SetAttributes(attribute.Int("http.response.status_code", resp.Status))
		if resp.Status >= 500 {
			s.SetStatus(codes.Error, "HTTP "+strconv.Itoa(resp.Status))
			s.SetAttributes(attribute.String("error.type", strconv.Itoa(resp.Status)))
		}
	}
	if resp.End.IsZero() {
		s.End()
		return
	}
	s.End(trace.WithTimestamp(resp.End))
}
