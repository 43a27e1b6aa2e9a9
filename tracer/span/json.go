package span

import (
	"fmt"
	"strconv"

	"github.com/spanfall/spanfall/internal/jsonenc"
)

// The encoders below write the OTLP JSON of spans by hand, byte for byte
// what encoding/json writes for the same values (field order, omitempty,
// the quoted uint64 times, Value.MarshalJSON's AnyValue form): span
// encoding is the hot path of the OTLP JSON exporter and of every store,
// and reflection made it several times slower and allocated for every
// field. A field added to a type must be added here too; the tests compare
// with encoding/json field by field.
//
// Each returns dst extended on success and dst unchanged, with the error,
// when a double is NaN or infinite, which JSON cannot carry.

// AppendJSON appends the OTLP JSON of s, as json.Marshal(s) writes it. The
// error, for a NaN or infinite double attribute, names the attribute and
// wraps the *json.UnsupportedValueError json.Marshal reports.
func AppendJSON(dst []byte, s *Span) ([]byte, error) {
	n := len(dst)
	out, err := appendSpan(dst, s)
	if err != nil {
		return dst[:n], err
	}
	return out, nil
}

func appendSpan(b []byte, s *Span) ([]byte, error) {
	var err error
	b = append(b, `{"traceId":`...)
	b = jsonenc.AppendString(b, s.TraceID)
	b = append(b, `,"spanId":`...)
	b = jsonenc.AppendString(b, s.SpanID)
	if s.TraceState != "" {
		b = append(b, `,"traceState":`...)
		b = jsonenc.AppendString(b, s.TraceState)
	}
	if s.ParentSpanID != "" {
		b = append(b, `,"parentSpanId":`...)
		b = jsonenc.AppendString(b, s.ParentSpanID)
	}
	if s.Flags != 0 {
		b = append(b, `,"flags":`...)
		b = strconv.AppendUint(b, uint64(s.Flags), 10)
	}
	b = append(b, `,"name":`...)
	b = jsonenc.AppendString(b, s.Name)
	b = append(b, `,"kind":`...)
	b = strconv.AppendInt(b, int64(s.Kind), 10)
	b = append(b, `,"startTimeUnixNano":"`...)
	b = strconv.AppendUint(b, s.StartTimeUnixNano, 10)
	b = append(b, `","endTimeUnixNano":"`...)
	b = strconv.AppendUint(b, s.EndTimeUnixNano, 10)
	b = append(b, '"')
	if len(s.Attributes) > 0 {
		b = append(b, `,"attributes":`...)
		if b, err = appendKeyValues(b, s.Attributes); err != nil {
			return nil, err
		}
	}
	if s.DroppedAttributesCount != 0 {
		b = append(b, `,"droppedAttributesCount":`...)
		b = strconv.AppendUint(b, uint64(s.DroppedAttributesCount), 10)
	}
	if len(s.Events) > 0 {
		b = append(b, `,"events":[`...)
		for i := range s.Events {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendEvent(b, &s.Events[i]); err != nil {
				return nil, err
			}
		}
		b = append(b, ']')
	}
	if s.DroppedEventsCount != 0 {
		b = append(b, `,"droppedEventsCount":`...)
		b = strconv.AppendUint(b, uint64(s.DroppedEventsCount), 10)
	}
	if len(s.Links) > 0 {
		b = append(b, `,"links":[`...)
		for i := range s.Links {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendLink(b, &s.Links[i]); err != nil {
				return nil, err
			}
		}
		b = append(b, ']')
	}
	if s.DroppedLinksCount != 0 {
		b = append(b, `,"droppedLinksCount":`...)
		b = strconv.AppendUint(b, uint64(s.DroppedLinksCount), 10)
	}
	b = append(b, `,"status":{`...)
	if s.Status.Code != 0 {
		b = append(b, `"code":`...)
		b = strconv.AppendInt(b, int64(s.Status.Code), 10)
	}
	if s.Status.Message != "" {
		if s.Status.Code != 0 {
			b = append(b, ',')
		}
		b = append(b, `"message":`...)
		b = jsonenc.AppendString(b, s.Status.Message)
	}
	return append(b, '}', '}'), nil
}

