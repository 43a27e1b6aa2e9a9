package span_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"

	"github.com/spanfall/spanfall/tracer/span"
)

// The reference for the hand-written encoder is encoding/json itself, by
// reflection only: the ref types mirror span.Span and its parts field by
// field and tag by tag, with refValue, a plain struct of pointers, in place
// of span.Value (whose MarshalJSON now uses the encoder under test).
// TestRefMirrorsSpan keeps the mirror honest.

type refSpan struct {
	TraceID                string        `json:"traceId"`
	SpanID                 string        `json:"spanId"`
	TraceState             string        `json:"traceState,omitempty"`
	ParentSpanID           string        `json:"parentSpanId,omitempty"`
	Flags                  uint32        `json:"flags,omitempty"`
	Name                   string        `json:"name"`
	Kind                   span.Kind     `json:"kind"`
	StartTimeUnixNano      uint64        `json:"startTimeUnixNano,string"`
	EndTimeUnixNano        uint64        `json:"endTimeUnixNano,string"`
	Attributes             []refKeyValue `json:"attributes,omitempty"`
	DroppedAttributesCount uint32        `json:"droppedAttributesCount,omitempty"`
	Events                 []refEvent    `json:"events,omitempty"`
	DroppedEventsCount     uint32        `json:"droppedEventsCount,omitempty"`
	Links                  []refLink     `json:"links,omitempty"`
	DroppedLinksCount      uint32        `json:"droppedLinksCount,omitempty"`
	Status                 span.Status   `json:"status"`

	Resource *span.Resource `json:"-"`
	Scope    span.Scope     `json:"-"`
}

type refEvent struct {
	TimeUnixNano uint64        `json:"timeUnixNano,string"`
	Name         string        `json:"name"`
	Attributes   []refKeyValue `json:"attributes,omitempty"`
}

type refLink struct {
	TraceID    string        `json:"traceId"`
	SpanID     string        `json:"spanId"`
	TraceState string        `json:"traceState,omitempty"`
	Attributes []refKeyValue `json:"attributes,omitempty"`
}

type refKeyValue struct {
	Key   string   `json:"key"`
	Value refValue `json:"value"`
}

// refValue is the OTLP JSON AnyValue as the OTLP spec states it: one of
// the fields set, int64 as a decimal string, an array's values never null.
type refValue struct {
	StringValue *string   `json:"stringValue,omitempty"`
	BoolValue   *bool     `json:"boolValue,omitempty"`
	IntValue    *string   `json:"intValue,omitempty"`
	DoubleValue *float64  `json:"doubleValue,omitempty"`
	ArrayValue  *refArray `json:"arrayValue,omitempty"`
}

type refArray struct {
	Values []refValue `json:"values"`
}

func toRefValue(v span.Value) refValue {
	switch v.Type {
	case span.TypeString:
		return refValue{StringValue: &v.Str}
	case span.TypeBool:
		return refValue{BoolValue: &v.Bool}
	case span.TypeInt:
		s := strconv.FormatInt(v.Int, 10)
		return refValue{IntValue: &s}
	case span.TypeDouble:
		return refValue{DoubleValue: &v.Float}
	case span.TypeArray:
		a := &refArray{Values: []refValue{}}
		for _, e := range v.Array {
			a.Values = append(a.Values, toRefValue(e))
		}
		return refValue{ArrayValue: a}
	}
	return refValue{}
}

// toRefKeyValues keeps nil nil and empty empty, as omitempty sees either.
func toRefKeyValues(kvs []span.KeyValue) []refKeyValue {
	if kvs == nil {
		return nil
	}
	out := make([]refKeyValue, len(kvs))
	for i, kv := range kvs {
		out[i] = refKeyValue{kv.Key, toRefValue(kv.Value)}
	}
	return out
}

func toRef(s *span.Span) *refSpan {
	r := &refSpan{
		TraceID: s.TraceID, SpanID: s.SpanID, TraceState: s.TraceState, ParentSpanID: s.ParentSpanID,
		Flags: s.Flags, Name: s.Name, Kind: s.Kind,
		StartTimeUnixNano: s.StartTimeUnixNano, EndTimeUnixNano: s.EndTimeUnixNano,
		Attributes: toRefKeyValues(s.Attributes), DroppedAttributesCount: s.DroppedAttributesCount,
		DroppedEventsCount: s.DroppedEventsCount, DroppedLinksCount: s.DroppedLinksCount,
		Status: s.Status, Resource: s.Resource, Scope: s.Scope,
	}
	if s.Events != nil {
		r.Events = make([]refEvent, len(s.Events))
		for i, e := range s.Events {
			r.Events[i] = refEvent{e.TimeUnixNano, e.Name, toRefKeyValues(e.Attributes)}
		}
	}
	if s.Links != nil {
		r.Links = make([]refLink, len(s.Links))
		for i, l := range s.Links {
			r.Links[i] = refLink{l.TraceID, l.SpanID, l.TraceState, toRefKeyValues(l.Attributes)}
		}
	}
	return r
}

