// Package goapp traces go-app (v10) apps in one line each:
//
//   - [Start] starts a span from an app.Context and returns the context
//     carrying it, so what the code does next — ctx.NewAction, ctx.Async,
//     an HTTP request made with ctx — joins the span's trace;
//   - [Handler] wraps an event handler (OnClick, OnChange, …): a span per
//     event, and a panic in the handler is recovered and recorded as an
//     error span instead of killing the app;
//   - [Action] wraps an action handler (app.Handle, ctx.Handle): a span per
//     action dispatched with ctx.NewAction, the child of the dispatcher's
//     span when the dispatcher's context carried one;
//   - [Navigated], called from a component's OnNav, records a span per
//     route navigation with the route; [Nav] is a component that does it
//     for you.
//
// Spans go to the global OpenTelemetry tracer provider
// (otel.SetTracerProvider), scope [ScopeName].
//
// go-app itself has no recover hook: a panic in an event or action
// handler runs on go-app's UI goroutine or an action goroutine and ends
// the whole wasm program. [Handler], [Action] and [Recover] therefore
// recover and do not re-panic: the panic is recorded (exception.type is
// the panic value's Go type, the stack from runtime/debug.Stack) and the
// app keeps running. Code that must crash should not use them.
//
// The package imports go-app, which does not build for GOOS=wasip1, so it
// lives outside tracer/.
package goapp
