package viewer

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// renderPane draws the detail pane of the selected span: every value is
// a text node, long ones cut at valueCut runes with a button that shows
// them whole.
func (v *view) renderPane() app.UI {
	i := v.selectedRow()
	r := &v.rows[i]
	d := DetailOf(r.Record, v.start)
	status := d.Status
	if d.StatusMessage != "" {
		status += ": " + d.StatusMessage
	}
	export := "pending export"
	if d.Exported {
		export = "exported"
	}
	overview := []Field{
		{Key: "status", Value: status},
		{Key: "start", Value: d.Start},
		{Key: "duration", Value: d.Duration},
		{Key: "span id", Value: d.SpanID},
		{Key: "parent", Value: parentText(d.ParentSpanID, r.Orphan)},
		{Key: "trace id", Value: d.TraceID},
		{Key: "export", Value: export},
	}
	if d.Dropped != "" {
		overview = append(overview, Field{Key: "dropped", Value: d.Dropped})
	}
	if d.Scope != "" {
		overview = append(overview, Field{Key: "scope", Value: d.Scope})
	}
	body := []app.UI{
		v.fieldTable("o", "Overview", overview, "overview"),
		v.fieldTable("a", "Attributes", d.Attributes, "attributes"),
	}
	if len(d.Events) > 0 {
		evs := make([]app.UI, len(d.Events))
		for k, e := range d.Events {
			evs[k] = app.Li().Class("sfv-event").Body(
				app.Div().Class("sfv-event-head").Body(
					app.Span().Class("sfv-event-at").Text(e.At),
					app.Span().Class("sfv-event-name").Body(highlightUI(e.Name, v.highlightTerm())...),
				),
				app.If(len(e.Attributes) > 0, func() app.UI {
					return v.values("e"+strconv.Itoa(k)+".", e.Attributes)
				}),
			)
		}
		body = append(body, app.Section().Class("sfv-sect").Attr("data-testid", "events").Body(
			app.H3().Text("Events ("+strconv.Itoa(len(d.Events))+")"),
			app.Ul().Class("sfv-events").Body(evs...),
		))
	}
	if len(d.Links) > 0 {
		links := make([]app.UI, len(d.Links))
		for k, l := range d.Links {
			fs := append([]Field{{Key: "trace id", Value: l.TraceID}, {Key: "span id", Value: l.SpanID}}, l.Attributes...)
			if l.TraceState != "" {
				fs = append(fs, Field{Key: "trace state", Value: l.TraceState})
			}
			links[k] = app.Li().Class("sfv-event").Body(v.values("l"+strconv.Itoa(k)+".", fs))
		}
		body = append(body, app.Section().Class("sfv-sect").Attr("data-testid", "links").Body(
			app.H3().Text("Links ("+strconv.Itoa(len(d.Links))+")"),
			app.Ul().Class("sfv-events").Body(links...),
		))
	}
	body = append(body, v.fieldTable("r", "Resource", d.Resource, "resource"))
	if v.jsonOpen {
		js, err := SpanJSON(r.Record)
		if err != nil {
			js = err.Error()
		}
		body = append(body, app.Section().Class("sfv-sect").Body(
			app.H3().Text("OTLP JSON"),
			app.Pre().Class("sfv-json").Attr("data-testid", "span-json").Text(js),
		))
	}

	jsonLabel := "Show JSON"
	if v.jsonOpen {
		jsonLabel = "Hide JSON"
	}
	return app.Aside().Class("sfv-pane").Attr("role", "region").Aria("label", "Span details").
		Attr("data-testid", "span-detail").Attr("data-span-id", attrID(d.SpanID)).Body(
		app.Div().Class("sfv-pane-head").Body(
			app.Div().Class("sfv-pane-titles").Body(
				app.H2().Class("sfv-pane-title").Attr("data-testid", "detail-name").Text(d.Name),
				app.Div().Class("sfv-pills").Body(
					app.Span().Class("sfv-pill", "sfv-kind-"+d.Kind).Body(app.Span().Class("sfv-kind"), app.Text(d.Kind)),
					app.Span().Class(classes("sfv-pill", "sfv-status-"+d.Status)).Attr("data-testid", "detail-status").Text(d.Status),
					app.Span().Class("sfv-pill").Text(d.Duration),
				),
			),
			app.Div().Class("sfv-pane-tools").Body(
				app.Button().Class("sfv-btn").Attr("data-testid", "copy-json").Title("Copy the span as OTLP JSON").
					Text("Copy JSON").OnClick(v.onCopyJSON),
				app.Button().Class("sfv-btn").Attr("data-testid", "toggle-json").Aria("pressed", v.jsonOpen).
					Text(jsonLabel).OnClick(v.onToggleJSON),
				app.Button().Class("sfv-btn", "sfv-icon").Attr("data-testid", "close-detail").
					Aria("label", "Close details").Title("Close (Esc)").Text("×").OnClick(v.onClosePane),
			),
			app.Span().Class("sfv-note").Attr("role", "status").Attr("data-testid", "copy-note").Text(v.note),
		),
		app.Div().Class("sfv-pane-body").Body(body...),
	)
}

func parentText(parent string, orphan bool) string {
	switch {
	case parent == "":
		return "none (root span)"
	case orphan:
		return parent + " (not stored)"
	}
	return parent
}

// fieldTable draws a titled section of key/value rows.
func (v *view) fieldTable(keyPrefix, title string, fs []Field, testID string) app.UI {
	sect := app.Section().Class("sfv-sect").Attr("data-testid", testID)
	if len(fs) == 0 {
		return sect.Body(app.H3().Text(title), app.P().Class("sfv-muted").Text("none"))
	}
	return sect.Body(app.H3().Text(title+" ("+strconv.Itoa(len(fs))+")"), v.values(keyPrefix, fs))
}

// values draws key/value rows; keyPrefix names them for the set of values
// shown whole.
func (v *view) values(keyPrefix string, fs []Field) app.UI {
	rows := make([]app.UI, len(fs))
	for k, f := range fs {
		key := keyPrefix + strconv.Itoa(k)
		whole := v.more.Has(key)
		shown, cut := Truncate(f.Value, valueCut)
		if whole {
			shown = f.Value
		}
		cell := app.Td().Class(classes("sfv-val", "sfv-t-"+f.Type)).Body(
			app.Span().Class("sfv-val-text").Body(highlightUI(shown, v.highlightTerm())...),
			app.If(cut, func() app.UI {
				label := "show all (" + strconv.Itoa(len([]rune(f.Value))) + " chars)"
				if whole {
					label = "show less"
				}
				return app.Button().Class("sfv-link").Attr("data-more", key).Attr("data-testid", "show-more").
					Aria("expanded", whole).Text(label).OnClick(v.onMoreValue)
			}),
		)
		rows[k] = app.Tr().Body(app.Th().Attr("scope", "row").Class("sfv-key").Text(f.Key), cell)
	}
	return app.Table().Class("sfv-kv").Body(app.TBody().Body(rows...))
}
