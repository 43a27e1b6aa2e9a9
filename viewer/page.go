package viewer

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
)

// Page is the /viewer route: the stored traces and, when the URL names one
// (?trace=<id>), its waterfall. It reads the store given to [NewPage] and
// needs no backend.
type Page struct {
	app.Compo

	store cache.Store

	traces  []cache.TraceSummary
	stats   cache.Stats
	traceID string
	rows    []Row
	start   uint64
	end     uint64
	loading bool
	err     string
}

// NewPage returns a viewer page reading store. store may be nil on the
// server, where the page prerenders its empty frame.
func NewPage(store cache.Store) *Page { return &Page{store: store, loading: true} }

// OnNav loads the trace list and the trace named in the URL.
func (p *Page) OnNav(ctx app.Context) {
	p.traceID = ctx.Page().URL().Query().Get("trace")
	p.load(ctx)
}

func (p *Page) load(ctx app.Context) {
	store, traceID := p.store, p.traceID
	if store == nil {
		return
	}
	ctx.Async(func() {
		c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		traces, err := store.Traces(c)
		var stats cache.Stats
		if err == nil {
			stats, err = store.Stats(c)
		}
		var rows []Row
		var start, end uint64
		if err == nil && traceID != "" {
			var recs []cache.Record
			recs, err = store.Trace(c, traceID)
			rows, start, end = Layout(recs)
		}
		ctx.Dispatch(func(ctx app.Context) {
			p.loading = false
			p.traces, p.stats, p.rows, p.start, p.end = traces, stats, rows, start, end
			p.err = ""
			if err != nil {
				p.err = err.Error()
			}
		})
	})
}

func (p *Page) onRefresh(ctx app.Context, _ app.Event) { p.load(ctx) }

func (p *Page) onSelect(id string) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		ctx.Navigate("/viewer?trace=" + url.QueryEscape(id))
	}
}

// Render draws the status line, the trace list and the waterfall.
func (p *Page) Render() app.UI {
	return app.Div().Class("sf-viewer").Body(
		app.Header().Class("sf-bar").Body(
			app.H1().Text("Spanfall viewer"),
			app.A().Href("/").Text("demo"),
			app.Button().Attr("data-testid", "refresh").Text("Refresh").OnClick(p.onRefresh),
			app.Span().Class("sf-status").Attr("data-testid", "store-status").Text(p.statusText()),
		),
		app.If(p.store != nil && p.store.Kind() == "memory", func() app.UI {
			return app.P().Class("sf-warning").Attr("role", "status").Attr("data-testid", "store-warning").
				Text("IndexedDB is unavailable (private mode, disabled storage or an old browser): spans are kept in memory only and are lost when this tab closes.")
		}),
		app.If(p.err != "", func() app.UI {
			return app.P().Class("sf-error").Attr("role", "alert").Text(p.err)
		}),
		p.renderList(),
		app.If(p.traceID != "", p.renderWaterfall),
	)
}

func (p *Page) statusText() string {
	if p.store == nil || p.loading {
		return "loading…"
	}
	return fmt.Sprintf("%s store · %d spans · %d pending · %d exported · %d evicted · %d traces",
		p.store.Kind(), p.stats.Spans, p.stats.Pending, p.stats.Exported, p.stats.Evicted.Total(), p.stats.Traces)
}

func (p *Page) renderList() app.UI {
	if !p.loading && len(p.traces) == 0 {
		return app.P().Class("sf-empty").Attr("data-testid", "no-traces").Text("No traces stored yet.")
	}
	return app.Table().Class("sf-traces").Attr("data-testid", "trace-list").Body(
		app.THead().Body(app.Tr().Body(
			app.Th().Text("Root"), app.Th().Text("Service"), app.Th().Text("Start"),
			app.Th().Text("Duration"), app.Th().Text("Spans"), app.Th().Text("Errors"), app.Th().Text("Export"),
		)),
		app.TBody().Body(app.Range(p.traces).Slice(func(i int) app.UI {
			t := p.traces[i]
			root := t.RootName
			if t.RootMissing {
				root += " (root not stored)"
			}
			return app.Tr().
				Class("sf-trace").
				Class(classIf(t.TraceID == p.traceID, "selected")).
				Attr("data-testid", "trace-row").
				Attr("data-trace-id", t.TraceID).
				OnClick(p.onSelect(t.TraceID)).
				Body(
					app.Td().Body(app.A().Href("/viewer?trace="+t.TraceID).Text(root)),
					app.Td().Text(t.Service),
					app.Td().Text(time.Unix(0, int64(t.Start)).Format("15:04:05.000")),
					app.Td().Class("num").Text(FormatDuration(t.End-t.Start)),
					app.Td().Class("num").Text(t.Spans),
					app.Td().Class("num").Class(classIf(t.Errors > 0, "err")).Text(t.Errors),
					app.Td().Text(exportState(t)),
				)
		})),
	)
}

func exportState(t cache.TraceSummary) string {
	switch {
	case t.Pending == 0:
		return "exported"
	case t.Exported == 0:
		return "pending"
	}
	return fmt.Sprintf("%d pending", t.Pending)
}

func (p *Page) renderWaterfall() app.UI {
	if len(p.rows) == 0 {
		return app.P().Class("sf-empty").Text("Trace " + p.traceID + " has no stored spans.")
	}
	ticks := Ticks(p.end-p.start, 8)
	return app.Div().Class("sf-waterfall").Attr("role", "treegrid").Attr("data-testid", "waterfall").
		Aria("label", "Spans of trace "+p.traceID).Body(
		app.Div().Class("sf-ruler").Attr("role", "row").Body(
			app.Div().Class("sf-name").Attr("role", "columnheader").Text("Span"),
			app.Div().Class("sf-track").Attr("role", "columnheader").Body(
				app.Range(ticks).Slice(func(i int) app.UI {
					return app.Span().Class("sf-tick").Style("left", pct(ticks[i].Offset)).Text(ticks[i].Label)
				}),
			),
		),
		app.Range(p.rows).Slice(func(i int) app.UI { return p.renderRow(p.rows[i]) }),
	)
}

func (p *Page) renderRow(r Row) app.UI {
	s := r.Record.Span
	isErr := s.Status.Code == span.StatusError
	name := s.Name
	if r.Orphan {
		name += " (parent not stored)"
	}
	row := app.Div().Class("sf-row").Class("kind-"+s.Kind.String()).Class(classIf(isErr, "err")).
		Attr("role", "row").
		Attr("data-span-id", s.SpanID).
		Aria("level", r.Depth+1)
	if r.Children > 0 {
		row = row.Aria("expanded", true)
	}
	return row.Body(
		app.Div().Class("sf-name").Attr("role", "gridcell").Style("padding-left", fmt.Sprintf("%dpx", 6+14*r.Depth)).
			Text(name),
		app.Div().Class("sf-track").Attr("role", "gridcell").Body(
			app.Div().Class("sf-span-bar").Style("left", pct(r.Offset)).Style("width", pct(max(r.Width, 0.002))),
			app.Span().Class("sf-dur").Style("left", pct(min(r.Offset+r.Width, 0.9))).Text(FormatDuration(s.Duration())),
		),
	)
}

func pct(f float64) string { return fmt.Sprintf("%.4f%%", f*100) }

func classIf(cond bool, c string) string {
	if cond {
		return c
	}
	return ""
}
