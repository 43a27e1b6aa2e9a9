package goapp

import (
	"context"
	"net/url"
	"sync"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// NavSpanName is the name of a route navigation span.
const NavSpanName = "navigation"

// Attribute keys of a navigation span.
const (
	AttrRoute     = attribute.Key("app.route")
	AttrPath      = attribute.Key("url.path")
	AttrPrevRoute = attribute.Key("app.route.previous")
	AttrNavKind   = attribute.Key("app.navigation.kind")
)

// Kinds of navigation (app.navigation.kind).
const (
	KindInitial = "initial" // the first route of the page: from the navigation start
	KindLink    = "link"    // a click on a same-origin link
	KindHistory = "history" // back/forward (popstate)
	KindCode    = "code"    // ctx.Navigate or anything not seen starting
)

// maxPending is how long a seen navigation start (click, popstate) may
// wait for its OnNav; older starts are ignored.
const maxPending = 10 * time.Second

// navRecord is one navigation span to record.
type navRecord struct {
	Start, End  time.Time
	Route, Prev string
	Kind        string
}

// navTracker pairs navigation starts with go-app's OnNav. It is safe for
// concurrent use.
type navTracker struct {
	mu       sync.Mutex
	origin   time.Time // navigation start of the page
	prev     string
	started  bool // the initial navigation was recorded
	pending  time.Time
	kind     string
	lastSeen string // route of the last record, to skip repeats
}

// begin notes a navigation starting at t.
func (n *navTracker) begin(t time.Time, kind string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.pending, n.kind = t, kind
}

// end pairs the navigation to route, ended at t, with its start. ok is
// false when route is the same as the last one recorded (go-app calls
// OnNav on every component of the page, and on fragment changes).
func (n *navTracker) end(t time.Time, route string) (r navRecord, ok bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	r = navRecord{Start: t, End: t, Route: route, Prev: n.prev, Kind: KindCode}
	switch {
	case !n.started:
		n.started = true
		r.Kind = KindInitial
		if !n.origin.IsZero() && n.origin.Before(t) {
			r.Start = n.origin
		}
	case route == n.lastSeen && n.pending.IsZero():
		return r, false
	case !n.pending.IsZero() && t.Sub(n.pending) <= maxPending && !n.pending.After(t):
		r.Start, r.Kind = n.pending, n.kind
	}
	n.pending, n.kind = time.Time{}, ""
	n.prev, n.lastSeen = route, route
	return r, true
}

// routeOf returns the route of u: its path ("/" when empty).
func routeOf(u *url.URL) string {
	if u == nil || u.Path == "" {
		return "/"
	}
	return u.Path
}

// record records r as a span.
func (r navRecord) record(t trace.Tracer) {
	attrs := []attribute.KeyValue{
		AttrRoute.String(r.Route), AttrPath.String(r.Route), AttrNavKind.String(r.Kind),
	}
	if r.Prev != "" {
		attrs = append(attrs, AttrPrevRoute.String(r.Prev))
	}
	_, s := t.Start(context.Background(), NavSpanName, trace.WithTimestamp(r.Start), trace.WithAttributes(attrs...))
	s.End(trace.WithTimestamp(r.End))
}

// nav is the tracker of the page.
var nav = &navTracker{}

// Navigated records the navigation that made ctx's page current, as a
// span named "navigation" with app.route and url.path (the path, never
// the query), app.route.previous and app.navigation.kind. Call it from a
// component's OnNav; calls for the same route in a row (every component
// of a page gets OnNav) record one span. The span starts when the
// navigation was seen starting (a click on a same-origin link, a
// popstate, [Navigate]), at the page's navigation start for the first
// route, else when OnNav runs.
func Navigated(ctx app.Context) {
	watchNavigation()
	if r, ok := nav.end(time.Now(), routeOf(ctx.Page().URL())); ok {
		r.record(tracer())
	}
}

// Navigate navigates to rawURL with ctx.Navigate, noting the start for
// the navigation span.
func Navigate(ctx app.Context, rawURL string) {
	nav.begin(time.Now(), KindCode)
	ctx.Navigate(rawURL)
}

// Nav is a component that records route navigations: put &goapp.Nav{} in
// the body of every routed component (it renders nothing visible).
type Nav struct{ app.Compo }

// OnNav implements app.Navigator.
func (*Nav) OnNav(ctx app.Context) { Navigated(ctx) }

// Render implements app.Composer.
func (*Nav) Render() app.UI { return app.Span().Hidden(true).Attr("data-spanfall", "nav") }