// TestRefMirrorsSpan checks that each ref type has the fields, in order,
// and the tags of the type it mirrors, so that a field added to span.Span
// and forgotten in the encoder fails the comparisons below.
func TestRefMirrorsSpan(t *testing.T) {
	for _, pair := range [][2]reflect.Type{
		{reflect.TypeFor[span.Span](), reflect.TypeFor[refSpan]()},
		{reflect.TypeFor[span.Event](), reflect.TypeFor[refEvent]()},
		{reflect.TypeFor[span.Link](), reflect.TypeFor[refLink]()},
		{reflect.TypeFor[span.KeyValue](), reflect.TypeFor[refKeyValue]()},
	} {
		typ, ref := pair[0], pair[1]
		if typ.NumField() != ref.NumField() {
			t.Errorf("%v has %d fields, %v %d", typ, typ.NumField(), ref, ref.NumField())
			continue
		}
		for i := range typ.NumField() {
			f, g := typ.Field(i), ref.Field(i)
			if f.Name != g.Name || f.Tag != g.Tag {
				t.Errorf("%v field %d is %s `%s`, %v has %s `%s`", typ, i, f.Name, f.Tag, ref, g.Name, g.Tag)
			}
		}
	}
}

// checkSpan compares AppendJSON with encoding/json on the mirror and on
// span.Span itself (reflection but for Value), after a prefix, and checks
// that an error leaves the prefix alone.
func checkSpan(t *testing.T, s *span.Span) {
	t.Helper()
	want, wantErr := json.Marshal(toRef(s))
	direct, directErr := json.Marshal(s)
	prefix := []byte("[1,")
	got, err := span.AppendJSON(prefix, s)
	if (err != nil) != (wantErr != nil) || (directErr != nil) != (wantErr != nil) {
		t.Fatalf("AppendJSON error %v, encoding/json %v, on span.Span %v", err, wantErr, directErr)
	}
	if err != nil {
		if !bytes.Equal(got, prefix) {
			t.Errorf("AppendJSON failed but changed dst to %q", got)
		}
		var uv *json.UnsupportedValueError
		if !errors.As(err, &uv) {
			t.Errorf("AppendJSON error %v is no *json.UnsupportedValueError", err)
		}
		return
	}
	if !bytes.HasPrefix(got, prefix) {
		t.Fatalf("AppendJSON did not keep dst: %q", got)
	}
	if got := got[len(prefix):]; !bytes.Equal(got, want) {
		t.Errorf("AppendJSON:\n got %s\nwant %s", got, want)
	}
	if !bytes.Equal(direct, want) {
		t.Errorf("json.Marshal of span.Span:\n got %s\nwant %s", direct, want)
	}
}

const (
	traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	spanID  = "00f067aa0ba902b7"
)

