package viewer

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Panel geometry, in CSS pixels.
const (
	panelMinHeight = 160
	panelStep      = 40 // a resize key press
	// panelHeightKey is the localStorage key of the panel's height.
	panelHeightKey = "spanfall.panel.height"
)

// Panel is Spanfall's embeddable debug panel: a small floating button
// that opens a drawer docked at the bottom of the window with the
// pipeline's status line, the trace list (by default the traces of the
// current page load) and the waterfall with span details. Ctrl+Shift+S
// toggles it; Escape closes it when nothing inside is left to close; its
// top edge resizes it (drag, or the arrow keys when focused).
//
// Add it to any go-app component's body:
//
//	app.Div().Body(
//		…,
//		&viewer.Panel{},
//	)
//
// and give it the store once in main (see [UseStore]):
//
//	viewer.UseStore(store)
//
// It costs nothing until opened beyond its button and one keydown
// listener: no store read, no timer. Its markup sits in fixed-position
// boxes under a display:contents wrapper and every class is prefixed
// "sfv-", so it never changes the host's layout. Its stylesheet is
// [Stylesheet].
type Panel struct {
	app.Compo

	open     bool
	height   float64
	dragging bool
	// observed is true once the panel observes the store state.
	observed bool
	// allTraces lists every stored trace, not only this page load's.
	allTraces bool
	ref       storeRef
	view      view
	unlisten  func()
}

// OnInit prepares the panel's state.
func (p *Panel) OnInit() {
	if p.view.idp == "" {
		p.view = newView(nil, true, "sfv-panel")
	}
}

// OnMount installs the toggle shortcut.
func (p *Panel) OnMount(ctx app.Context) {
	p.unlisten = listen("keydown", func(e app.Value) {
		k := keyEvent(e)
		if !k.Ctrl || !k.Shift || k.Alt || k.Meta || (k.Key != "S" && k.Key != "s") {
			return
		}
		preventDefault(e)
		ctx.Dispatch(func(ctx app.Context) { p.setOpen(ctx, !p.open) })
	})
	ctx.Handle(RefreshAction, func(ctx app.Context, _ app.Action) {
		if p.open {
			p.view.loadAll(ctx, true)
		}
	})
}

// OnDismount removes the shortcut and stops the live refresh.
func (p *Panel) OnDismount() {
	if p.unlisten != nil {
		p.unlisten()
		p.unlisten = nil
	}
	p.view.stopLive()
}

// OnResize measures the waterfall again.
func (p *Panel) OnResize(ctx app.Context) {
	if p.open {
		p.height = p.clampHeight(p.height)
		ctx.Defer(p.view.measure)
	}
}

// setOpen opens or closes the drawer. The first opening finds the store;
// every opening reads it and starts the live refresh, which closing stops.
func (p *Panel) setOpen(ctx app.Context, open bool) {
	if open == p.open {
		return
	}
	p.open = open
	if !open {
		p.view.stopLive()
		p.dragging = false
		ctx.Defer(func(app.Context) { focusElement("sfv-panel-toggle", false) })
		return
	}
	if p.height == 0 {
		var h float64
		ctx.LocalStorage().Get(panelHeightKey, &h)
		if h == 0 {
			h = innerHeight() * 0.45
		}
		p.height = p.clampHeight(h)
	}
	p.scope()
	if !p.observed {
		p.observed = true
		ctx.ObserveState(storeState, &p.ref).OnChange(func() {
			if p.view.store == p.ref.Store {
				return
			}
			p.view.store = p.ref.Store
			if p.open {
				p.view.loadTrace(ctx, true)
			}
		})
		if p.ref.Store == nil {
			ctx.NewAction(StoreAction)
		}
	}
	p.view.store = p.ref.Store
	p.view.loadTrace(ctx, true)
	p.view.startLive(ctx)
	ctx.Defer(func(ctx app.Context) {
		p.view.measure(ctx)
		focusElement(p.view.id("filter"), false)
	})
}

// scope applies the "this page only" switch to the trace list.
func (p *Panel) scope() {
	p.view.query.Since = 0
	if !p.allTraces {
		if o := pageOrigin(); o > 1_000_000 {
			// Performance.timeOrigin is a float of ms: allow for rounding.
			p.view.query.Since = o - 1_000_000
		}
	}
	p.view.refilter()
}

// clampHeight keeps the drawer between its minimum and the window height.
func (p *Panel) clampHeight(h float64) float64 {
	top := innerHeight() - 40
	if top <= panelMinHeight {
		top = 600
	}
	return min(max(h, panelMinHeight), top)
}

func (p *Panel) onToggle(ctx app.Context, _ app.Event) { p.setOpen(ctx, !p.open) }

