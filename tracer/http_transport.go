package tracer

import (
	"fmt"
	"net/http"
	"strconv"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Transport is an http.RoundTripper that records a client span per request
// with the HTTP semantic-convention attributes and injects W3C traceparent
// and tracestate into requests whose host is allowed. In the browser
// net/http is fetch, so this traces the wasm's own Go requests.
type Transport struct {
	// Base does the request. Default: http.DefaultTransport.
	Base http.RoundTripper
	// Tracer records the spans.
	Tracer trace.Tracer
	// Propagate reports whether trace headers may be sent to a request's
	// host ("host:port"). Default: never. Sending them cross-origin causes
	// a CORS preflight the other server may refuse.
	Propagate func(host string) bool
}

var propagator = propagation.TraceContext{}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	attrs := []attribute.KeyValue{
		attribute.String("http.request.method", r.Method),
		attribute.String("url.full", redactURL(r)),
		attribute.String("server.address", r.URL.Hostname()),
	}
	if p := r.URL.Port(); p != "" {
		if n, err := strconv.Atoi(p); err == nil {
			attrs = append(attrs, attribute.Int("server.port", n))
		}
	}
	ctx, s := t.Tracer.Start(r.Context(), r.Method,
		trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	defer s.End()
	r = r.Clone(ctx)
	if t.Propagate != nil && t.Propagate(r.URL.Host) {
		propagator.Inject(ctx, propagation.HeaderCarrier(r.Header))
	}
	resp, err := base.RoundTrip(r)
	if err != nil {
		s.RecordError(err)
		s.SetStatus(codes.Error, err.Error())
		s.SetAttributes(attribute.String("error.type", fmt.Sprintf("%T", err)))
		return nil, err
	}
	s.SetAttributes(attribute.Int("http.response.status_code", resp.StatusCode))
	if resp.StatusCode >= 500 {
		s.SetStatus(codes.Error, "")
		s.SetAttributes(attribute.String("error.type", strconv.Itoa(resp.StatusCode)))
	}
	return resp, nil
}

// redactURL drops user info from the URL so credentials never land in spans.
func redactURL(r *http.Request) string {
	if r.URL.User == nil {
		return r.URL.String()
	}
	u := *r.URL
	u.User = nil
	return u.String()
}