// allValues has a value of every type, with the edge cases of each.
func allValues() []span.KeyValue {
	return []span.KeyValue{
		{Key: "empty", Value: span.Value{}},
		{Key: "unknown type", Value: span.Value{Type: 200, Str: "x", Int: 1}},
		span.String("s", ""),
		span.String("html", "<script>&</script>"),
		span.String("controls", "\x00\x01\b\f\n\r\t\x1f\x7f"),
		span.String("unicode", "é日本🙂\u2028\u2029"),
		span.String("invalid", "a\xffb\xe2\x80"),
		span.String("quotes", `"\`),
		span.Bool("t", true),
		span.Bool("f", false),
		span.Int("zero", 0),
		span.Int("neg", -42),
		span.Int("min", math.MinInt64),
		span.Int("max", math.MaxInt64),
		span.Float("zero", 0),
		span.Float("neg zero", math.Copysign(0, -1)),
		span.Float("tiny", 1e-7),
		span.Float("small", 1e-6),
		span.Float("big", 1e20),
		span.Float("huge", 1e21),
		span.Float("neg huge", -1.5e300),
		span.Float("fraction", 1.0/3),
		span.Float("smallest", math.SmallestNonzeroFloat64),
		{Key: "nil array", Value: span.Value{Type: span.TypeArray}},
		{Key: "empty array", Value: span.Value{Type: span.TypeArray, Array: []span.Value{}}},
		{Key: "ints", Value: span.Value{Type: span.TypeArray, Array: []span.Value{{Type: span.TypeInt, Int: 1}, {Type: span.TypeInt, Int: -2}}}},
		{Key: "nested", Value: span.Value{Type: span.TypeArray, Array: []span.Value{
			{Type: span.TypeArray},
			{Type: span.TypeArray, Array: []span.Value{{Type: span.TypeString, Str: "<"}, {}, {Type: span.TypeDouble, Float: 2e-9}}},
			{Type: span.TypeBool, Bool: true},
		}}},
		{Key: "", Value: span.Value{Type: span.TypeString, Str: "empty key"}},
		{Key: "k\xff<\u2028", Value: span.Value{Type: span.TypeString, Str: "odd key"}},
	}
}

func TestAppendJSON(t *testing.T) {
	minimal := span.Span{TraceID: traceID, SpanID: spanID, Name: "GET /", Kind: span.KindClient, StartTimeUnixNano: 1, EndTimeUnixNano: 2}
	with := func(change func(*span.Span)) *span.Span {
		s := minimal
		change(&s)
		return &s
	}
	for _, tc := range []struct {
		name string
		span *span.Span
		want string // checked too when set
	}{
		{"zero span", &span.Span{},
			`{"traceId":"","spanId":"","name":"","kind":0,"startTimeUnixNano":"0","endTimeUnixNano":"0","status":{}}`},
		{"minimal", &minimal,
			`{"traceId":"` + traceID + `","spanId":"` + spanID + `","name":"GET /","kind":3,"startTimeUnixNano":"1","endTimeUnixNano":"2","status":{}}`},
		{"every optional field", with(func(s *span.Span) {
			s.TraceState, s.ParentSpanID, s.Flags = "k=v", "1111111111111111", 257
			s.Attributes = []span.KeyValue{span.Int("n", -1)}
			s.DroppedAttributesCount, s.DroppedEventsCount, s.DroppedLinksCount = 1, 2, math.MaxUint32
			s.Events = []span.Event{{TimeUnixNano: 3, Name: "e"}}
			s.Links = []span.Link{{TraceID: traceID, SpanID: spanID, TraceState: "a=b"}}
			s.Status = span.Status{Code: span.StatusError, Message: "boom"}
		}), `{"traceId":"` + traceID + `","spanId":"` + spanID + `","traceState":"k=v","parentSpanId":"1111111111111111","flags":257,` +
			`"name":"GET /","kind":3,"startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{"key":"n","value":{"intValue":"-1"}}],` +
			`"droppedAttributesCount":1,"events":[{"timeUnixNano":"3","name":"e"}],"droppedEventsCount":2,` +
			`"links":[{"traceId":"` + traceID + `","spanId":"` + spanID + `","traceState":"a=b"}],"droppedLinksCount":4294967295,` +
			`"status":{"code":2,"message":"boom"}}`},
		{"max times", with(func(s *span.Span) { s.StartTimeUnixNano, s.EndTimeUnixNano = math.MaxUint64, math.MaxUint64-1 }), ""},
		{"negative kind", with(func(s *span.Span) { s.Kind = -3 }), ""},
		{"status code only", with(func(s *span.Span) { s.Status.Code = span.StatusOK }), ""},
		{"status message only", with(func(s *span.Span) { s.Status.Message = "<b>\n" }), ""},
		{"negative status code", with(func(s *span.Span) { s.Status.Code = -1 }), ""},
		{"empty attributes", with(func(s *span.Span) { s.Attributes = []span.KeyValue{} }), ""},
		{"every value type", with(func(s *span.Span) { s.Attributes = allValues() }), ""},
		{"odd strings everywhere", with(func(s *span.Span) {
			odd := "<&>\u2028\xff\x00\"\\日本"
			s.TraceID, s.SpanID, s.TraceState, s.ParentSpanID, s.Name, s.Status.Message = odd, odd, odd, odd, odd, odd
		}), ""},
		{"events", with(func(s *span.Span) {
			s.Events = []span.Event{
				{Name: "no attributes"},
				{TimeUnixNano: math.MaxUint64, Name: "nil attributes", Attributes: nil},
				{Name: "empty attributes", Attributes: []span.KeyValue{}},
				{Name: "exception", Attributes: allValues()},
			}
		}), ""},
		{"empty events and links", with(func(s *span.Span) { s.Events, s.Links = []span.Event{}, []span.Link{} }), ""},
		{"links", with(func(s *span.Span) {
			s.Links = []span.Link{
				{TraceID: traceID, SpanID: spanID},
				{TraceID: traceID, SpanID: spanID, TraceState: "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", Attributes: []span.KeyValue{span.String("rel", "follows")}},
				{Attributes: []span.KeyValue{}},
			}
		}), ""},
		{"resource and scope are not encoded", with(func(s *span.Span) {
			s.Resource = &span.Resource{ID: "r", Attributes: []span.KeyValue{span.String("service.name", "x")}}
			s.Scope = span.Scope{Name: "n", Version: "v"}
		}), `{"traceId":"` + traceID + `","spanId":"` + spanID + `","name":"GET /","kind":3,"startTimeUnixNano":"1","endTimeUnixNano":"2","status":{}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkSpan(t, tc.span)
			if tc.want != "" {
				got, err := span.AppendJSON(nil, tc.span)
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != tc.want {
					t.Errorf("AppendJSON:\n got %s\nwant %s", got, tc.want)
				}
			}
		})
	}
}

func TestAppendJSONNonFinite(t *testing.T) {
	nan := span.Float("bad", math.NaN())
	inArray := span.KeyValue{Key: "bad", Value: span.Value{Type: span.TypeArray, Array: []span.Value{
		{Type: span.TypeInt}, {Type: span.TypeArray, Array: []span.Value{{Type: span.TypeDouble, Float: math.Inf(-1)}}},
	}}}
	for _, tc := range []struct {
		name string
		span span.Span
	}{
		{"span attribute", span.Span{Attributes: []span.KeyValue{span.Int("ok", 1), nan}}},
		{"infinity", span.Span{Attributes: []span.KeyValue{span.Float("bad", math.Inf(1))}}},
		{"nested array", span.Span{Attributes: []span.KeyValue{inArray}}},
		{"event attribute", span.Span{Events: []span.Event{{Name: "e"}, {Name: "e", Attributes: []span.KeyValue{nan}}}}},
		{"link attribute", span.Span{Links: []span.Link{{Attributes: []span.KeyValue{nan}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkSpan(t, &tc.span)
			_, err := span.AppendJSON(nil, &tc.span)
			if want := `span: attribute "bad": json: unsupported value: `; err == nil || len(err.Error()) < len(want) || err.Error()[:len(want)] != want {
				t.Errorf("AppendJSON error %v, want one starting %q", err, want)
			}
		})
	}
}

func TestAppendValueJSON(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    span.Value
		want string
	}{
		{"empty", span.Value{}, `{}`},
		{"string", span.Value{Type: span.TypeString, Str: "a<b"}, `{"stringValue":"a\u003cb"}`},
		{"true", span.Value{Type: span.TypeBool, Bool: true}, `{"boolValue":true}`},
		{"false", span.Value{Type: span.TypeBool}, `{"boolValue":false}`},
		{"int", span.Value{Type: span.TypeInt, Int: math.MinInt64}, `{"intValue":"-9223372036854775808"}`},
		{"double", span.Value{Type: span.TypeDouble, Float: 1e-7}, `{"doubleValue":1e-7}`},
		{"nil array", span.Value{Type: span.TypeArray}, `{"arrayValue":{"values":[]}}`},
		{"array", span.Value{Type: span.TypeArray, Array: []span.Value{{}, {Type: span.TypeArray}, {Type: span.TypeInt, Int: 7}}},
			`{"arrayValue":{"values":[{},{"arrayValue":{"values":[]}},{"intValue":"7"}]}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := span.AppendValueJSON([]byte("x"), &tc.v)
			if err != nil || string(got) != "x"+tc.want {
				t.Errorf("AppendValueJSON = %s, %v, want x%s", got, err, tc.want)
			}
			m, err := tc.v.MarshalJSON()
			if err != nil || string(m) != tc.want {
				t.Errorf("MarshalJSON = %s, %v, want %s", m, err, tc.want)
			}
			if ref, _ := json.Marshal(toRefValue(tc.v)); string(ref) != tc.want {
				t.Errorf("encoding/json writes %s, the table %s", ref, tc.want)
			}
		})
	}
	for _, kv := range allValues() {
		ref, _ := json.Marshal(toRefValue(kv.Value))
		if got, err := kv.Value.MarshalJSON(); err != nil || !bytes.Equal(got, ref) {
			t.Errorf("%q: MarshalJSON = %s, %v, want %s", kv.Key, got, err, ref)
		}
	}
	bad := span.Value{Type: span.TypeDouble, Float: math.NaN()}
	if b, err := bad.MarshalJSON(); b != nil || err == nil {
		t.Errorf("MarshalJSON of NaN = %q, %v, want an error", b, err)
	}
}

func TestAppendKeyValuesJSON(t *testing.T) {
	for _, tc := range []struct {
		name string
		kvs  []span.KeyValue
	}{
		{"nil", nil},
		{"empty", []span.KeyValue{}},
		{"every value type", allValues()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := json.Marshal(toRefKeyValues(tc.kvs))
			if err != nil {
				t.Fatal(err)
			}
			if tc.kvs == nil {
				want = []byte("null") // toRefKeyValues keeps nil
			}
			got, err := span.AppendKeyValuesJSON([]byte("x"), tc.kvs)
			if err != nil || string(got) != "x"+string(want) {
				t.Errorf("AppendKeyValuesJSON = %s, %v, want x%s", got, err, want)
			}
			if direct, _ := json.Marshal(tc.kvs); !bytes.Equal(direct, want) {
				t.Errorf("json.Marshal = %s, want %s", direct, want)
			}
		})
	}
	got, err := span.AppendKeyValuesJSON([]byte("x"), []span.KeyValue{span.Float("nan", math.NaN())})
	if err == nil || string(got) != "x" {
		t.Errorf("AppendKeyValuesJSON of NaN = %q, %v, want x and an error", got, err)
	}
}

