package otlp

import (
	"encoding/json"

	"github.com/spanfall/spanfall/tracer/span"
)

// SetGzip replaces e's gzipFunc, so that tests can make compression fail.
func SetGzip(e *Exporter, f func([]byte) ([]byte, error)) { e.gzip = f }

// MarshalJSONReflect is MarshalJSON as it was before the request was
// written by hand: json.Marshal of the request types. The tests compare
// MarshalJSON with it byte for byte.
func MarshalJSONReflect(spans []span.Span) ([]byte, error) {
	b := groupSpans(spans)
	req := request{ResourceSpans: make([]*resourceSpans, 0, len(b.resources))}
	ptrs := make([]*span.Span, len(b.order))
	for i, j := range b.order {
		ptrs[i] = &spans[j]
	}
	for _, rg := range b.resources {
		attrs := rg.attrs
		if attrs == nil {
			attrs = []span.KeyValue{}
		}
		rs := &resourceSpans{Resource: resourceJSON{Attributes: attrs}, ScopeSpans: make([]*scopeSpans, 0, rg.end-rg.first)}
		for _, sg := range b.scopes[rg.first:rg.end] {
			rs.ScopeSpans = append(rs.ScopeSpans, &scopeSpans{Scope: sg.scope, Spans: ptrs[sg.first:sg.end:sg.end]})
		}
		req.ResourceSpans = append(req.ResourceSpans, rs)
	}
	return json.Marshal(&req)
}
