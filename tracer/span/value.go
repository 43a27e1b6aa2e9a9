package span

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// ValueType says which field of a [Value] is set.
type ValueType uint8

// Value types, as in OTLP AnyValue.
const (
	TypeEmpty ValueType = iota
	TypeString
	TypeBool
	TypeInt
	TypeDouble
	TypeArray
)

// KeyValue is a typed attribute.
type KeyValue struct {
	Key   string `json:"key"`
	Value Value  `json:"value"`
}

// Value is an OTLP AnyValue restricted to what OpenTelemetry attributes hold:
// string, bool, int64, double and homogeneous arrays of those.
type Value struct {
	Type  ValueType
	Str   string
	Int   int64
	Float float64
	Bool  bool
	Array []Value
}

// String builds a string value.
func String(k, v string) KeyValue { return KeyValue{k, Value{Type: TypeString, Str: v}} }

// Int builds an int64 value.
func Int(k string, v int64) KeyValue { return KeyValue{k, Value{Type: TypeInt, Int: v}} }

// Float builds a double value.
func Float(k string, v float64) KeyValue { return KeyValue{k, Value{Type: TypeDouble, Float: v}} }

// Bool builds a bool value.
func Bool(k string, v bool) KeyValue { return KeyValue{k, Value{Type: TypeBool, Bool: v}} }

// AsString renders the value for display and search.
func (v Value) AsString() string {
	switch v.Type {
	case TypeString:
		return v.Str
	case TypeBool:
		return strconv.FormatBool(v.Bool)
	case TypeInt:
		return strconv.FormatInt(v.Int, 10)
	case TypeDouble:
		return strconv.FormatFloat(v.Float, 'g', -1, 64)
	case TypeArray:
		b, _ := AppendValueJSON(nil, &v)
		return string(b)
	}
	return ""
}

type jsonValue struct {
	StringValue *string          `json:"stringValue,omitempty"`
	BoolValue   *bool            `json:"boolValue,omitempty"`
	IntValue    *json.RawMessage `json:"intValue,omitempty"`
	DoubleValue *float64         `json:"doubleValue,omitempty"`
	ArrayValue  *struct {
		Values []Value `json:"values"`
	} `json:"arrayValue,omitempty"`
}

// MarshalJSON encodes the OTLP JSON AnyValue form (int64 as a decimal
// string, a nil array as an empty one, TypeEmpty as {}); see
// [AppendValueJSON].
func (v Value) MarshalJSON() ([]byte, error) {
	b, err := AppendValueJSON(make([]byte, 0, 32), &v)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// UnmarshalJSON decodes the OTLP JSON AnyValue form; intValue may be a
// string or a number, as receivers accept both.
func (v *Value) UnmarshalJSON(b []byte) error {
	var j jsonValue
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("span: attribute value: %w", err)
	}
	*v = Value{}
	switch {
	case j.StringValue != nil:
		v.Type, v.Str = TypeString, *j.StringValue
	case j.BoolValue != nil:
		v.Type, v.Bool = TypeBool, *j.BoolValue
	case j.IntValue != nil:
		raw := string(*j.IntValue)
		if s, err := strconv.Unquote(raw); err == nil {
			raw = s
		}
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return fmt.Errorf("span: intValue %s: %w", string(*j.IntValue), err)
		}
		v.Type, v.Int = TypeInt, n
	case j.DoubleValue != nil:
		v.Type, v.Float = TypeDouble, *j.DoubleValue
	case j.ArrayValue != nil:
		v.Type, v.Array = TypeArray, j.ArrayValue.Values
	}
	return nil
}