func TestAppendScopeJSON(t *testing.T) {
	for _, sc := range []span.Scope{{}, {Name: "n"}, {Version: "1.0"}, {Name: "<a>", Version: "\xff"}} {
		want, _ := json.Marshal(sc)
		if got := span.AppendScopeJSON([]byte("x"), sc); string(got) != "x"+string(want) {
			t.Errorf("AppendScopeJSON(%+v) = %s, want x%s", sc, got, want)
		}
	}
}

// TestAppendJSONAllocs checks that encoding into a buffer with room
// allocates nothing.
func TestAppendJSONAllocs(t *testing.T) {
	s := span.Span{TraceID: traceID, SpanID: spanID, Name: "n<>", Attributes: allValues(),
		Events: []span.Event{{Name: "e", Attributes: allValues()}}, Links: []span.Link{{TraceID: traceID, Attributes: allValues()}}}
	buf := make([]byte, 0, 64<<10)
	if n := testing.AllocsPerRun(100, func() {
		if _, err := span.AppendJSON(buf, &s); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("AppendJSON allocates %v times a span", n)
	}
}

// source is what genSpan draws from: a seeded random generator for the
// property test, the fuzzer's bytes for the fuzz test.
type source interface {
	intn(n int) int
	uint64() uint64
	str() string
	float() float64
}

type randSource struct{ r *rand.Rand }

// pieces are the strings random strings are made of: the characters
// encoding/json escapes or replaces, multi-byte runes and cut ones.
var pieces = []string{"", "a", "Z9 ", "<", ">", "&", "\"", "\\", "/", "\b", "\f", "\n", "\r", "\t", "\x00", "\x1f", "\x7f",
	"é", "日本", "🙂", "\u2028", "\u2029", "\xff", "\xc3", "\xe2\x80", "\xed\xa0\x80", "\xef\xbf\xbd", "http.url"}

func (s randSource) intn(n int) int { return s.r.IntN(n) }
func (s randSource) uint64() uint64 { return s.r.Uint64() >> s.r.IntN(64) }
func (s randSource) float() float64 { return randFloat(s.r) }
func (s randSource) str() string {
	var b []byte
	for range s.r.IntN(5) {
		b = append(b, pieces[s.r.IntN(len(pieces))]...)
	}
	return string(b)
}

func randFloat(r *rand.Rand) float64 {
	switch r.IntN(4) {
	case 0:
		special := []float64{0, math.Copysign(0, -1), 1e-6, 9.999999e-7, 1e21, 9.99999e20, math.MaxFloat64, -math.SmallestNonzeroFloat64, 0.1, -200}
		return special[r.IntN(len(special))]
	case 1:
		f := math.Float64frombits(r.Uint64())
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return 1
		}
		return f
	}
	return r.NormFloat64() * math.Pow(10, float64(r.IntN(50)-25))
}

