package otlp

import (
	"encoding/json"
	"fmt"
	"slices"

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
//
// The request is written by hand around [span.AppendJSON], byte for byte
// what json.Marshal writes for the request types above (a nil resource's
// attributes as []), without their reflection and its allocations.
func MarshalJSON(spans []span.Span) ([]byte, error) {
	const growMax = 16 << 20
	b := groupSpans(spans)
	out := append([]byte(nil), `{"resourceSpans":[`...)
	first := true
	for i, rg := range b.resources {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, `{"resource":{"attributes":`...)
		if rg.attrs == nil {
			out = append(out, "[]"...)
		} else {
			var err error
			if out, err = span.AppendKeyValuesJSON(out, rg.attrs); err != nil {
				return nil, fmt.Errorf("otlp: encode %d spans: resource: %w", len(spans), err)
			}
		}
		out = append(out, `},"scopeSpans":[`...)
		for j, sg := range b.scopes[rg.first:rg.end] {
			if j > 0 {
				out = append(out, ',')
			}
			out = append(out, `{"scope":`...)
			out = span.AppendScopeJSON(out, sg.scope)
			out = append(out, `,"spans":[`...)
			for k, ix := range b.order[sg.first:sg.end] {
				if k > 0 {
					out = append(out, ',')
				}
				n := len(out)
				var err error
				if out, err = span.AppendJSON(out, &spans[ix]); err != nil {
					return nil, fmt.Errorf("otlp: encode %d spans: span %q: %w", len(spans), spans[ix].Name, err)
				}
				if first {
					// Size the body from the first span rather than
					// doubling the buffer a dozen times for a batch, up
					// to growMax: a first span of megabytes must not
					// size a buffer for thousands like it.
					first = false
					out = slices.Grow(out, min((len(out)-n)*(len(spans)-1)*9/8, growMax)+256*len(b.scopes))
				}
			}
			out = append(out, "]}"...)
		}
		out = append(out, "]}"...)
	}
	return append(out, "]}"...), nil
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
