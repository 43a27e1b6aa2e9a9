package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/goapp"
	"github.com/spanfall/spanfall/viewer"
)

const demoScope = "github.com/spanfall/spanfall/app/demo"

// demo is the / route: buttons whose actions are traced.
type demo struct {
	app.Compo

	runs      int
	last      string
	result    string
	running   bool
	updatable bool
}

// OnMount shows the update banner when a new version was already fetched.
func (d *demo) OnMount(ctx app.Context) { d.updatable = ctx.AppUpdateAvailable() }

// OnAppUpdate shows the update banner once go-app's service worker has
// fetched a new version of the app in the background.
func (d *demo) OnAppUpdate(ctx app.Context) { d.updatable = ctx.AppUpdateAvailable() }

func (d *demo) Render() app.UI {
	return app.Main().Class("sf-demo").Body(
		app.If(d.updatable, func() app.UI {
			return app.Div().Class("sf-update").Attr("role", "status").Attr("data-testid", "update-available").Body(
				app.Text("Update available — "),
				app.Button().Text("reload").OnClick(func(ctx app.Context, _ app.Event) { ctx.Reload() }),
			)
		}),
		app.H1().Text("Spanfall"),
		app.P().Text("Offline-first OpenTelemetry tracing for Go WebAssembly. "+
			"Every click below becomes a trace, kept in IndexedDB until the collector has it."),
		app.Div().Class("sf-actions").Body(
			app.Button().
				Attr("data-testid", "demo-action").
				Disabled(d.running).
				Text("Run demo action").
				OnClick(d.onAction),
			app.A().Href("/viewer").Attr("data-testid", "open-viewer").Text("Open the viewer"),
			app.A().Href("/lab").Attr("data-testid", "open-lab").Text("Instrumentation lab"),
		),
		app.P().Attr("data-testid", "demo-runs").Text(fmt.Sprintf("%d actions traced", d.runs)),
		app.If(d.last != "", func() app.UI {
			return app.P().Body(
				app.Text("Last trace: "),
				app.A().Href("/viewer?trace="+d.last).Attr("data-testid", "demo-last-trace").Text(d.last),
				app.Text(" · "+d.result),
			)
		}),
		&viewer.Panel{},
		&goapp.Nav{},
	)
}

func (d *demo) onAction(ctx app.Context, _ app.Event) {
	d.running = true
	origin := app.Window().URL()
	ctx.Async(func() {
		traceID, result := runDemoAction(origin.Scheme + "://" + origin.Host)
		ctx.Dispatch(func(app.Context) {
			d.running = false
			d.runs++
			d.last, d.result = traceID, result
		})
	})
}

// runDemoAction records a demo.action trace: some computation and a
// same-origin fetch of /api/demo through the traced Go HTTP client.
func runDemoAction(origin string) (traceID, result string) {
	t := otel.Tracer(demoScope)
	ctx, s := t.Start(context.Background(), "demo.action",
		trace.WithAttributes(attribute.String("app.action", "demo")))
	defer s.End()

	_, c := t.Start(ctx, "demo.compute")
	sum := 0
	for i := range 200_000 {
		sum += i % 7
	}
	c.SetAttributes(attribute.Int("demo.sum", sum))
	c.End()

	client := &http.Client{
		Timeout: 10 * time.Second,
		Transport: &tracer.Transport{
			Tracer:    otel.Tracer(demoScope),
			Policy:    pagePolicy, // same-origin and SPANFALL_PROPAGATE_ORIGINS; URLs scrubbed
			Propagate: func(host string) bool { return origin == "http://"+host || origin == "https://"+host },
		},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, origin+"/api/demo", nil)
	if err != nil {
		s.SetStatus(codes.Error, err.Error())
		return s.SpanContext().TraceID().String(), err.Error()
	}
	resp, err := client.Do(req)
	if err != nil {
		s.SetStatus(codes.Error, err.Error())
		return s.SpanContext().TraceID().String(), "fetch failed: " + err.Error()
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return s.SpanContext().TraceID().String(), "fetch answered " + resp.Status
}
