package cachetest

import (
	"fmt"
	"math"

	"github.com/spanfall/spanfall/tracer/span"
)

// traceID returns the n-th test trace id (n > 0).
func traceID(n int) string { return fmt.Sprintf("%032x", n) }

// spanID returns the n-th test span id (n > 0).
func spanID(n int) string { return fmt.Sprintf("%016x", n) }

// base is a realistic start time, beyond float64's exact integer range.
const base uint64 = 1_700_000_000_123_456_789

func browserResource() *span.Resource {
	return &span.Resource{ID: "res-browser", Attributes: []span.KeyValue{
		span.String("service.name", "shop"),
		span.String("telemetry.sdk.language", "go"),
		span.Int("browser.mobile", 0),
	}}
}

func workerResource() *span.Resource {
	return &span.Resource{ID: "res-worker", Attributes: []span.KeyValue{
		span.String("service.name", "shop-worker"),
		span.Bool("worker", true),
	}}
}

// plain returns a minimal valid span of trace tr with span id id, parent
// parent (0 for none), starting at base+start and lasting dur.
func plain(tr, id, parent int, name string, start, dur uint64) span.Span {
	s := span.Span{
		TraceID:           traceID(tr),
		SpanID:            spanID(id),
		Name:              name,
		Kind:              span.KindInternal,
		StartTimeUnixNano: base + start,
		EndTimeUnixNano:   base + start + dur,
		Resource:          browserResource(),
		Scope:             span.Scope{Name: "spanfall/test"},
	}
	if parent != 0 {
		s.ParentSpanID = spanID(parent)
	}
	return s
}

// arr builds an array value.
func arr(vs ...span.Value) span.Value { return span.Value{Type: span.TypeArray, Array: vs} }

// everyValue returns attributes of every value type, with edge values.
func everyValue() []span.KeyValue {
	return []span.KeyValue{
		span.String("str", "héllo \"quoted\" \\ \u2028 <tag> & \U0001F389 \x00 end"),
		span.String("empty.str", ""),
		span.Bool("true", true),
		span.Bool("false", false),
		span.Int("int", -42),
		span.Int("int.max", math.MaxInt64),
		span.Int("int.min", math.MinInt64),
		span.Int("int.zero", 0),
		span.Float("float", 3.141592653589793),
		span.Float("float.tiny", math.SmallestNonzeroFloat64),
		span.Float("float.max", math.MaxFloat64),
		span.Float("float.neg", -1.5e300),
		span.Float("float.zero", 0),
		span.Float("float.whole", 2),
		{Key: "arr.str", Value: arr(span.Value{Type: span.TypeString, Str: "a"}, span.Value{Type: span.TypeString, Str: ""})},
		{Key: "arr.int", Value: arr(span.Value{Type: span.TypeInt, Int: math.MaxInt64}, span.Value{Type: span.TypeInt, Int: -1})},
		{Key: "arr.float", Value: arr(span.Value{Type: span.TypeDouble, Float: 0.1}, span.Value{Type: span.TypeDouble, Float: 1e21})},
		{Key: "arr.bool", Value: arr(span.Value{Type: span.TypeBool, Bool: true}, span.Value{Type: span.TypeBool})},
		{Key: "arr.empty", Value: arr([]span.Value{}...)}, // non-nil, as a decoder returns it
		{Key: "arr.nested", Value: arr(arr(span.Value{Type: span.TypeInt, Int: 1}))},
		{Key: "empty.value", Value: span.Value{}},
		span.String("dup", "first"),
		span.String("dup", "second"),
	}
}

// rich returns a root span using every field of span.Span.
func rich() span.Span {
	return span.Span{
		TraceID:                traceID(7),
		SpanID:                 spanID(70),
		TraceState:             "vendor=a,other=b",
		Flags:                  1,
		Name:                   "GET /cart",
		Kind:                   span.KindClient,
		StartTimeUnixNano:      base + 1,
		EndTimeUnixNano:        base + 1_000_000_001,
		Attributes:             everyValue(),
		DroppedAttributesCount: 2,
		Events: []span.Event{
			{TimeUnixNano: base + 5, Name: "exception", Attributes: everyValue()},
			{TimeUnixNano: base + 6, Name: "bare"},
		},
		DroppedEventsCount: 1,
		Links: []span.Link{
			{TraceID: traceID(8), SpanID: spanID(80), TraceState: "x=y", Attributes: []span.KeyValue{span.Bool("sampled", true)}},
			{TraceID: traceID(9), SpanID: spanID(90)},
		},
		DroppedLinksCount: 3,
		Status:            span.Status{Code: span.StatusError, Message: "boom"},
		Resource:          browserResource(),
		Scope:             span.Scope{Name: "spanfall/fetch", Version: "0.1.0"},
	}
}
