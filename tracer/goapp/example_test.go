package goapp_test

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/spanfall/spanfall/tracer/goapp"
)

type profile struct {
	app.Compo
	name string
}

func (p *profile) OnMount(ctx app.Context) {
	// A span per "profile.save" action, child of the click's span.
	ctx.Handle("profile.save", goapp.Action(func(ctx app.Context, a app.Action) {
		ctx, span := goapp.Start(ctx, "store profile")
		defer span.End()
		_ = ctx // pass ctx on: what it starts joins the trace
	}))
}

func (p *profile) Render() app.UI {
	return app.Div().Body(
		&goapp.Nav{}, // a span per route navigation
		app.Button().Text("Save").OnClick(goapp.Handler("profile.click", func(ctx app.Context, e app.Event) {
			ctx.NewAction("profile.save") // carries the click's span
		})),
	)
}

// Trace a go-app component: route changes, a click, and the action it
// dispatches, in one line each.
func Example() {
	app.Route("/profile", func() app.Composer { return &profile{} })
}