// byteSource reads the fuzzer's bytes; once they run out it gives zeros
// and empty strings, which end every list.
type byteSource struct{ b []byte }

func (s *byteSource) next(n int) []byte {
	n = min(n, len(s.b))
	out := s.b[:n]
	s.b = s.b[n:]
	return out
}

func (s *byteSource) intn(n int) int {
	if b := s.next(1); len(b) == 1 {
		return int(b[0]) % n
	}
	return 0
}

func (s *byteSource) uint64() uint64 {
	var b [8]byte
	copy(b[:], s.next(8))
	return binary.LittleEndian.Uint64(b[:])
}

func (s *byteSource) float() float64 { return math.Float64frombits(s.uint64()) }
func (s *byteSource) str() string    { return string(s.next(s.intn(24))) }

func genValue(src source, depth int) span.Value {
	switch src.intn(7) {
	case 0:
		return span.Value{}
	case 1:
		return span.Value{Type: span.TypeString, Str: src.str()}
	case 2:
		return span.Value{Type: span.TypeBool, Bool: src.intn(2) == 1}
	case 3:
		return span.Value{Type: span.TypeInt, Int: int64(src.uint64())}
	case 4:
		return span.Value{Type: span.TypeDouble, Float: src.float()}
	case 5:
		if depth < 3 {
			v := span.Value{Type: span.TypeArray}
			if src.intn(3) > 0 {
				v.Array = []span.Value{}
			}
			for range src.intn(4) {
				v.Array = append(v.Array, genValue(src, depth+1))
			}
			return v
		}
	}
	return span.Value{Type: span.TypeString, Str: src.str()}
}

