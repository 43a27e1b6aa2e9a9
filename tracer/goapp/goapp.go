package goapp

import (
	"context"
	"runtime/debug"
	"sync/atomic"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/spanfall/spanfall/tracer/exception"
)

// ScopeName is the instrumentation scope of the spans of this package.
const ScopeName = "github.com/spanfall/spanfall/tracer/goapp"

// Attribute keys.
const (
	AttrHandler    = attribute.Key("app.handler")
	AttrActionName = attribute.Key("app.action.name")
)

// provider holds the trace.TracerProvider set by SetTracerProvider.
var provider atomic.Value

// SetTracerProvider makes the package record with tp instead of the global
// provider (otel.GetTracerProvider); a noop provider turns its spans off
// (panics are still recovered); nil restores the global provider.
func SetTracerProvider(tp trace.TracerProvider) { provider.Store(&tp) }

// tracer returns the tracer of this package, from the provider at the
// time of the call (so a provider set after init is used).
func tracer() trace.Tracer {
	if tp, ok := provider.Load().(*trace.TracerProvider); ok && *tp != nil {
		return (*tp).Tracer(ScopeName)
	}
	return otel.Tracer(ScopeName)
}

// Start starts a span named name as a child of the span ctx carries (if
// any) and returns ctx carrying the new span. End the span.
//
//	ctx, span := goapp.Start(ctx, "load profile")
//	defer span.End()
func Start(ctx app.Context, name string, opts ...trace.SpanStartOption) (app.Context, trace.Span) {
	base := ctx.Context
	if base == nil {
		base = context.Background()
	}
	c, s := tracer().Start(base, name, opts...)
	ctx.Context = c
	return ctx, s
}

// Recover, deferred, recovers a panic, records it on s (status error, an
// exception event with the panic value's type and message and the
// stack) and returns normally: the panic does not propagate. Defer it
// directly (defer goapp.Recover(span)), after deferring s.End.
func Recover(s trace.Span) {
	if v := recover(); v != nil {
		exception.RecordPanic(s, v, debug.Stack())
	}
}

// Handler wraps an event handler: each event runs in a span named name
// (app.handler = name), which the handler's ctx carries, and a panic is
// recovered and recorded on it (see [Recover]).
//
//	app.Button().OnClick(goapp.Handler("save", c.onSave))
func Handler(name string, h app.EventHandler) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		ctx, s := Start(ctx, name, trace.WithAttributes(AttrHandler.String(name)))
		defer s.End()
		defer Recover(s)
		h(ctx, e)
	}
}

// Action wraps an action handler: each action runs in a span named
// "action <name>" (app.action.name), the child of the span the
// dispatcher's context carried when it called ctx.NewAction (go-app hands
// the dispatcher's context to the handler), and a panic is recovered and
// recorded on it (see [Recover]).
//
//	app.Handle("save", goapp.Action(onSave))
//	ctx.Handle("save", goapp.Action(c.onSave))
func Action(h app.ActionHandler) app.ActionHandler {
	return func(ctx app.Context, a app.Action) {
		ctx, s := Start(ctx, "action "+a.Name, trace.WithAttributes(AttrActionName.String(a.Name)))
		defer s.End()
		defer Recover(s)
		h(ctx, a)
	}
}
