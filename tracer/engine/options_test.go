package engine

import (
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// TestAttributeFastPathOn: the start-up check of trace.WithAttributes'
// layout passes with the otel version in go.mod, so Start reads attribute
// options without trace.NewSpanStartConfig; other options turn it off.
func TestAttributeFastPathOn(t *testing.T) {
	if attrOptionType == nil {
		t.Fatal("the attribute option fast path is off: trace.WithAttributes' result no longer has the layout options.go reads")
	}
	a := trace.WithAttributes(attribute.String("a", "x"))
	b := trace.WithAttributes(attribute.Int("i", 1), attribute.Bool("b", true))
	if n, ok := attrsOnly([]trace.SpanStartOption{a, b}); !ok || n != 3 {
		t.Errorf("attrsOnly(a, b) = %d, %v; want 3, true", n, ok)
	}
	if _, ok := attrsOnly([]trace.SpanStartOption{a, trace.WithSpanKind(trace.SpanKindClient)}); ok {
		t.Error("attrsOnly with a span kind option = true, want false")
	}
	if n, ok := attrsOnly(nil); !ok || n != 0 {
		t.Errorf("attrsOnly() = %d, %v; want 0, true", n, ok)
	}
}
