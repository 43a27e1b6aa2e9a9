package span

import (
	"encoding/hex"
	"errors"
	"fmt"
)

// Kind is the OTLP span kind (SPAN_KIND_*).
type Kind int

// Span kinds, numbered as in OTLP.
const (
	KindUnspecified Kind = 0
	KindInternal    Kind = 1
	KindServer      Kind = 2
	KindClient      Kind = 3
	KindProducer    Kind = 4
	KindConsumer    Kind = 5
)

// String returns the lower-case name of the kind ("internal", "client", …).
func (k Kind) String() string {
	switch k {
	case KindInternal:
		return "internal"
	case KindServer:
		return "server"
	case KindClient:
		return "client"
	case KindProducer:
		return "producer"
	case KindConsumer:
		return "consumer"
	}
	return "unspecified"
}

// StatusCode is the OTLP status code.
type StatusCode int

// Status codes, numbered as in OTLP.
const (
	StatusUnset StatusCode = 0
	StatusOK    StatusCode = 1
	StatusError StatusCode = 2
)

// Status is the OTLP span status.
type Status struct {
	Code    StatusCode `json:"code,omitempty"`
	Message string     `json:"message,omitempty"`
}

// Event is a timed annotation on a span.
type Event struct {
	TimeUnixNano uint64     `json:"timeUnixNano,string"`
	Name         string     `json:"name"`
	Attributes   []KeyValue `json:"attributes,omitempty"`
}

// Link points from a span to another span context.
type Link struct {
	TraceID    string     `json:"traceId"`
	SpanID     string     `json:"spanId"`
	TraceState string     `json:"traceState,omitempty"`
	Attributes []KeyValue `json:"attributes,omitempty"`
}

// Scope is the instrumentation scope that recorded a span.
type Scope struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// Resource describes the entity that produced a span (the browser tab, the
// app). ID is a stable digest of the attributes so that stores and exporters
// can keep one copy per distinct resource; it is not part of OTLP.
type Resource struct {
	ID         string     `json:"-"`
	Attributes []KeyValue `json:"attributes"`
}

// Span is one ended span. The JSON tags give the OTLP JSON encoding of
// opentelemetry.proto.trace.v1.Span; Resource and Scope are carried beside it
// (the OTLP request groups spans by them) and are not encoded with the span.
type Span struct {
	TraceID                string     `json:"traceId"`
	SpanID                 string     `json:"spanId"`
	TraceState             string     `json:"traceState,omitempty"`
	ParentSpanID           string     `json:"parentSpanId,omitempty"`
	Flags                  uint32     `json:"flags,omitempty"`
	Name                   string     `json:"name"`
	Kind                   Kind       `json:"kind"`
	StartTimeUnixNano      uint64     `json:"startTimeUnixNano,string"`
	EndTimeUnixNano        uint64     `json:"endTimeUnixNano,string"`
	Attributes             []KeyValue `json:"attributes,omitempty"`
	DroppedAttributesCount uint32     `json:"droppedAttributesCount,omitempty"`
	Events                 []Event    `json:"events,omitempty"`
	DroppedEventsCount     uint32     `json:"droppedEventsCount,omitempty"`
	Links                  []Link     `json:"links,omitempty"`
	DroppedLinksCount      uint32     `json:"droppedLinksCount,omitempty"`
	Status                 Status     `json:"status"`

	Resource *Resource `json:"-"`
	Scope    Scope     `json:"-"`
}

// Duration returns the span's length in nanoseconds (0 when the end precedes
// the start).
func (s *Span) Duration() uint64 {
	if s.EndTimeUnixNano < s.StartTimeUnixNano {
		return 0
	}
	return s.EndTimeUnixNano - s.StartTimeUnixNano
}

// IsRoot reports whether the span has no parent.
func (s *Span) IsRoot() bool { return s.ParentSpanID == "" }

// Attr returns the attribute named key and whether it is present.
func (s *Span) Attr(key string) (Value, bool) {
	for _, kv := range s.Attributes {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return Value{}, false
}

// Errors reported by [Span.Validate].
var (
	ErrTraceID = errors.New("trace id must be 32 lower-case hex characters, not all zero")
	ErrSpanID  = errors.New("span id must be 16 lower-case hex characters, not all zero")
)

// Validate checks the ids the way a strict OTLP receiver would, and more:
// an all-zero trace id is accepted by the collector but is still a bug.
func (s *Span) Validate() error {
	if !validID(s.TraceID, 32) {
		return fmt.Errorf("span %q: %w: %q", s.Name, ErrTraceID, s.TraceID)
	}
	if !validID(s.SpanID, 16) {
		return fmt.Errorf("span %q: %w: %q", s.Name, ErrSpanID, s.SpanID)
	}
	if s.ParentSpanID != "" && !validID(s.ParentSpanID, 16) {
		return fmt.Errorf("span %q: parent %w: %q", s.Name, ErrSpanID, s.ParentSpanID)
	}
	return nil
}

func validID(id string, n int) bool {
	if len(id) != n {
		return false
	}
	zero := true
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c == '0':
		case c >= '1' && c <= '9', c >= 'a' && c <= 'f':
			zero = false
		default:
			return false
		}
	}
	return !zero
}

// HexID encodes raw id bytes as lower-case hex, the OTLP JSON form.
func HexID(b []byte) string { return hex.EncodeToString(b) }
