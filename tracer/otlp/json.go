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
// the spans' order within each group.
func MarshalJSON(spans []span.Span) ([]byte, error) {
	var req request
	byRes := make(map[string]*resourceSpans)
	byScope := make(map[[2]string]*scopeSpans)
	for i := range spans {
		s := &spans[i]
		var rid string
		var attrs []span.KeyValue
		if s.Resource != nil {
			rid, attrs = s.Resource.ID, s.Resource.Attributes
		}
		rs := byRes[rid]
		if rs == nil {
			if attrs == nil {
				attrs = []span.KeyValue{}
			}
			rs = &resourceSpans{Resource: resourceJSON{Attributes: attrs}}
			byRes[rid] = rs
			req.ResourceSpans = append(req.ResourceSpans, rs)
		}
		key := [2]string{rid, s.Scope.Name + "\x00" + s.Scope.Version}
		ss := byScope[key]
		if ss == nil {
			ss = &scopeSpans{Scope: s.Scope}
			byScope[key] = ss
			rs.ScopeSpans = append(rs.ScopeSpans, ss)
		}
		ss.Spans = append(ss.Spans, s)
	}
	if req.ResourceSpans == nil {
		req.ResourceSpans = []*resourceSpans{}
	}
	b, err := json.Marshal(&req)
	if err != nil {
		return nil, fmt.Errorf("otlp: encode %d spans: %w", len(spans), err)
	}
	return b, nil
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
