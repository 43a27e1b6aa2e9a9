package goapp

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/spanfall/spanfall/tracer/exception"
)

// useRecorder installs a recording global provider for one test.
func useRecorder(t *testing.T) *tracetest.SpanRecorder {
	t.Helper()
	sr := tracetest.NewSpanRecorder()
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr)))
	t.Cleanup(func() { otel.SetTracerProvider(prev) })
	return sr
}

func eventAttrs(s sdktrace.ReadOnlySpan) map[attribute.Key]string {
	m := map[attribute.Key]string{}
	for _, ev := range s.Events() {
		for _, kv := range ev.Attributes {
			m[kv.Key] = kv.Value.Emit()
		}
	}
	return m
}

func TestStartCarriesTheSpan(t *testing.T) {
	sr := useRecorder(t)
	ctx, parent := Start(app.Context{}, "parent")
	ctx2, child := Start(ctx, "child")
	if got := trace.SpanFromContext(ctx2.Context); got != child {
		t.Fatalf("ctx does not carry the child span")
	}
	child.End()
	parent.End()
	spans := sr.Ended()
	if spans[0].Parent().SpanID() != spans[1].SpanContext().SpanID() {
		t.Fatalf("child's parent %v, want %v", spans[0].Parent().SpanID(), spans[1].SpanContext().SpanID())
	}
}

func TestHandlerRecoversPanics(t *testing.T) {
	tests := []struct {
		name    string
		h       app.EventHandler
		failed  bool
		typ     string
		message string
	}{
		{"no panic", func(app.Context, app.Event) {}, false, "", ""},
		{"string panic", func(app.Context, app.Event) { panic("boom") }, true, "string", "boom"},
		{"error panic", func(app.Context, app.Event) { panic(errors.New("bad")) }, true, "*errors.errorString", "bad"},
		{"nil map write", func(app.Context, app.Event) { var m map[string]int; m["x"] = 1 }, true, "plainError", "assignment to entry in nil map"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sr := useRecorder(t)
			Handler("click.go", tt.h)(app.Context{}, app.Event{}) // must not panic
			s := sr.Ended()[0]
			if s.Name() != "click.go" {
				t.Fatalf("span %q", s.Name())
			}
			if (s.Status().Code == codes.Error) != tt.failed {
				t.Fatalf("status %v", s.Status())
			}
			if !tt.failed {
				return
			}
			ev := eventAttrs(s)
			if !strings.HasSuffix(ev[exception.AttrType], tt.typ) || ev[exception.AttrMessage] != tt.message {
				t.Errorf("exception %v", ev)
			}
			if !strings.Contains(ev[exception.AttrStacktrace], "goapp_test.go") {
				t.Errorf("stack lacks the panicking handler:\n%s", ev[exception.AttrStacktrace])
			}
		})
	}
}

// The action's span is the child of the dispatcher's span: go-app hands
// the dispatcher's context to the handler.
func TestActionFollowsDispatcher(t *testing.T) {
	sr := useRecorder(t)
	var inHandler trace.SpanContext
	h := Action(func(ctx app.Context, a app.Action) {
		inHandler = trace.SpanContextFromContext(ctx.Context)
		if a.Name == "explode" {
			panic("in action")
		}
	})
	ctx, click := Start(app.Context{Context: context.Background()}, "click")
	h(ctx, app.Action{Name: "save"})
	h(ctx, app.Action{Name: "explode"})
	click.End()
	h(app.Context{}, app.Action{Name: "orphan"})
	spans := sr.Ended()
	if len(spans) != 4 {
		t.Fatalf("%d spans", len(spans))
	}
	save, explode, orphan := spans[0], spans[1], spans[3]
	for _, s := range []sdktrace.ReadOnlySpan{save, explode} {
		if s.Parent().SpanID() != click.SpanContext().SpanID() {
			t.Errorf("%s: parent %v, want the click span", s.Name(), s.Parent().SpanID())
		}
	}
	if save.Name() != "action save" || explode.Status().Code != codes.Error || orphan.Parent().IsValid() {
		t.Errorf("save %q, explode %v, orphan parent %v", save.Name(), explode.Status(), orphan.Parent())
	}
	if inHandler.SpanID() != orphan.SpanContext().SpanID() {
		t.Errorf("the handler's ctx does not carry the action span")
	}
}

// With a noop provider no span is recorded, and panics are still
// recovered.
func TestSetTracerProviderNoop(t *testing.T) {
	sr := useRecorder(t)
	SetTracerProvider(noop.NewTracerProvider())
	t.Cleanup(func() { SetTracerProvider(nil) })
	Handler("x", func(app.Context, app.Event) { panic("still recovered") })(app.Context{}, app.Event{})
	if n := len(sr.Ended()); n != 0 {
		t.Fatalf("%d spans recorded with a noop provider", n)
	}
}
