package otlp_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/spanfall/spanfall/tracer/otlp"
	"github.com/spanfall/spanfall/tracer/span"
)

// canonical decodes an OTLP body with pdata (protobuf or JSON) and returns
// the collector's own JSON re-encoding of it, so that two bodies carry the
// same content exactly when their canonical forms are equal.
func canonical(t testing.TB, body []byte, proto bool) []byte {
	t.Helper()
	req := ptraceotlp.NewExportRequest()
	var err error
	if proto {
		err = req.UnmarshalProto(body)
	} else {
		err = req.UnmarshalJSON(body)
	}
	if err != nil {
		t.Fatalf("pdata rejects the body (proto %v): %v\n%q", proto, err, body)
	}
	out, err := req.MarshalJSON()
	if err != nil {
		t.Fatalf("pdata re-encoding: %v", err)
	}
	return out
}

// assertSameContent checks that MarshalProto and MarshalJSON encode spans
// to the same pdata request.
func assertSameContent(t testing.TB, spans []span.Span) {
	t.Helper()
	pb, err := otlp.MarshalProto(spans)
	if err != nil {
		t.Fatalf("MarshalProto: %v", err)
	}
	js, err := otlp.MarshalJSON(spans)
	if err != nil {
		t.Fatalf("MarshalJSON: %v", err)
	}
	got, want := canonical(t, pb, true), canonical(t, js, false)
	if !bytes.Equal(got, want) {
		t.Fatalf("protobuf and JSON bodies differ once decoded:\nproto %s\njson  %s", got, want)
	}
}

const (
	traceA = "0123456789abcdef0123456789abcdef"
	spanA  = "0123456789abcdef"
	spanB  = "fedcba9876543210"
)

func arr(vs ...span.Value) span.Value { return span.Value{Type: span.TypeArray, Array: vs} }

