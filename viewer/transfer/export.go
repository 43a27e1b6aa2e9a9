package transfer

import (
	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/otlp"
	"github.com/spanfall/spanfall/tracer/span"
)

// OTLPJSON encodes spans as one OTLP JSON ExportTraceServiceRequest,
// grouped by resource and scope, as the collector's OTLP/HTTP receiver
// takes it at /v1/traces and [Decode] reads it back.
func OTLPJSON(spans []span.Span) ([]byte, error) {
	// The encoder groups by Resource.ID: give every resource its id, so
	// that distinct resources stay distinct.
	c := make([]span.Span, len(spans))
	copy(c, spans)
	for i := range c {
		if r := c[i].Resource; r != nil && r.ID == "" {
			c[i].Resource = &span.Resource{ID: cache.ResourceID(r), Attributes: r.Attributes}
		}
	}
	return otlp.MarshalJSON(c)
}
