package viewer

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

// Field is one key and its value as displayed.
type Field struct {
	Key, Value string
	// Type names the value's type ("string", "int", "double", "bool",
	// "array").
	Type string
}

// EventDetail is a span event as the detail pane shows it.
type EventDetail struct {
	Name string
	// At is the event's time from the span's start ("+1.2ms").
	At         string
	Attributes []Field
}

// LinkDetail is a span link as the detail pane shows it.
type LinkDetail struct {
	TraceID, SpanID, TraceState string
	Attributes                  []Field
}

// Detail is everything the detail pane shows of one span, as text.
type Detail struct {
	Name, Kind                    string
	Status, StatusMessage         string
	TraceID, SpanID, ParentSpanID string
	// Start is the span's start from the trace's ("+12.3ms"), Duration
	// its length or "unfinished".
	Start, Duration string
	Exported        bool
	Attributes      []Field
	Resource        []Field
	// Scope is the instrumentation scope, "name version".
	Scope  string
	Events []EventDetail
	Links  []LinkDetail
	// Dropped says what the SDK dropped ("2 attributes, 1 event"), "" for
	// nothing.
	Dropped string
}

// DetailOf describes the record of a trace that starts at traceStart
// (Unix ns).
func DetailOf(rec cache.Record, traceStart uint64) Detail {
	s := &rec.Span
	d := Detail{
		Name:          s.Name,
		Kind:          s.Kind.String(),
		Status:        statusName(s.Status.Code),
		StatusMessage: s.Status.Message,
		TraceID:       s.TraceID,
		SpanID:        s.SpanID,
		ParentSpanID:  s.ParentSpanID,
		Start:         "+" + FormatDuration(sub(s.StartTimeUnixNano, traceStart)),
		Duration:      FormatDuration(s.Duration()),
		Exported:      rec.Exported,
		Attributes:    fields(s.Attributes),
		Scope:         strings.TrimSpace(s.Scope.Name + " " + s.Scope.Version),
	}
	if s.EndTimeUnixNano == 0 {
		d.Duration = "unfinished"
	}
	if s.Resource != nil {
		d.Resource = fields(s.Resource.Attributes)
	}
	for _, e := range s.Events {
		d.Events = append(d.Events, EventDetail{
			Name:       e.Name,
			At:         "+" + FormatDuration(sub(e.TimeUnixNano, s.StartTimeUnixNano)),
			Attributes: fields(e.Attributes),
		})
	}
	for _, l := range s.Links {
		d.Links = append(d.Links, LinkDetail{
			TraceID: l.TraceID, SpanID: l.SpanID, TraceState: l.TraceState,
			Attributes: fields(l.Attributes),
		})
	}
	var dropped []string
	for _, c := range []struct {
		n    uint32
		what string
	}{
		{s.DroppedAttributesCount, "attribute"},
		{s.DroppedEventsCount, "event"},
		{s.DroppedLinksCount, "link"},
	} {
		if c.n > 0 {
			dropped = append(dropped, plural(int(c.n), c.what))
		}
	}
	d.Dropped = strings.Join(dropped, ", ")
	return d
}

// sub returns a-b, 0 when b is after a.
func sub(a, b uint64) uint64 {
	if a < b {
		return 0
	}
	return a - b
}

func statusName(c span.StatusCode) string {
	switch c {
	case span.StatusOK:
		return "ok"
	case span.StatusError:
		return "error"
	}
	return "unset"
}

func typeName(t span.ValueType) string {
	switch t {
	case span.TypeString:
		return "string"
	case span.TypeBool:
		return "bool"
	case span.TypeInt:
		return "int"
	case span.TypeDouble:
		return "double"
	case span.TypeArray:
		return "array"
	}
	return "empty"
}

func fields(kvs []span.KeyValue) []Field {
	if len(kvs) == 0 {
		return nil
	}
	out := make([]Field, len(kvs))
	for i, kv := range kvs {
		out[i] = Field{Key: kv.Key, Value: kv.Value.AsString(), Type: typeName(kv.Value.Type)}
	}
	return out
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// SpanJSON returns the record's span as an indented OTLP/JSON
// ExportTraceServiceRequest holding only it, with its resource and scope:
// what a collector's /v1/traces accepts, and what "copy as JSON" copies.
func SpanJSON(rec cache.Record) (string, error) {
	type scope struct {
		Name    string `json:"name"`
		Version string `json:"version,omitempty"`
	}
	type scopeSpans struct {
		Scope scope       `json:"scope"`
		Spans []span.Span `json:"spans"`
	}
	type resource struct {
		Attributes []span.KeyValue `json:"attributes"`
	}
	type resourceSpans struct {
		Resource   resource     `json:"resource"`
		ScopeSpans []scopeSpans `json:"scopeSpans"`
	}
	res := resource{Attributes: []span.KeyValue{}}
	if rec.Span.Resource != nil && rec.Span.Resource.Attributes != nil {
		res.Attributes = rec.Span.Resource.Attributes
	}
	req := struct {
		ResourceSpans []resourceSpans `json:"resourceSpans"`
	}{[]resourceSpans{{
		Resource: res,
		ScopeSpans: []scopeSpans{{
			Scope: scope{rec.Span.Scope.Name, rec.Span.Scope.Version},
			Spans: []span.Span{rec.Span},
		}},
	}}}
	b, err := json.MarshalIndent(req, "", "  ")
	if err != nil {
		return "", fmt.Errorf("viewer: span %s as JSON: %w", rec.Span.SpanID, err)
	}
	return string(b), nil
}

// Truncate returns s cut to at most n runes with an ellipsis, and whether
// it cut anything. It never splits a rune; n below 1 counts as 1.
func Truncate(s string, n int) (string, bool) {
	n = max(n, 1)
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s, false
	}
	i, k := 0, 0
	for i = range s {
		if k == n-1 {
			break
		}
		k++
	}
	return s[:i] + "…", true
}
