package engine

import (
	"reflect"
	"unsafe"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// Start options, read without trace.NewSpanStartConfig when they are all
// trace.WithAttributes: NewSpanStartConfig passes its SpanConfig (a
// 100-byte struct with pointers) by value through every option and grows a
// fresh attribute slice by append; in js/wasm that was a third of a
// span's cost (the copies take write barriers whenever the collector is
// marking). The attributes are read from the option itself, a
// []attribute.KeyValue behind the interface (the trace package's
// attributeOption), and copied once into the span's own slice.
//
// The layout is checked once at start-up against NewSpanStartConfig's own
// result; should a later otel version change the option's type, the
// check fails and every Start goes through NewSpanStartConfig again.

// attrOptionType is the dynamic type of trace.WithAttributes' result; nil
// when the fast path is off.
var attrOptionType = func() reflect.Type {
	kvs := []attribute.KeyValue{attribute.String("spanfall.probe", "x"), attribute.Int("n", 2)}
	var o trace.SpanStartOption = trace.WithAttributes(kvs...)
	t := reflect.TypeOf(o)
	if t.Kind() != reflect.Slice || t.Elem() != reflect.TypeFor[attribute.KeyValue]() {
		return nil
	}
	got := optionAttrs(o)
	cfg := trace.NewSpanStartConfig(o)
	want := cfg.Attributes()
	if len(got) != len(want) || &got[0] != &kvs[0] {
		return nil
	}
	for i := range got {
		if got[i] != want[i] {
			return nil
		}
	}
	return t
}()

// optionAttrs returns the attributes of o, whose dynamic type is
// attrOptionType: the slice the interface's data word points to. The
// caller may keep it, so it must be copied before it is stored.
func optionAttrs(o trace.SpanStartOption) []attribute.KeyValue {
	return *(*[]attribute.KeyValue)((*[2]unsafe.Pointer)(unsafe.Pointer(&o))[1])
}

// attrsOnly reports whether every option is a trace.WithAttributes (the
// fast path applies), and how many attributes they hold.
func attrsOnly(opts []trace.SpanStartOption) (n int, ok bool) {
	if attrOptionType == nil {
		return 0, false
	}
	for _, o := range opts {
		if reflect.TypeOf(o) != attrOptionType {
			return 0, false
		}
		n += len(optionAttrs(o))
	}
	return n, true
}
