package otlp

import (
	"errors"
	"fmt"
	"math"

	"github.com/spanfall/spanfall/tracer/span"
)

// ErrInvalidID is wrapped by [MarshalProto] when a trace or span id is
// neither empty nor hex of its OTLP length (32 digits for a trace id, 16
// for a span id): binary ids cannot carry anything else.
var ErrInvalidID = errors.New("invalid id")

// Tags (field number << 3 | wire type) of
// opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest and the
// messages it nests. All fit in one byte but Span.flags (field 16).
const (
	tagRequestResourceSpans = 1<<3 | wireBytes

	tagResourceSpansResource   = 1<<3 | wireBytes
	tagResourceSpansScopeSpans = 2<<3 | wireBytes
	tagResourceAttributes      = 1<<3 | wireBytes

	tagScopeSpansScope = 1<<3 | wireBytes
	tagScopeSpansSpans = 2<<3 | wireBytes
	tagScopeName       = 1<<3 | wireBytes
	tagScopeVersion    = 2<<3 | wireBytes

	tagSpanTraceID           = 1<<3 | wireBytes
	tagSpanSpanID            = 2<<3 | wireBytes
	tagSpanTraceState        = 3<<3 | wireBytes
	tagSpanParentSpanID      = 4<<3 | wireBytes
	tagSpanName              = 5<<3 | wireBytes
	tagSpanKind              = 6<<3 | wireVarint
	tagSpanStartTime         = 7<<3 | wireFixed64
	tagSpanEndTime           = 8<<3 | wireFixed64
	tagSpanAttributes        = 9<<3 | wireBytes
	tagSpanDroppedAttributes = 10<<3 | wireVarint
	tagSpanEvents            = 11<<3 | wireBytes
	tagSpanDroppedEvents     = 12<<3 | wireVarint
	tagSpanLinks             = 13<<3 | wireBytes
	tagSpanDroppedLinks      = 14<<3 | wireVarint
	tagSpanStatus            = 15<<3 | wireBytes
	tagSpanFlags             = 16<<3 | wireFixed32 // two bytes as a varint

	tagEventTime       = 1<<3 | wireFixed64
	tagEventName       = 2<<3 | wireBytes
	tagEventAttributes = 3<<3 | wireBytes

	tagLinkTraceID    = 1<<3 | wireBytes
	tagLinkSpanID     = 2<<3 | wireBytes
	tagLinkTraceState = 3<<3 | wireBytes
	tagLinkAttributes = 4<<3 | wireBytes

	tagStatusMessage = 2<<3 | wireBytes
	tagStatusCode    = 3<<3 | wireVarint

	tagKeyValueKey   = 1<<3 | wireBytes
	tagKeyValueValue = 2<<3 | wireBytes

	tagAnyString = 1<<3 | wireBytes
	tagAnyBool   = 2<<3 | wireVarint
	tagAnyInt    = 3<<3 | wireVarint
	tagAnyDouble = 4<<3 | wireFixed64
	tagAnyArray  = 5<<3 | wireBytes

	tagArrayValues = 1<<3 | wireBytes
)

const (
	traceIDHex = 32
	spanIDHex  = 16
)

// MarshalProto encodes spans as one binary protobuf
// opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest (the
// OTLP/HTTP application/x-protobuf body), grouped exactly as [MarshalJSON]
// groups them. It carries the same content as MarshalJSON: ids are decoded
// from hex (an empty id is left out; any other id that is not hex of the
// OTLP length fails with [ErrInvalidID]), zero proto3 fields are left out,
// and invalid UTF-8 in strings becomes U+FFFD as in JSON. Unlike
// MarshalJSON it accepts NaN and infinite doubles.
//
// It sizes every span first, then writes into one buffer of the exact
// length, back-patching the lengths of the small messages inside a span
// (attributes, events, links): a few allocations, none per span.
func MarshalProto(spans []span.Span) ([]byte, error) {
	b := groupSpans(spans)
	total := 0
	for ri := range b.resources {
		rg := &b.resources[ri]
		n := 1 + sizeLen(sizeAttrs(rg.attrs))
		for si := rg.first; si < rg.end; si++ {
			sg := &b.scopes[si]
			m := 1 + sizeLen(sizeScope(sg.scope))
			for _, i := range b.order[sg.first:sg.end] {
				sz, err := sizeSpan(&spans[i])
				if err != nil {
					return nil, fmt.Errorf("otlp: encode span %d %q: %w", i, spans[i].Name, err)
				}
				b.scratch[i] = sz
				m += 1 + sizeLen(sz)
			}
			sg.size = m
			n += 1 + sizeLen(m)
		}
		rg.size = n
		total += 1 + sizeLen(n)
	}

	out := make([]byte, 0, total)
	for _, rg := range b.resources {
		out = appendLen(out, tagRequestResourceSpans, rg.size)
		out = appendLen(out, tagResourceSpansResource, sizeAttrs(rg.attrs))
		out = appendAttrs(out, tagResourceAttributes, rg.attrs)
		for _, sg := range b.scopes[rg.first:rg.end] {
			out = appendLen(out, tagResourceSpansScopeSpans, sg.size)
			out = appendLen(out, tagScopeSpansScope, sizeScope(sg.scope))
			out = appendStrField(out, tagScopeName, sg.scope.Name)
			out = appendStrField(out, tagScopeVersion, sg.scope.Version)
			for _, i := range b.order[sg.first:sg.end] {
				out = appendLen(out, tagScopeSpansSpans, b.scratch[i])
				out = appendSpan(out, &spans[i])
			}
		}
	}
	if len(out) != total {
		// Unreachable unless a span changed while it was being encoded.
		return nil, fmt.Errorf("otlp: encode %d spans: wrote %d bytes, sized %d", len(spans), len(out), total)
	}
	return out, nil
}

