package tracer

import (
	"encoding/hex"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/engine"
	"github.com/spanfall/spanfall/tracer/span"
)

// converter turns SDK spans into span.Span values. It converts each
// distinct *resource.Resource once and shares the result.
type converter struct {
	mu        sync.Mutex
	resources map[*resource.Resource]*span.Resource
}

func newConverter() *converter {
	return &converter{resources: make(map[*resource.Resource]*span.Resource)}
}

// Convert returns the plain value of an ended SDK span.
func (c *converter) Convert(s sdktrace.ReadOnlySpan) span.Span {
	sc := s.SpanContext()
	out := span.Span{
		TraceID:                hexTraceID(sc.TraceID()),
		SpanID:                 hexSpanID(sc.SpanID()),
		TraceState:             sc.TraceState().String(),
		Flags:                  uint32(sc.TraceFlags()),
		Name:                   s.Name(),
		Kind:                   convertKind(s.SpanKind()),
		StartTimeUnixNano:      unixNano(s.StartTime().UnixNano()),
		EndTimeUnixNano:        unixNano(s.EndTime().UnixNano()),
		Attributes:             convertAttrs(s.Attributes()),
		DroppedAttributesCount: uint32(s.DroppedAttributes()),
		DroppedEventsCount:     uint32(s.DroppedEvents()),
		DroppedLinksCount:      uint32(s.DroppedLinks()),
		Status:                 convertStatus(s.Status()),
		Resource:               c.resource(s.Resource()),
		Scope:                  span.Scope{Name: s.InstrumentationScope().Name, Version: s.InstrumentationScope().Version},
	}
	if p := s.Parent(); p.SpanID().IsValid() {
		out.ParentSpanID = hexSpanID(p.SpanID())
		if p.IsRemote() {
			// SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK | _IS_REMOTE_MASK: the
			// span is its trace's local root (tracer/sampling uses it).
			out.Flags |= 0x300
		}
	}
	if evs := s.Events(); len(evs) > 0 {
		out.Events = make([]span.Event, len(evs))
		for i, e := range evs {
			out.Events[i] = span.Event{
				TimeUnixNano: unixNano(e.Time.UnixNano()),
				Name:         e.Name,
				Attributes:   convertAttrs(e.Attributes),
			}
		}
	}
	if ls := s.Links(); len(ls) > 0 {
		out.Links = make([]span.Link, len(ls))
		for i, l := range ls {
			out.Links[i] = span.Link{
				TraceID:    hexTraceID(l.SpanContext.TraceID()),
				SpanID:     hexSpanID(l.SpanContext.SpanID()),
				TraceState: l.SpanContext.TraceState().String(),
				Attributes: convertAttrs(l.Attributes),
			}
		}
	}
	return out
}

func (c *converter) resource(r *resource.Resource) *span.Resource {
	c.mu.Lock()
	defer c.mu.Unlock()
	if res, ok := c.resources[r]; ok {
		return res
	}
	res := ConvertResource(r)
	c.resources[r] = res
	return res
}

// ConvertResource returns the plain value of an SDK resource, with its ID
// set to the store's digest of its attributes.
func ConvertResource(r *resource.Resource) *span.Resource {
	res := &span.Resource{Attributes: convertAttrs(r.Attributes())}
	res.ID = cache.ResourceID(res)
	return res
}

func unixNano(n int64) uint64 {
	if n < 0 {
		return 0
	}
	return uint64(n)
}

func hexTraceID(id trace.TraceID) string {
	var b [32]byte
	hex.Encode(b[:], id[:])
	return string(b[:])
}

func hexSpanID(id trace.SpanID) string {
	var b [16]byte
	hex.Encode(b[:], id[:])
	return string(b[:])
}

func convertKind(k trace.SpanKind) span.Kind { return engine.ConvertKind(k) }

func convertStatus(s sdktrace.Status) span.Status {
	switch s.Code {
	case codes.Error:
		return span.Status{Code: span.StatusError, Message: s.Description}
	case codes.Ok:
		return span.Status{Code: span.StatusOK}
	}
	return span.Status{}
}

func convertAttrs(kvs []attribute.KeyValue) []span.KeyValue { return engine.ConvertAttrs(kvs) }
