package instrument

import (
	"context"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// ResourceTiming holds the fields of a PerformanceResourceTiming entry the
// resource span uses. Times are DOMHighResTimeStamps (ms since the time
// origin); 0 means not recorded (cross-origin without Timing-Allow-Origin,
// or a cache hit).
type ResourceTiming struct {
	URL             string // entry.name
	InitiatorType   string // img, script, link, css, fetch, xmlhttprequest, beacon, other, …
	ResponseStatus  int
	TransferSize    int64
	EncodedBodySize int64
	DecodedBodySize int64
	NextHopProtocol string // h2, http/1.1, …

	StartTime             float64
	RedirectStart         float64
	RedirectEnd           float64
	FetchStart            float64
	DomainLookupStart     float64
	DomainLookupEnd       float64
	ConnectStart          float64
	SecureConnectionStart float64
	ConnectEnd            float64
	RequestStart          float64
	ResponseStart         float64
	ResponseEnd           float64
}

// ResourceFilter decides which resource entries become spans.
type ResourceFilter struct {
	// Exclude are URL prefixes never recorded (the exporter's endpoint).
	Exclude []string
	// RequestsTraced is true when the fetch and XHR instrumentation is on:
	// entries with initiator type fetch or xmlhttprequest are then left
	// out, because those requests already have a client span (and every
	// request of Go's net/http, the exporter's too, is a fetch).
	RequestsTraced bool
}

// Keep reports whether e becomes a span.
func (f ResourceFilter) Keep(e ResourceTiming) bool {
	if e.URL == "" {
		return false
	}
	for _, p := range f.Exclude {
		if p != "" && strings.HasPrefix(e.URL, p) {
			return false
		}
	}
	if f.RequestsTraced && (e.InitiatorType == "fetch" || e.InitiatorType == "xmlhttprequest") {
		return false
	}
	return true
}

// resourceEvents are the timing phases recorded as span events, in order.
var resourceEvents = []struct {
	name string
	at   func(e ResourceTiming) float64
}{
	{"redirectStart", func(e ResourceTiming) float64 { return e.RedirectStart }},
	{"redirectEnd", func(e ResourceTiming) float64 { return e.RedirectEnd }},
	{"fetchStart", func(e ResourceTiming) float64 { return e.FetchStart }},
	{"domainLookupStart", func(e ResourceTiming) float64 { return e.DomainLookupStart }},
	{"domainLookupEnd", func(e ResourceTiming) float64 { return e.DomainLookupEnd }},
	{"connectStart", func(e ResourceTiming) float64 { return e.ConnectStart }},
	{"secureConnectionStart", func(e ResourceTiming) float64 { return e.SecureConnectionStart }},
	{"connectEnd", func(e ResourceTiming) float64 { return e.ConnectEnd }},
	{"requestStart", func(e ResourceTiming) float64 { return e.RequestStart }},
	{"responseStart", func(e ResourceTiming) float64 { return e.ResponseStart }},
	{"responseEnd", func(e ResourceTiming) float64 { return e.ResponseEnd }},
}

// ResourceAttributes returns the attributes of e's span: url.full (scrubbed),
// server.address, http.response.body.size (encodedBodySize),
// spanfall.resource.decoded_body_size, http.response.size (transferSize),
// spanfall.resource.initiator_type, network.protocol.name/version from
// nextHopProtocol, and http.response.status_code when the browser knows it.
func ResourceAttributes(p *Policy, e ResourceTiming) []attribute.KeyValue {
	_, req := RequestAttributes(p, Request{Method: "GET", URL: e.URL})
	attrs := []attribute.KeyValue{}
	for _, kv := range req {
		if kv.Key == "url.full" || kv.Key == "server.address" || kv.Key == "server.port" {
			attrs = append(attrs, kv)
		}
	}
	attrs = append(attrs,
		attribute.String("spanfall.resource.initiator_type", p.Cap(e.InitiatorType)),
		attribute.Int64("http.response.body.size", e.EncodedBodySize),
		attribute.Int64("spanfall.resource.decoded_body_size", e.DecodedBodySize),
		attribute.Int64("http.response.size", e.TransferSize),
	)
	if name, version, ok := protocol(e.NextHopProtocol); ok {
		attrs = append(attrs, attribute.String("network.protocol.name", name),
			attribute.String("network.protocol.version", version))
	}
	if e.ResponseStatus > 0 {
		attrs = append(attrs, attribute.Int("http.response.status_code", e.ResponseStatus))
	}
	return attrs
}

// protocol maps an ALPN id (nextHopProtocol) to semantic-convention
// network.protocol.name and version.
func protocol(alpn string) (name, version string, ok bool) {
	switch strings.ToLower(alpn) {
	case "http/1.0":
		return "http", "1.0", true
	case "http/1.1":
		return "http", "1.1", true
	case "h2", "h2c":
		return "http", "2", true
	case "h3":
		return "http", "3", true
	}
	return "", "", false
}

// RecordResource records e as a CLIENT span named "resourceFetch" (the
// name OpenTelemetry JS's document-load instrumentation uses) under parent,
// from startTime to responseEnd, with [ResourceAttributes] and one event per
// recorded timing phase. clock converts the entry's times to wall clock.
func RecordResource(parent context.Context, t trace.Tracer, p *Policy, clock NavigationClock, e ResourceTiming) trace.SpanContext {
	_, s := t.Start(parent, "resourceFetch",
		trace.WithSpanKind(trace.SpanKindClient),
		trace.WithTimestamp(clock.Time(e.StartTime)),
		trace.WithAttributes(ResourceAttributes(p, e)...),
	)
	for _, ev := range resourceEvents {
		if at := ev.at(e); at > 0 {
			s.AddEvent(ev.name, trace.WithTimestamp(clock.Time(at)))
		}
	}
	s.End(trace.WithTimestamp(clock.Time(max(e.ResponseEnd, e.StartTime))))
	return s.SpanContext()
}