func appendEvent(b []byte, e *Event) ([]byte, error) {
	b = append(b, `{"timeUnixNano":"`...)
	b = strconv.AppendUint(b, e.TimeUnixNano, 10)
	b = append(b, `","name":`...)
	b = jsonenc.AppendString(b, e.Name)
	if len(e.Attributes) > 0 {
		var err error
		b = append(b, `,"attributes":`...)
		if b, err = appendKeyValues(b, e.Attributes); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func appendLink(b []byte, l *Link) ([]byte, error) {
	b = append(b, `{"traceId":`...)
	b = jsonenc.AppendString(b, l.TraceID)
	b = append(b, `,"spanId":`...)
	b = jsonenc.AppendString(b, l.SpanID)
	if l.TraceState != "" {
		b = append(b, `,"traceState":`...)
		b = jsonenc.AppendString(b, l.TraceState)
	}
	if len(l.Attributes) > 0 {
		var err error
		b = append(b, `,"attributes":`...)
		if b, err = appendKeyValues(b, l.Attributes); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// AppendKeyValuesJSON appends kvs as a JSON array of OTLP KeyValues, as
// json.Marshal(kvs) writes it: "null" for a nil slice, "[]" for an empty
// one. The error names the attribute whose double is NaN or infinite.
func AppendKeyValuesJSON(dst []byte, kvs []KeyValue) ([]byte, error) {
	if kvs == nil {
		return append(dst, "null"...), nil
	}
	n := len(dst)
	out, err := appendKeyValues(dst, kvs)
	if err != nil {
		return dst[:n], err
	}
	return out, nil
}

func appendKeyValues(b []byte, kvs []KeyValue) ([]byte, error) {
	b = append(b, '[')
	for i := range kvs {
		kv := &kvs[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"key":`...)
		b = jsonenc.AppendString(b, kv.Key)
		b = append(b, `,"value":`...)
		var err error
		if b, err = appendValue(b, &kv.Value); err != nil {
			return nil, fmt.Errorf("span: attribute %q: %w", kv.Key, err)
		}
		b = append(b, '}')
	}
	return append(b, ']'), nil
}

// AppendValueJSON appends the OTLP JSON AnyValue form of v, what
// [Value.MarshalJSON] returns. The error, for a NaN or infinite double, is
// the *json.UnsupportedValueError json.Marshal reports.
func AppendValueJSON(dst []byte, v *Value) ([]byte, error) {
	n := len(dst)
	out, err := appendValue(dst, v)
	if err != nil {
		return dst[:n], err
	}
	return out, nil
}

func appendValue(b []byte, v *Value) ([]byte, error) {
	switch v.Type {
	case TypeString:
		b = append(b, `{"stringValue":`...)
		b = jsonenc.AppendString(b, v.Str)
	case TypeBool:
		if v.Bool {
			return append(b, `{"boolValue":true}`...), nil
		}
		return append(b, `{"boolValue":false}`...), nil
	case TypeInt:
		// OTLP JSON carries int64 as a decimal string.
		b = append(b, `{"intValue":"`...)
		b = strconv.AppendInt(b, v.Int, 10)
		b = append(b, '"')
	case TypeDouble:
		b = append(b, `{"doubleValue":`...)
		var err error
		if b, err = jsonenc.AppendFloat(b, v.Float); err != nil {
			return nil, err
		}
	case TypeArray:
		// A nil array is written as an empty one: "values" is required.
		b = append(b, `{"arrayValue":{"values":[`...)
		for i := range v.Array {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendValue(b, &v.Array[i]); err != nil {
				return nil, err
			}
		}
		b = append(b, ']', '}')
	default:
		return append(b, '{', '}'), nil
	}
	return append(b, '}'), nil
}

// AppendScopeJSON appends the JSON of sc, as json.Marshal(sc) writes it:
// the version is left out when empty.
func AppendScopeJSON(dst []byte, sc Scope) []byte {
	dst = append(dst, `{"name":`...)
	dst = jsonenc.AppendString(dst, sc.Name)
	if sc.Version != "" {
		dst = append(dst, `,"version":`...)
		dst = jsonenc.AppendString(dst, sc.Version)
	}
	return append(dst, '}')
}
