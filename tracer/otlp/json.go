package otlp

import (
	"encoding/json"
	"fmt"

	"github.com/spanfall/spanfall/tracer/span"
)

type request struct {
	ResourceSpans []*resourceSpans `json:"resourceSpans"`
}

type resourceSpans struct {
	Resource   resourceJSON  `json:"resource"`
	ScopeSpans []*scopeSpans `json:"scopeSpans"`
}

type resourceJSON struct {
	Attributes []span.KeyValue `json:"attributes"`
}

type scopeSpans struct {
	Scope span.Scope   `json:"scope"`
	Spans []*span.Span `json:"spans"`
}

// MarshalJSON encodes spans as one OTLP JSON ExportTraceServiceRequest,
// grouped by resource (by Resource.ID) and instrumentation scope, keeping
// the spans' order within each group. [MarshalProto] groups alike.
func MarshalJSON(spans []span.Span) ([]byte, error) {
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
	out, err := json.Marshal(&req)
	if err != nil {
		return nil, fmt.Errorf("otlp: encode %d spans: %w", len(spans), err)
	}
	return out, nil
}

// UnmarshalJSON decodes an OTLP JSON ExportTraceServiceRequest into spans,
// each with its Resource (ID computed by resourceID) and Scope set. It
// rejects ids that [span.Span.Validate] rejects.
func UnmarshalJSON(b []byte, resourceID func([]span.KeyValue) string) ([]span.Span, error) {
	var req request
	if err := json.Unmarshal(b, &req); err != nil {
		return nil, fmt.Errorf("otlp: decode request: %w", err)
	}
	var out []span.Span
	for _, rs := range req.ResourceSpans {
		if rs == nil {
			continue
		}
		res := &span.Resource{Attributes: rs.Resource.Attributes}
		if resourceID != nil {
			res.ID = resourceID(res.Attributes)
		}
		for _, ss := range rs.ScopeSpans {
			if ss == nil {
				continue
			}
			for _, s := range ss.Spans {
				if s == nil {
					continue
				}
				v := *s
				v.Resource, v.Scope = res, ss.Scope
				if err := v.Validate(); err != nil {
					return nil, fmt.Errorf("otlp: decode request: %w", err)
				}
				out = append(out, v)
			}
		}
	}
	return out, nil
}
