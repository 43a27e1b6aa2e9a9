package viewer

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/spanfall/spanfall/cache"
)

// Page is the /viewer route: the store's status line, the trace list and,
// when the URL names one, a trace's waterfall with the selected span's
// details. The URL carries the view (see [ViewState]), so a reload or a
// shared link shows the same thing. It reads the store given to [NewPage]
// and needs no backend.
//
// Keys work anywhere on the page (press ? for the list). New spans appear
// every [LiveInterval] unless paused, and at once on [RefreshAction].
type Page struct {
	app.Compo
	view

	unlisten func()
}

// NewPage returns a viewer page reading store. store may be nil on the
// server, where the page prerenders its empty frame.
func NewPage(store cache.Store) *Page {
	return &Page{view: newView(store, false, "sfv-page")}
}

// OnNav opens what the URL names and reads the store.
func (p *Page) OnNav(ctx app.Context) {
	u := ctx.Page().URL()
	s := ParseViewState(u.Query())
	p.applyViewState(s)
	p.url = s.Path(u.Path)
	p.loadTrace(ctx, true)
}

// OnMount starts the keyboard listener and the live refresh.
func (p *Page) OnMount(ctx app.Context) {
	p.unlisten = listen("keydown", func(e app.Value) {
		k := keyEvent(e)
		if CommandFor(k) == CmdNone {
			return
		}
		// Cancel now, while the browser waits: "/" must not open the
		// browser's find bar, arrows must not scroll the page.
		preventDefault(e)
		leaveField(e, k)
		ctx.Dispatch(func(ctx app.Context) { p.key(ctx, k) })
	})
	ctx.Handle(RefreshAction, func(ctx app.Context, _ app.Action) { p.loadAll(ctx, true) })
	p.startLive(ctx)
}

// OnDismount stops the listener and the live refresh.
func (p *Page) OnDismount() {
	if p.unlisten != nil {
		p.unlisten()
		p.unlisten = nil
	}
	p.stopLive()
}

// OnResize measures the waterfall again.
func (p *Page) OnResize(ctx app.Context) {
	ctx.Defer(p.measure)
}

// Render draws the viewer.
func (p *Page) Render() app.UI {
	return app.Div().Class("sfv-page-host").Body(
		app.Link().Rel("stylesheet").Href(Stylesheet),
		p.render(app.A().Class("sfv-btn").Href("/").Text("App")),
	)
}