func sizeScope(s span.Scope) int { return sizeStrField(s.Name) + sizeStrField(s.Version) }

// sizeID checks id and returns the size of its bytes field (0 when empty).
func sizeID(what, id string, digits int) (int, error) {
	if id == "" {
		return 0, nil
	}
	if !validHex(id, digits) {
		return 0, fmt.Errorf("%s %q: %w: want %d hex digits", what, id, ErrInvalidID, digits)
	}
	return 2 + digits/2, nil
}

func appendIDField(b []byte, tag byte, id string) []byte {
	if id == "" {
		return b
	}
	return appendHex(appendLen(b, tag, len(id)/2), id)
}

func sizeUintField(v uint64) int {
	if v == 0 {
		return 0
	}
	return 1 + sizeVarint(v)
}

func appendUintField(b []byte, tag byte, v uint64) []byte {
	if v == 0 {
		return b
	}
	return appendVarint(append(b, tag), v)
}

func sizeFixed64Field(v uint64) int {
	if v == 0 {
		return 0
	}
	return 9
}

func appendFixed64Field(b []byte, tag byte, v uint64) []byte {
	if v == 0 {
		return b
	}
	return appendFixed64(append(b, tag), v)
}

// sizeSpan returns the size of the Span message, checking its ids.
func sizeSpan(s *span.Span) (int, error) {
	n, err := sizeID("trace id", s.TraceID, traceIDHex)
	if err != nil {
		return 0, err
	}
	m, err := sizeID("span id", s.SpanID, spanIDHex)
	if err != nil {
		return 0, err
	}
	n += m
	if m, err = sizeID("parent span id", s.ParentSpanID, spanIDHex); err != nil {
		return 0, err
	}
	n += m
	n += sizeStrField(s.TraceState) + sizeStrField(s.Name)
	n += sizeUintField(uint64(int64(s.Kind)))
	n += sizeFixed64Field(s.StartTimeUnixNano) + sizeFixed64Field(s.EndTimeUnixNano)
	n += sizeAttrs(s.Attributes)
	n += sizeUintField(uint64(s.DroppedAttributesCount))
	for i := range s.Events {
		n += 1 + sizeLen(sizeEvent(&s.Events[i]))
	}
	n += sizeUintField(uint64(s.DroppedEventsCount))
	for i := range s.Links {
		l, err := sizeLink(&s.Links[i])
		if err != nil {
			return 0, fmt.Errorf("link %d: %w", i, err)
		}
		n += 1 + sizeLen(l)
	}
	n += sizeUintField(uint64(s.DroppedLinksCount))
	if st := sizeStatus(s.Status); st > 0 {
		n += 1 + sizeLen(st)
	}
	if s.Flags != 0 {
		n += 2 + 4
	}
	return n, nil
}

