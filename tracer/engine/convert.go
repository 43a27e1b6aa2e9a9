package engine

import (
	"math"
	"strconv"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/spanfall/spanfall/tracer/span"
)

// ConvertAttrs returns the plain values of OpenTelemetry attributes, in
// order (nil for none). It is the one conversion both the engine and the
// tracer package's SDK converter use.
func ConvertAttrs(kvs []attribute.KeyValue) []span.KeyValue {
	if len(kvs) == 0 {
		return nil
	}
	out := make([]span.KeyValue, len(kvs))
	for i, kv := range kvs {
		out[i] = span.KeyValue{Key: string(kv.Key), Value: ConvertValue(kv.Value)}
	}
	return out
}

// ConvertValue returns the plain value of an attribute value. NaN and ±Inf
// have no JSON number form and could not be stored or exported, so they
// become the strings "NaN", "+Inf" and "-Inf".
func ConvertValue(v attribute.Value) span.Value {
	switch v.Type() {
	case attribute.BOOL:
		return span.Value{Type: span.TypeBool, Bool: v.AsBool()}
	case attribute.INT64:
		return span.Value{Type: span.TypeInt, Int: v.AsInt64()}
	case attribute.FLOAT64:
		return double(v.AsFloat64())
	case attribute.STRING:
		return span.Value{Type: span.TypeString, Str: v.AsString()}
	case attribute.BOOLSLICE:
		return arrayOf(v.AsBoolSlice(), func(b bool) span.Value { return span.Value{Type: span.TypeBool, Bool: b} })
	case attribute.INT64SLICE:
		return arrayOf(v.AsInt64Slice(), func(n int64) span.Value { return span.Value{Type: span.TypeInt, Int: n} })
	case attribute.FLOAT64SLICE:
		return arrayOf(v.AsFloat64Slice(), double)
	case attribute.STRINGSLICE:
		return arrayOf(v.AsStringSlice(), func(s string) span.Value { return span.Value{Type: span.TypeString, Str: s} })
	}
	return span.Value{Type: span.TypeString, Str: v.Emit()}
}

func arrayOf[T any](in []T, f func(T) span.Value) span.Value {
	out := make([]span.Value, len(in))
	for i, x := range in {
		out[i] = f(x)
	}
	return span.Value{Type: span.TypeArray, Array: out}
}

func double(f float64) span.Value {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return span.Value{Type: span.TypeString, Str: strconv.FormatFloat(f, 'g', -1, 64)}
	}
	return span.Value{Type: span.TypeDouble, Float: f}
}

// ConvertKind returns the OTLP span kind of an API span kind.
func ConvertKind(k trace.SpanKind) span.Kind {
	switch k {
	case trace.SpanKindInternal:
		return span.KindInternal
	case trace.SpanKindServer:
		return span.KindServer
	case trace.SpanKindClient:
		return span.KindClient
	case trace.SpanKindProducer:
		return span.KindProducer
	case trace.SpanKindConsumer:
		return span.KindConsumer
	}
	return span.KindUnspecified
}

const hexDigits = "0123456789abcdef"

func appendHex(b []byte, id []byte) []byte {
	for _, c := range id {
		b = append(b, hexDigits[c>>4], hexDigits[c&0x0f])
	}
	return b
}

// hexIDs returns the lower-case hex of a trace id, a span id and, when
// valid, a parent span id, cut from one string allocation.
func hexIDs(t trace.TraceID, s trace.SpanID, parent trace.SpanID, hasParent bool) (ts, ss, ps string) {
	var buf [64]byte
	b := appendHex(buf[:0], t[:])
	b = appendHex(b, s[:])
	if hasParent {
		b = appendHex(b, parent[:])
	}
	all := string(b)
	ts, ss = all[:32], all[32:48]
	if hasParent {
		ps = all[48:64]
	}
	return ts, ss, ps
}

func hexTraceID(t trace.TraceID) string {
	var buf [32]byte
	return string(appendHex(buf[:0], t[:]))
}

func hexSpanID(s trace.SpanID) string {
	var buf [16]byte
	return string(appendHex(buf[:0], s[:]))
}

// unixNano clamps times before 1970 to 0, as the converter does.
func unixNano(n int64) uint64 {
	if n < 0 {
		return 0
	}
	return uint64(n)
}