func (p *Panel) onClose(ctx app.Context, _ app.Event) { p.setOpen(ctx, false) }

func (p *Panel) onScope(ctx app.Context, _ app.Event) {
	p.allTraces = !p.allTraces
	p.scope()
}

// onKeyDown handles keys inside the drawer: the viewer's, then Escape
// closes the drawer.
func (p *Panel) onKeyDown(ctx app.Context, e app.Event) {
	k := keyEvent(e.Value)
	leaveField(e.Value, k)
	if p.view.key(ctx, k) {
		preventDefault(e.Value)
		stopPropagation(e.Value)
		return
	}
	if k.Key == "Escape" && !k.Ctrl && !k.Alt && !k.Meta {
		stopPropagation(e.Value)
		p.setOpen(ctx, false)
	}
}

func (p *Panel) onResizeStart(ctx app.Context, e app.Event) {
	p.dragging = true
	call(prop(e.Value, "target"), "setPointerCapture", prop(e.Value, "pointerId"))
	preventDefault(e.Value)
}

func (p *Panel) onResizeMove(ctx app.Context, e app.Event) {
	if !p.dragging {
		ctx.PreventUpdate()
		return
	}
	p.resize(ctx, innerHeight()-number(e.Value, "clientY"))
}

func (p *Panel) onResizeEnd(ctx app.Context, _ app.Event) {
	if !p.dragging {
		return
	}
	p.dragging = false
	ctx.LocalStorage().Set(panelHeightKey, p.height)
}

func (p *Panel) onResizeKey(ctx app.Context, e app.Event) {
	d := 0.0
	switch str(e.Value, "key") {
	case "ArrowUp":
		d = panelStep
	case "ArrowDown":
		d = -panelStep
	default:
		return
	}
	preventDefault(e.Value)
	stopPropagation(e.Value)
	p.resize(ctx, p.height+d)
	ctx.LocalStorage().Set(panelHeightKey, p.height)
}

func (p *Panel) resize(ctx app.Context, h float64) {
	p.height = p.clampHeight(h)
	ctx.Defer(p.view.measure)
}

// Render draws the button and, when open, the drawer.
func (p *Panel) Render() app.UI {
	label := "Spans"
	if p.open {
		label = "Close spans"
	}
	return app.Div().Class("sfv-panel-host").Style("display", "contents").Body(
		app.Link().Rel("stylesheet").Href(Stylesheet),
		app.Button().ID("sfv-panel-toggle").Class(classes("sfv-fab", when(p.open, "sfv-fab-open"))).
			Attr("data-testid", "panel-toggle").Aria("expanded", p.open).Aria("controls", "sfv-panel").
			Title("Spanfall debug panel (Ctrl+Shift+S)").
			Body(app.Span().Class("sfv-logo").Aria("hidden", true), app.Text(label)).
			OnClick(p.onToggle),
		app.If(p.open, p.renderDrawer),
	)
}

func (p *Panel) renderDrawer() app.UI {
	var body app.UI
	if p.view.store == nil {
		body = app.Div().Class("sfv-root", "sfv-embedded").Body(
			app.P().Class("sfv-empty", "sfv-nostore").Attr("data-testid", "panel-no-store").
				Text("No span store: the app must call viewer.UseStore(store) in main, before app.RunWhenOnBrowser."),
		)
	} else {
		body = p.view.render(
			app.Label().Class("sfv-check").Title("List only the traces of this page load").Body(
				app.Input().Type("checkbox").Checked(!p.allTraces).Attr("data-testid", "panel-scope").OnChange(p.onScope),
				app.Text("this page"),
			),
			app.Button().Class("sfv-btn", "sfv-icon").Attr("data-testid", "panel-close").
				Aria("label", "Close the panel").Title("Close (Ctrl+Shift+S)").Text("×").OnClick(p.onClose),
		)
	}
	return app.Div().ID("sfv-panel").Class(classes("sfv-drawer", when(p.dragging, "sfv-dragging"))).
		Attr("role", "region").Aria("label", "Spanfall debug panel").Attr("data-testid", "panel").
		Style("height", px(p.height)).
		OnKeyDown(p.onKeyDown).
		Body(
			app.Div().Class("sfv-resize").Attr("role", "separator").
				Aria("orientation", "horizontal").Aria("label", "Resize the panel").
				Aria("valuenow", int(p.height)).Aria("valuemin", panelMinHeight).
				TabIndex(0).
				On("pointerdown", p.onResizeStart).On("pointermove", p.onResizeMove).
				On("pointerup", p.onResizeEnd).On("pointercancel", p.onResizeEnd).
				OnKeyDown(p.onResizeKey),
			body,
		)
}