// appendSpan appends the Span message that sizeSpan sized and checked.
// Its nested messages are back-patched (see beginMsg) rather than sized
// again.
func appendSpan(b []byte, s *span.Span) []byte {
	b = appendIDField(b, tagSpanTraceID, s.TraceID)
	b = appendIDField(b, tagSpanSpanID, s.SpanID)
	b = appendStrField(b, tagSpanTraceState, s.TraceState)
	b = appendIDField(b, tagSpanParentSpanID, s.ParentSpanID)
	b = appendStrField(b, tagSpanName, s.Name)
	b = appendUintField(b, tagSpanKind, uint64(int64(s.Kind)))
	b = appendFixed64Field(b, tagSpanStartTime, s.StartTimeUnixNano)
	b = appendFixed64Field(b, tagSpanEndTime, s.EndTimeUnixNano)
	b = appendAttrs(b, tagSpanAttributes, s.Attributes)
	b = appendUintField(b, tagSpanDroppedAttributes, uint64(s.DroppedAttributesCount))
	for i := range s.Events {
		e := &s.Events[i]
		var start int
		b, start = beginMsg(b, tagSpanEvents)
		b = appendFixed64Field(b, tagEventTime, e.TimeUnixNano)
		b = appendStrField(b, tagEventName, e.Name)
		b = appendAttrs(b, tagEventAttributes, e.Attributes)
		b = endMsg(b, start)
	}
	b = appendUintField(b, tagSpanDroppedEvents, uint64(s.DroppedEventsCount))
	for i := range s.Links {
		l := &s.Links[i]
		var start int
		b, start = beginMsg(b, tagSpanLinks)
		b = appendIDField(b, tagLinkTraceID, l.TraceID)
		b = appendIDField(b, tagLinkSpanID, l.SpanID)
		b = appendStrField(b, tagLinkTraceState, l.TraceState)
		b = appendAttrs(b, tagLinkAttributes, l.Attributes)
		b = endMsg(b, start)
	}
	b = appendUintField(b, tagSpanDroppedLinks, uint64(s.DroppedLinksCount))
	if s.Status.Code != 0 || s.Status.Message != "" {
		var start int
		b, start = beginMsg(b, tagSpanStatus)
		b = appendStrField(b, tagStatusMessage, s.Status.Message)
		b = appendUintField(b, tagStatusCode, uint64(int64(s.Status.Code)))
		b = endMsg(b, start)
	}
	if s.Flags != 0 {
		b = append(b, tagSpanFlags|0x80, tagSpanFlags>>7)
		b = appendFixed32(b, s.Flags)
	}
	return b
}

func sizeEvent(e *span.Event) int {
	return sizeFixed64Field(e.TimeUnixNano) + sizeStrField(e.Name) + sizeAttrs(e.Attributes)
}

func sizeLink(l *span.Link) (int, error) {
	n, err := sizeID("trace id", l.TraceID, traceIDHex)
	if err != nil {
		return 0, err
	}
	m, err := sizeID("span id", l.SpanID, spanIDHex)
	if err != nil {
		return 0, err
	}
	return n + m + sizeStrField(l.TraceState) + sizeAttrs(l.Attributes), nil
}

// sizeStatus is 0 for the zero status, which is left out.
func sizeStatus(s span.Status) int {
	return sizeStrField(s.Message) + sizeUintField(uint64(int64(s.Code)))
}

// sizeAttrs is the size of a repeated KeyValue field, tags included.
func sizeAttrs(kvs []span.KeyValue) int {
	n := 0
	for i := range kvs {
		n += 1 + sizeLen(sizeKeyValue(&kvs[i]))
	}
	return n
}

func appendAttrs(b []byte, tag byte, kvs []span.KeyValue) []byte {
	for i := range kvs {
		kv := &kvs[i]
		var start, vstart int
		b, start = beginMsg(b, tag)
		b = appendStrField(b, tagKeyValueKey, kv.Key)
		b, vstart = beginMsg(b, tagKeyValueValue)
		b = appendValue(b, &kv.Value)
		b = endMsg(b, vstart)
		b = endMsg(b, start)
	}
	return b
}

// sizeKeyValue always counts the value field: MarshalJSON always writes
// "value", an empty AnyValue for TypeEmpty.
func sizeKeyValue(kv *span.KeyValue) int {
	return sizeStrField(kv.Key) + 1 + sizeLen(sizeValue(&kv.Value))
}

// sizeValue is the size of the AnyValue message. Its oneof field is written
// even when zero ("", false, 0), since setting it is what gives the type.
func sizeValue(v *span.Value) int {
	switch v.Type {
	case span.TypeString:
		return 1 + sizeLen(sizeStr(v.Str))
	case span.TypeBool:
		return 2
	case span.TypeInt:
		return 1 + sizeVarint(uint64(v.Int))
	case span.TypeDouble:
		return 9
	case span.TypeArray:
		return 1 + sizeLen(sizeArray(v.Array))
	}
	return 0
}

func sizeArray(vals []span.Value) int {
	n := 0
	for i := range vals {
		n += 1 + sizeLen(sizeValue(&vals[i]))
	}
	return n
}

func appendValue(b []byte, v *span.Value) []byte {
	switch v.Type {
	case span.TypeString:
		return appendStr(b, tagAnyString, v.Str)
	case span.TypeBool:
		if v.Bool {
			return append(b, tagAnyBool, 1)
		}
		return append(b, tagAnyBool, 0)
	case span.TypeInt:
		return appendVarint(append(b, tagAnyInt), uint64(v.Int))
	case span.TypeDouble:
		return appendFixed64(append(b, tagAnyDouble), math.Float64bits(v.Float))
	case span.TypeArray:
		var start int
		b, start = beginMsg(b, tagAnyArray)
		for i := range v.Array {
			var vstart int
			b, vstart = beginMsg(b, tagArrayValues)
			b = appendValue(b, &v.Array[i])
			b = endMsg(b, vstart)
		}
		b = endMsg(b, start)
	}
	return b
}