func TestMarshalProtoMatchesJSON(t *testing.T) {
	resA := &span.Resource{ID: "a", Attributes: []span.KeyValue{span.String("service.name", "a")}}
	resA2 := &span.Resource{ID: "a", Attributes: []span.KeyValue{span.String("service.name", "not kept")}}
	resB := &span.Resource{ID: "b", Attributes: []span.KeyValue{span.String("service.name", "b")}}
	base := func(mod func(*span.Span)) []span.Span {
		s := span.Span{TraceID: traceA, SpanID: spanA, Name: "s", Kind: span.KindInternal, StartTimeUnixNano: 1, EndTimeUnixNano: 2, Resource: resA}
		mod(&s)
		return []span.Span{s}
	}
	tests := []struct {
		name  string
		spans []span.Span
	}{
		{"fixture", testSpans()},
		{"no spans", nil},
		{"empty attributes", base(func(s *span.Span) {
			s.Attributes = []span.KeyValue{}
			s.Resource = &span.Resource{ID: "empty", Attributes: []span.KeyValue{}}
		})},
		{"nil resource", base(func(s *span.Span) { s.Resource = nil })},
		{"nil and empty-ID resources share a group", []span.Span{
			base(func(s *span.Span) { s.Resource = nil })[0],
			base(func(s *span.Span) { s.Resource = &span.Resource{Attributes: []span.KeyValue{span.Int("x", 1)}} })[0],
		}},
		{"first resource of an ID wins", []span.Span{
			base(func(s *span.Span) { s.Resource = resA })[0],
			base(func(s *span.Span) { s.Resource = resB })[0],
			base(func(s *span.Span) { s.Resource, s.Name = resA2, "second a" })[0],
		}},
		{"interleaved scopes", []span.Span{
			base(func(s *span.Span) { s.Scope = span.Scope{Name: "x"} })[0],
			base(func(s *span.Span) { s.Scope = span.Scope{Name: "y", Version: "1"} })[0],
			base(func(s *span.Span) { s.Scope = span.Scope{Name: "x"} })[0],
			base(func(s *span.Span) { s.Scope, s.Resource = span.Scope{Name: "x"}, resB })[0],
		}},
		{"scope names with NUL", []span.Span{
			base(func(s *span.Span) { s.Scope = span.Scope{Name: "a\x00", Version: "b"} })[0],
			base(func(s *span.Span) { s.Scope = span.Scope{Name: "a", Version: "\x00b"} })[0],
		}},
		{"array values", base(func(s *span.Span) {
			s.Attributes = []span.KeyValue{
				{Key: "ints", Value: arr(span.Value{Type: span.TypeInt, Int: -1}, span.Value{Type: span.TypeInt})},
				{Key: "strs", Value: arr(span.Value{Type: span.TypeString}, span.Value{Type: span.TypeString, Str: "é"})},
				{Key: "mixed", Value: arr(span.Value{Type: span.TypeBool}, span.Value{Type: span.TypeDouble, Float: -0.5})},
				{Key: "nested", Value: arr(arr(span.Value{Type: span.TypeBool, Bool: true}), arr())},
				{Key: "empty", Value: arr()},
				{Key: "nil", Value: span.Value{Type: span.TypeArray}},
			}
		})},
		{"zero values keep their type", base(func(s *span.Span) {
			s.Attributes = []span.KeyValue{
				span.String("s", ""), span.Int("i", 0), span.Float("f", 0), span.Bool("b", false),
				{Key: "none"}, {Key: "", Value: span.Value{Type: 99}},
			}
		})},
		{"negative ints", base(func(s *span.Span) {
			s.Attributes = []span.KeyValue{span.Int("min", math.MinInt64), span.Int("m1", -1), span.Int("max", math.MaxInt64)}
		})},
		{"doubles", base(func(s *span.Span) {
			s.Attributes = []span.KeyValue{
				span.Float("tiny", math.SmallestNonzeroFloat64), span.Float("big", math.MaxFloat64),
				span.Float("third", 1.0/3), span.Float("neg", -1e-300),
			}
		})},
		{"large uint64 times", base(func(s *span.Span) {
			s.StartTimeUnixNano, s.EndTimeUnixNano = math.MaxUint64-1, math.MaxUint64
			s.Events = []span.Event{{TimeUnixNano: 1<<63 + 1, Name: "late"}}
		})},
		{"zero times", base(func(s *span.Span) { s.StartTimeUnixNano, s.EndTimeUnixNano = 0, 0 })},
		{"status error", base(func(s *span.Span) { s.Status = span.Status{Code: span.StatusError, Message: "boom ✗"} })},
		{"status ok without message", base(func(s *span.Span) { s.Status = span.Status{Code: span.StatusOK} })},
		{"links", base(func(s *span.Span) {
			s.Links = []span.Link{
				{TraceID: traceA, SpanID: spanB, TraceState: "k=v", Attributes: []span.KeyValue{span.String("why", "retry")}},
				{TraceID: "F123456789ABCDEF0123456789ABCDEF", SpanID: "F123456789ABCDEF"},
				{},
			}
		})},
		{"events", base(func(s *span.Span) {
			s.Events = []span.Event{{Name: "no time"}, {TimeUnixNano: 3, Attributes: []span.KeyValue{span.Bool("b", true)}}}
		})},
		{"dropped counts", base(func(s *span.Span) {
			s.DroppedAttributesCount, s.DroppedEventsCount, s.DroppedLinksCount = 1, 200, math.MaxUint32
		})},
		{"flags", base(func(s *span.Span) { s.Flags = 0x301 })},
		{"max flags", base(func(s *span.Span) { s.Flags = math.MaxUint32 })},
		{"parent and trace state", base(func(s *span.Span) { s.ParentSpanID, s.TraceState = spanB, "a=1,b=2" })},
		{"every kind", []span.Span{
			base(func(s *span.Span) { s.Kind = span.KindUnspecified })[0],
			base(func(s *span.Span) { s.Kind = span.KindServer })[0],
			base(func(s *span.Span) { s.Kind = span.KindConsumer })[0],
		}},
		{"empty ids and names", base(func(s *span.Span) { s.TraceID, s.SpanID, s.Name = "", "", "" })},
		{"all-zero ids", base(func(s *span.Span) { s.TraceID, s.SpanID = strings.Repeat("0", 32), strings.Repeat("0", 16) })},
		{"invalid UTF-8 becomes U+FFFD as in JSON", base(func(s *span.Span) {
			s.Name = "a\xffb\xc3"
			s.Attributes = []span.KeyValue{span.String("k\x80", "\xed\xa0\x80 surrogate")}
			s.Scope = span.Scope{Name: "\xfe"}
		})},
		{"long strings need multi-byte lengths", base(func(s *span.Span) {
			s.Name = strings.Repeat("n", 300)
			s.Attributes = []span.KeyValue{span.String("big", strings.Repeat("v", 20000))}
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assertSameContent(t, tt.spans) })
	}
}

// TestMarshalProtoFieldNumbers pins the bytes of a small span, so that a
// wrong field number cannot hide behind a decoder that skips unknown fields.
func TestMarshalProtoFieldNumbers(t *testing.T) {
	got, err := otlp.MarshalProto([]span.Span{{
		TraceID: "01" + strings.Repeat("0", 30), SpanID: "02" + strings.Repeat("0", 14), Name: "n", Kind: span.KindClient,
		StartTimeUnixNano: 7, Flags: 1, Status: span.Status{Code: span.StatusError},
		Attributes: []span.KeyValue{span.Int("k", -1)},
		Scope:      span.Scope{Name: "s"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	spanMsg := []byte{0x0a, 16, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0} // trace_id=1
	spanMsg = append(spanMsg, 0x12, 8, 2, 0, 0, 0, 0, 0, 0, 0)                  // span_id=2
	spanMsg = append(spanMsg, 0x2a, 1, 'n')                                     // name=5
	spanMsg = append(spanMsg, 0x30, 3)                                          // kind=6
	spanMsg = append(spanMsg, 0x39, 7, 0, 0, 0, 0, 0, 0, 0)                     // start_time_unix_nano=7 fixed64
	// attributes=9: KeyValue{key=1 "k", value=2 AnyValue{int_value=3 -1}}
	spanMsg = append(spanMsg, 0x4a, 16, 0x0a, 1, 'k', 0x12, 11, 0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)
	spanMsg = append(spanMsg, 0x7a, 2, 0x18, 2)        // status=15{code=3}
	spanMsg = append(spanMsg, 0x85, 0x01, 1, 0, 0, 0)  // flags=16 fixed32
	scope := []byte{0x0a, 3, 0x0a, 1, 's'}             // scope=1{name=1}
	ss := append(scope, 0x12, byte(len(spanMsg)))      // spans=2
	ss = append(ss, spanMsg...)                        //
	rs := []byte{0x0a, 0, 0x12, byte(len(ss))}         // resource=1{}, scope_spans=2
	rs = append(rs, ss...)                             //
	want := append([]byte{0x0a, byte(len(rs))}, rs...) // resource_spans=1
	if !bytes.Equal(got, want) {
		t.Fatalf("bytes\n got % x\nwant % x", got, want)
	}
}

func TestMarshalProtoRejectsBadIDs(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*span.Span)
		want string
	}{
		{"short trace id", func(s *span.Span) { s.TraceID = "abc" }, `trace id "abc"`},
		{"long span id", func(s *span.Span) { s.SpanID = spanA + "00" }, "span id"},
		{"non-hex parent", func(s *span.Span) { s.ParentSpanID = "0123456789abcdeg" }, "parent span id"},
		{"odd link trace id", func(s *span.Span) { s.Links = []span.Link{{TraceID: traceA[1:], SpanID: spanA}} }, "link 0: trace id"},
		{"non-hex link span id", func(s *span.Span) { s.Links = []span.Link{{TraceID: traceA, SpanID: "zz23456789abcdef"}} }, "link 0: span id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spans := testSpans()
			tt.mod(&spans[1])
			_, err := otlp.MarshalProto(spans)
			if !errors.Is(err, otlp.ErrInvalidID) {
				t.Fatalf("err = %v, want ErrInvalidID", err)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, `otlp: encode span 1 "child": `) || !strings.Contains(msg, tt.want) {
				t.Fatalf("err = %q, want the step, the span and %q", msg, tt.want)
			}
		})
	}
}

// FuzzMarshalProto builds spans from the input and checks that pdata
// decodes MarshalProto's body to what it decodes MarshalJSON's body to.
func FuzzMarshalProto(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x03\x01\x02hello world, a span name"))
	f.Add(bytes.Repeat([]byte{0xff, 0x00, 0x7f, 0x80, 0x31}, 40))
	f.Add([]byte("\x01\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05\x05"))
	f.Fuzz(func(t *testing.T, data []byte) {
		spans := fuzzSpans(data)
		pb, err := otlp.MarshalProto(spans)
		if err != nil {
			if !errors.Is(err, otlp.ErrInvalidID) {
				t.Fatalf("MarshalProto: %v", err)
			}
			return
		}
		req := ptraceotlp.NewExportRequest()
		if err := req.UnmarshalProto(pb); err != nil {
			t.Fatalf("pdata rejects the body: %v", err)
		}
		if got := req.Traces().SpanCount(); got != len(spans) {
			t.Fatalf("pdata decoded %d spans, want %d", got, len(spans))
		}
		js, err := otlp.MarshalJSON(spans)
		if err != nil {
			return // NaN or ±Inf: JSON cannot carry them, protobuf can
		}
		if got, want := canonical(t, pb, true), canonical(t, js, false); !bytes.Equal(got, want) {
			t.Fatalf("protobuf and JSON bodies differ once decoded:\nproto %s\njson  %s", got, want)
		}
	})
}

// fuzzInput hands out fuzz bytes, zero once they run out.
type fuzzInput []byte

func (in *fuzzInput) byte() byte {
	if len(*in) == 0 {
		return 0
	}
	b := (*in)[0]
	*in = (*in)[1:]
	return b
}

func (in *fuzzInput) u64() uint64 {
	var b [8]byte
	for i := range b {
		b[i] = in.byte()
	}
	return binary.LittleEndian.Uint64(b[:])
}

func (in *fuzzInput) str() string {
	n := int(in.byte() % 24)
	if n > len(*in) {
		n = len(*in)
	}
	s := string((*in)[:n])
	*in = (*in)[n:]
	return s
}

// id returns an id of hex digits digits long, mostly valid.
func (in *fuzzInput) id(digits int) string {
	switch in.byte() % 8 {
	case 0:
		return ""
	case 1:
		return in.str() // almost always invalid
	case 2:
		return strings.ToUpper(span.HexID(in.raw(digits / 2)))
	}
	return span.HexID(in.raw(digits / 2))
}

func (in *fuzzInput) raw(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = in.byte()
	}
	return b
}

func (in *fuzzInput) value(depth int) span.Value {
	switch t := span.ValueType(in.byte() % 7); t {
	case span.TypeString:
		return span.Value{Type: t, Str: in.str()}
	case span.TypeBool:
		return span.Value{Type: t, Bool: in.byte()&1 == 1}
	case span.TypeInt:
		return span.Value{Type: t, Int: int64(in.u64())}
	case span.TypeDouble:
		return span.Value{Type: t, Float: math.Float64frombits(in.u64())}
	case span.TypeArray:
		v := span.Value{Type: t}
		if depth < 3 {
			for range in.byte() % 4 {
				v.Array = append(v.Array, in.value(depth+1))
			}
		}
		return v
	default:
		return span.Value{Type: t}
	}
}

func (in *fuzzInput) attrs() []span.KeyValue {
	n := int(in.byte() % 5)
	if n == 4 {
		return []span.KeyValue{}
	}
	var kvs []span.KeyValue
	for range n {
		kvs = append(kvs, span.KeyValue{Key: in.str(), Value: in.value(0)})
	}
	return kvs
}

func fuzzSpans(data []byte) []span.Span {
	in := fuzzInput(data)
	resources := []*span.Resource{
		nil,
		{ID: "a", Attributes: []span.KeyValue{span.String("service.name", "a")}},
		{ID: "a", Attributes: []span.KeyValue{span.String("service.name", "other a")}},
		{ID: "", Attributes: []span.KeyValue{span.Int("pid", 1)}},
		{ID: "c"},
	}
	scopeNames := []string{"", "x", "y\x00"}
	n := int(in.byte() % 8)
	spans := make([]span.Span, n)
	for i := range spans {
		s := &spans[i]
		s.TraceID, s.SpanID = in.id(32), in.id(16)
		if in.byte()&1 == 1 {
			s.ParentSpanID = in.id(16)
		}
		s.TraceState, s.Name = in.str(), in.str()
		s.Flags = uint32(in.u64())
		s.Kind = span.Kind(in.byte() % 6)
		s.StartTimeUnixNano, s.EndTimeUnixNano = in.u64(), in.u64()
		s.Attributes = in.attrs()
		s.DroppedAttributesCount = uint32(in.byte())
		for range in.byte() % 3 {
			s.Events = append(s.Events, span.Event{TimeUnixNano: in.u64(), Name: in.str(), Attributes: in.attrs()})
		}
		s.DroppedEventsCount = uint32(in.byte()) << 20
		for range in.byte() % 3 {
			s.Links = append(s.Links, span.Link{TraceID: in.id(32), SpanID: in.id(16), TraceState: in.str(), Attributes: in.attrs()})
		}
		s.DroppedLinksCount = uint32(in.byte())
		s.Status = span.Status{Code: span.StatusCode(in.byte() % 3), Message: in.str()}
		s.Resource = resources[int(in.byte())%len(resources)]
		s.Scope = span.Scope{Name: scopeNames[int(in.byte())%len(scopeNames)], Version: in.str()}
	}
	return spans
}

// TestMarshalGrouping checks the nesting both encoders share: resources by
// ID in order of first appearance, then scopes, spans in input order.
func TestMarshalGrouping(t *testing.T) {
	ra := &span.Resource{ID: "a"}
	rb := &span.Resource{ID: "b"}
	mk := func(name string, r *span.Resource, scope, version string) span.Span {
		return span.Span{TraceID: traceA, SpanID: spanA, Name: name, Resource: r, Scope: span.Scope{Name: scope, Version: version}}
	}
	spans := []span.Span{
		mk("1", rb, "x", ""), mk("2", ra, "x", ""), mk("3", rb, "y", ""), mk("4", rb, "x", ""),
		mk("5", nil, "x", ""), mk("6", ra, "a\x00", "b"), mk("7", ra, "a", "\x00b"), mk("8", &span.Resource{}, "x", ""),
	}
	want := "[b [x: 1 4] [y: 3]] [a [x: 2] [a\x00: 6] [a: 7]] [ [x: 5 8]]"
	for _, enc := range []struct {
		name    string
		marshal func([]span.Span) ([]byte, error)
		proto   bool
	}{{"proto", otlp.MarshalProto, true}, {"json", otlp.MarshalJSON, false}} {
		t.Run(enc.name, func(t *testing.T) {
			body, err := enc.marshal(spans)
			if err != nil {
				t.Fatal(err)
			}
			req := ptraceotlp.NewExportRequest()
			if enc.proto {
				err = req.UnmarshalProto(body)
			} else {
				err = req.UnmarshalJSON(body)
			}
			if err != nil {
				t.Fatal(err)
			}
			var sb strings.Builder
			rss := req.Traces().ResourceSpans()
			for i := range rss.Len() {
				if i > 0 {
					sb.WriteString(" ")
				}
				// Resource IDs are not sent: name the groups by their first span.
				id := map[string]string{"1": "b", "2": "a", "5": ""}[rss.At(i).ScopeSpans().At(0).Spans().At(0).Name()]
				sb.WriteString("[" + id)
				sss := rss.At(i).ScopeSpans()
				for j := range sss.Len() {
					sb.WriteString(" [" + sss.At(j).Scope().Name() + ":")
					for k := range sss.At(j).Spans().Len() {
						sb.WriteString(" " + sss.At(j).Spans().At(k).Name())
					}
					sb.WriteString("]")
				}
				sb.WriteString("]")
			}
			if got := sb.String(); got != want {
				t.Fatalf("grouping\n got %q\nwant %q", got, want)
			}
		})
	}
}
