package tracer

import (
	"fmt"
	"net/http"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/spanfall/spanfall/tracer/instrument"
)

// Transport is an http.RoundTripper that records a client span per request
// with the HTTP semantic-convention attributes and injects W3C traceparent
// and tracestate into requests whose origin is allowed. In the browser
// net/http is fetch, so this traces the wasm's own Go requests (the page's
// fetch wrapper never traces a request made from Go a second time).
type Transport struct {
	// Base does the request. Default: http.DefaultTransport.
	Base http.RoundTripper
	// Tracer records the spans.
	Tracer trace.Tracer
	// Policy scrubs the recorded URL (credentials, query values, length)
	// and says which origins get trace headers (its PageOrigin and
	// PropagateOrigins), as for the page's fetch and XHR spans. nil: the
	// zero instrument.Policy (every query value redacted, no origin).
	Policy *instrument.Policy
	// Propagate reports whether trace headers may also be sent to a
	// request's host ("host:port"). Default: never. Sending them
	// cross-origin causes a CORS preflight the other server may refuse.
	Propagate func(host string) bool
}

var propagator = propagation.TraceContext{}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	ctx, s, h := instrument.StartRequest(r.Context(), t.Tracer, t.Policy,
		instrument.Request{API: "go", Method: r.Method, URL: r.URL.String()})
	r = r.Clone(ctx)
	switch {
	case h != nil:
		for k, v := range h {
			r.Header.Set(k, v)
		}
	case t.Propagate != nil && t.Propagate(r.URL.Host):
		propagator.Inject(ctx, propagation.HeaderCarrier(r.Header))
	}
	resp, err := base.RoundTrip(r)
	if err != nil {
		s.RecordError(err)
		instrument.EndRequest(s, t.Policy, instrument.Response{Err: err.Error(), ErrType: fmt.Sprintf("%T", err)})
		return nil, err
	}
	instrument.EndRequest(s, t.Policy, instrument.Response{Status: resp.StatusCode})
	return resp, nil
}
