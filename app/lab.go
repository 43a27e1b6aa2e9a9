package main

import (
	"fmt"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"go.opentelemetry.io/otel/attribute"

	"github.com/spanfall/spanfall/tracer/goapp"
)

// labSaveAction is the action the lab's "dispatch an action" button sends.
const labSaveAction = "lab.save"

// lab is the /lab route: buttons that trigger each app instrumentation
// (errors, a Go panic, a long task, an action, a route change), each with
// a stable data-testid for the end-to-end tests.
type lab struct {
	app.Compo

	clicks  int
	panics  int
	actions int
}

// OnMount loads web/lab.js (once) and registers the traced action
// handler.
func (l *lab) OnMount(ctx app.Context) {
	doc := app.Window().Get("document")
	if doc.Call("querySelector", "script[data-spanfall-lab]").IsNull() {
		s := doc.Call("createElement", "script")
		s.Set("src", "/web/lab.js")
		s.Call("setAttribute", "data-spanfall-lab", "")
		doc.Get("head").Call("appendChild", s)
	}
	ctx.Handle(labSaveAction, goapp.Action(func(ctx app.Context, a app.Action) {
		_, s := goapp.Start(ctx, "lab.save.work")
		s.SetAttributes(attribute.Int("lab.actions", l.actions+1))
		s.End()
		l.actions++
	}))
}

func (l *lab) Render() app.UI {
	return app.Main().Class("sf-demo").Body(
		&goapp.Nav{},
		app.H1().Text("Instrumentation lab"),
		app.P().Text("Each button triggers one source of spans."),
		app.Div().Class("sf-actions").Body(
			app.Button().Attr("data-testid", "lab-throw").Text("Throw a JS error").OnClick(labThrow),
			app.Button().Attr("data-testid", "lab-reject").Text("Reject a promise").OnClick(labReject),
			app.Button().Attr("data-testid", "lab-panic").Text("Panic in a Go handler").
				OnClick(goapp.Handler("lab.panic", func(ctx app.Context, _ app.Event) {
					_, step := goapp.Start(ctx, "lab.panic.step")
					step.End()
					l.panics++
					var m map[string]int
					m["boom"]++ // a runtime error: assignment to entry in nil map
				})),
			app.Button().Attr("data-testid", "lab-long-task").Text("Block the main thread 150 ms").
				OnClick(goapp.Handler("lab.long-task", func(app.Context, app.Event) {
					for t := time.Now(); time.Since(t) < 150*time.Millisecond; {
					}
				})),
			app.Button().Attr("data-testid", "lab-action").Text("Dispatch an action").
				OnClick(goapp.Handler("lab.click", func(ctx app.Context, _ app.Event) {
					ctx.NewAction(labSaveAction)
				})),
			app.Button().Attr("data-testid", "lab-count").Text("Count").
				OnClick(func(app.Context, app.Event) { l.clicks++ }),
			app.A().Href("/").Attr("data-testid", "lab-home").Text("Back to the demo"),
		),
		app.P().Attr("data-testid", "lab-state").Text(fmt.Sprintf("clicks %d · panics %d · actions %d", l.clicks, l.panics, l.actions)),
	)
}

// labThrow has web/lab.js throw an uncaught TypeError from a timer (a
// same-origin script, so the error event carries the Error and its
// stack; no eval, so the page's CSP allows it).
func labThrow(app.Context, app.Event) {
	if lab := app.Window().Get("spanfallLab"); lab.Truthy() {
		lab.Call("throwError")
	}
}

// labReject rejects a promise nobody handles.
func labReject(app.Context, app.Event) {
	app.Window().Get("Promise").Call("reject", app.Window().Get("Error").New("lab: rejected"))
}
