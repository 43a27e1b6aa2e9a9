package viewer

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
	"github.com/spanfall/spanfall/viewer/query"
)

// Trace-level search: the trace list's query box keeps the traces of
// which any span matches the query (see docs/query.md).

// TraceMatches is the outcome of [MatchTraces].
type TraceMatches struct {
	// Hits holds the ids of the matching traces.
	Hits map[string]bool
	// Spans counts the spans read and matched.
	Spans int
	// Read is the time spent reading the store, Match the time spent
	// evaluating the query.
	Read, Match time.Duration
}

// MatchTraces reads each trace of ids from store and finds those with a
// span matching q.
func MatchTraces(ctx context.Context, store cache.Store, ids []string, q *query.Query) (TraceMatches, error) {
	m := TraceMatches{Hits: make(map[string]bool)}
	var buf []span.Span
	for _, id := range ids {
		t0 := time.Now()
		recs, err := store.Trace(ctx, id)
		m.Read += time.Since(t0)
		if err != nil {
			return m, fmt.Errorf("viewer: query trace %s: %w", id, err)
		}
		m.Spans += len(recs)
		t0 = time.Now()
		buf = buf[:0]
		for i := range recs {
			buf = append(buf, recs[i].Span)
		}
		if q.MatchTrace(buf) {
			m.Hits[id] = true
		}
		m.Match += time.Since(t0)
	}
	return m, nil
}

// traceQueryState is the trace list's query: hits is nil when no query
// is applied.
type traceQueryState struct {
	tqText string
	tqErr  string
	tqHits map[string]bool
	tqNote string
	tqBusy bool
	tqRun  int
}

// filterByTraceQuery keeps the traces the query matched.
func (v *view) filterByTraceQuery(ts []cache.TraceSummary) []cache.TraceSummary {
	if v.tqHits == nil {
		return ts
	}
	out := make([]cache.TraceSummary, 0, len(v.tqHits))
	for _, t := range ts {
		if v.tqHits[t.TraceID] {
			out = append(out, t)
		}
	}
	return out
}

// runTraceQuery parses the list's query and scans every listed trace.
func (v *view) runTraceQuery(ctx app.Context, text string) {
	v.tqText, v.tqErr = text, ""
	q, err := query.Parse(text)
	if err != nil {
		var perr *query.Error
		if errors.As(err, &perr) {
			v.tqErr = "column " + strconv.Itoa(perr.Offset+1) + ": " + perr.Msg
		}
		return
	}
	if q.Empty() || v.store == nil {
		v.tqHits, v.tqNote = nil, ""
		v.refilter()
		return
	}
	ids := make([]string, len(v.traces))
	for i := range v.traces {
		ids[i] = v.traces[i].TraceID
	}
	v.tqRun++
	run, store := v.tqRun, v.store
	v.tqBusy = true
	ctx.Async(func() {
		c, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		t0 := time.Now()
		m, err := MatchTraces(c, store, ids, q)
		took := time.Since(t0)
		ctx.Dispatch(func(app.Context) {
			if run != v.tqRun {
				return
			}
			v.tqBusy = false
			if err != nil {
				v.tqErr = err.Error()
				return
			}
			v.tqHits = m.Hits
			v.tqNote = fmt.Sprintf("%d of %s match · %s searched in %s (query %s, store reads %s)", len(m.Hits), plural(len(ids), "trace"),
				plural(m.Spans, "span"), took.Round(time.Millisecond), m.Match.Round(time.Millisecond), m.Read.Round(time.Millisecond))
			v.refilter()
		})
	})
}

func (v *view) onTraceQuery(ctx app.Context, _ app.Event) {
	if text := str(ctx.JSSrc(), "value"); text != v.tqText || v.tqErr != "" {
		v.runTraceQuery(ctx, text)
	}
}

// onTraceQueryKey runs the query on Enter: the page's key listener cancels
// Enter's keydown in text fields (it steps through the span search), so no
// change event comes from it.
func (v *view) onTraceQueryKey(ctx app.Context, e app.Event) {
	if str(e.Value, "key") != "Enter" {
		ctx.PreventUpdate()
		return
	}
	v.runTraceQuery(ctx, str(ctx.JSSrc(), "value"))
}

// renderTraceQuery draws the list's query box and its outcome.
func (v *view) renderTraceQuery() app.UI {
	note := v.tqNote
	if v.tqBusy {
		note = "searching…"
	}
	return app.Span().Class("sfv-tq").Body(
		app.Input().Class(classes("sfv-input", "sfv-tq-input", when(v.tqErr != "", "sfv-bad"))).ID(v.id("trace-query")).Type("search").
			Placeholder("Query traces, e.g. status=error").Aria("label", "Query traces: a trace matches when any span matches (Enter)").
			Attr("data-testid", "trace-query").Spellcheck(false).AutoComplete(false).Aria("invalid", v.tqErr != "").
			Value(v.tqText).OnChange(v.onTraceQuery).OnKeyUp(v.onTraceQueryKey),
		app.If(v.tqErr != "", func() app.UI {
			return app.Span().Class("sfv-error").Attr("role", "alert").Attr("data-testid", "trace-query-error").Text(v.tqErr)
		}),
		app.If(note != "", func() app.UI {
			return app.Span().Class("sfv-muted").Attr("data-testid", "trace-query-note").Attr("aria-live", "polite").Text(note)
		}),
	)
}