// genKeyValues returns nil, an empty list or a few attributes.
func genKeyValues(src source) []span.KeyValue {
	switch src.intn(4) {
	case 0:
		return nil
	case 1:
		return []span.KeyValue{}
	}
	var kvs []span.KeyValue
	for range 1 + src.intn(4) {
		kvs = append(kvs, span.KeyValue{Key: src.str(), Value: genValue(src, 0)})
	}
	return kvs
}

func genSpan(src source) *span.Span {
	s := &span.Span{
		TraceID: traceID, SpanID: spanID, Name: src.str(),
		StartTimeUnixNano: src.uint64(), EndTimeUnixNano: src.uint64(),
		Attributes: genKeyValues(src),
	}
	if src.intn(4) == 0 {
		s.TraceID, s.SpanID = src.str(), src.str()
	}
	if src.intn(2) == 0 {
		s.TraceState, s.ParentSpanID = src.str(), src.str()
	}
	if src.intn(2) == 0 {
		s.Flags, s.Kind = uint32(src.uint64()), span.Kind(int64(src.uint64())>>src.intn(64))
		s.DroppedAttributesCount, s.DroppedEventsCount, s.DroppedLinksCount = uint32(src.intn(3)), uint32(src.uint64()), uint32(src.intn(2))
	}
	if n := src.intn(4); n > 0 {
		s.Events = make([]span.Event, n-1)
		for i := range s.Events {
			s.Events[i] = span.Event{TimeUnixNano: src.uint64(), Name: src.str(), Attributes: genKeyValues(src)}
		}
	}
	if n := src.intn(4); n > 0 {
		s.Links = make([]span.Link, n-1)
		for i := range s.Links {
			s.Links[i] = span.Link{TraceID: src.str(), SpanID: src.str(), TraceState: src.str(), Attributes: genKeyValues(src)}
		}
	}
	s.Status = span.Status{Code: span.StatusCode(src.intn(4) - 1), Message: src.str()}
	return s
}

// TestAppendJSONMatchesEncodingJSON compares random spans made of the
// characters and numbers encoding/json treats specially.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	src := randSource{rand.New(rand.NewPCG(7, 11))}
	for range 20_000 {
		checkSpan(t, genSpan(src))
		if t.Failed() {
			return
		}
	}
}

func FuzzAppendJSON(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x03\x01<a>&\x00\x00\x00\x00\x00\x00\xf8\x7f"))
	var seed bytes.Buffer
	r := rand.New(rand.NewPCG(1, 2))
	for range 16 {
		seed.Reset()
		for range 64 {
			seed.WriteString(pieces[r.IntN(len(pieces))])
			seed.WriteByte(byte(r.IntN(256)))
		}
		f.Add(bytes.Clone(seed.Bytes()))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSpan(t, genSpan(&byteSource{data}))
	})
}
