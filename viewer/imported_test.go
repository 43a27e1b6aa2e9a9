package viewer_test

import (
	"context"
	"errors"
	"testing"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/span"
	"github.com/spanfall/spanfall/viewer"
	"github.com/spanfall/spanfall/viewer/query"
)

func spanOf(trace, id, name string) span.Span {
	return span.Span{TraceID: trace, SpanID: id, Name: name, StartTimeUnixNano: 1, EndTimeUnixNano: 2}
}

func TestSources(t *testing.T) {
	ctx := t.Context()
	const (
		appTrace = "11111111111111111111111111111111"
		impTrace = "22222222222222222222222222222222"
	)
	main, imp := cache.NewMemory(), cache.NewMemory()
	if err := main.Put(ctx, []span.Span{spanOf(appTrace, "1111111111111111", "app")}); err != nil {
		t.Fatal(err)
	}
	opened := 0
	src := viewer.NewSources(main, func(context.Context) (cache.Store, error) { opened++; return imp, nil })
	ts, err := src.Traces(ctx)
	if err != nil || len(ts) != 1 {
		t.Fatalf("Traces = %v, %v", ts, err)
	}
	var spans []span.Span
	for i := 0; i < 12001; i++ {
		spans = append(spans, spanOf(impTrace, spanIDFor(i), "imp"))
	}
	var progress []int
	if err := src.Import(ctx, spans, func(n int) { progress = append(progress, n) }); err != nil {
		t.Fatal(err)
	}
	if len(progress) != 3 || progress[2] != 12001 {
		t.Errorf("progress %v", progress)
	}
	ts, err = src.Traces(ctx)
	if err != nil || len(ts) != 2 || ts[1].TraceID != impTrace || ts[1].Spans != 12001 {
		t.Fatalf("Traces after import = %+v, %v", ts, err)
	}
	if !src.IsImported(impTrace) || src.IsImported(appTrace) {
		t.Error("IsImported")
	}
	recs, err := src.Trace(ctx, impTrace)
	if err != nil || len(recs) != 12001 {
		t.Errorf("Trace(imported) = %d records, %v", len(recs), err)
	}
	// Nothing imported is pending export, nor counted in the app's stats.
	pend, _ := src.Pending(ctx, 100)
	st, _ := src.Stats(ctx)
	if len(pend) != 1 || st.Spans != 1 {
		t.Errorf("pending %d, stats %+v", len(pend), st)
	}
	// A new page life lists the imported traces once Refresh read them
	// back; Traces never waits for that.
	again := viewer.NewSources(main, func(context.Context) (cache.Store, error) { return imp, nil })
	if err := again.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if ts, _ := again.Traces(ctx); len(ts) != 2 || !again.IsImported(impTrace) {
		t.Errorf("after Refresh: %+v", ts)
	}
	if opened != 1 {
		t.Errorf("opened the imported store %d times", opened)
	}
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := imp.Stats(ctx); !errors.Is(err, cache.ErrClosed) {
		t.Error("Close left the imported store open")
	}
}

// Sources passes the app store's head and tail reads through (the viewer's
// fast paths for big traces), and serves imported traces from Trace.
func TestSourcesHeadAndTail(t *testing.T) {
	ctx := t.Context()
	const (
		appTrace = "11111111111111111111111111111111"
		impTrace = "22222222222222222222222222222222"
	)
	main, imp := cache.NewMemory(), cache.NewMemory()
	for i := range 5 {
		if err := main.Put(ctx, []span.Span{spanOf(appTrace, spanIDFor(i), "app")}); err != nil {
			t.Fatal(err)
		}
	}
	src := viewer.NewSources(main, func(context.Context) (cache.Store, error) { return imp, nil })
	if err := src.Import(ctx, []span.Span{spanOf(impTrace, spanIDFor(1), "imp"), spanOf(impTrace, spanIDFor(2), "imp")}, nil); err != nil {
		t.Fatal(err)
	}
	all, err := src.Trace(ctx, appTrace)
	if err != nil || len(all) != 5 {
		t.Fatalf("Trace = %d, %v", len(all), err)
	}
	head, err := src.TraceHead(ctx, appTrace, 3)
	if err != nil || len(head) != 3 || head[0].Seq != all[0].Seq || head[2].Seq != all[2].Seq {
		t.Errorf("TraceHead(app, 3) = %+v, %v; want Trace's first 3", cache.Seqs(head), err)
	}
	after, err := src.TraceAfter(ctx, appTrace, all[2].Seq)
	if err != nil || len(after) != 2 {
		t.Errorf("TraceAfter(app) = %v, %v; want the last 2", cache.Seqs(after), err)
	}
	if head, err := src.TraceHead(ctx, impTrace, 1); err != nil || len(head) != 1 {
		t.Errorf("TraceHead(imported, 1) = %d, %v", len(head), err)
	}
	if after, err := src.TraceAfter(ctx, impTrace, 0); err != nil || len(after) != 2 {
		t.Errorf("TraceAfter(imported, 0) = %d, %v", len(after), err)
	}
	if head, _ := src.TraceHead(ctx, appTrace, 0); len(head) != 0 {
		t.Errorf("TraceHead(n=0) = %d records", len(head))
	}
}

func TestSourcesOpenError(t *testing.T) {
	ctx := t.Context()
	main := cache.NewMemory()
	src := viewer.NewSources(main, func(context.Context) (cache.Store, error) { return nil, errors.New("blocked") })
	if _, err := src.Traces(ctx); err != nil {
		t.Errorf("Traces with no imported store: %v", err)
	}
	if err := src.Import(ctx, []span.Span{spanOf("22222222222222222222222222222222", "1111111111111111", "x")}, nil); err == nil {
		t.Error("Import without an imported store succeeded")
	}
}

func spanIDFor(i int) string {
	const hex = "0123456789abcdef"
	b := []byte("1000000000000000")
	for k := 15; k > 0 && i > 0; k-- {
		b[k] = hex[i%16]
		i /= 16
	}
	return string(b)
}

func TestMatchTraces(t *testing.T) {
	ctx := t.Context()
	store := cache.NewMemory()
	a, b := "11111111111111111111111111111111", "22222222222222222222222222222222"
	bad := spanOf(b, "2222222222222222", "fetch")
	bad.Status.Code = span.StatusError
	if err := store.Put(ctx, []span.Span{spanOf(a, "1111111111111111", "root"), spanOf(b, "1111111111111111", "root"), bad}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ q, want string }{{"status=error", "b"}, {"root", "ab"}, {"name=fetch or name=nothing", "b"}, {"zzz", ""}} {
		q, err := query.Parse(tt.q)
		if err != nil {
			t.Fatal(err)
		}
		m, err := viewer.MatchTraces(ctx, store, []string{a, b}, q)
		if err != nil || m.Spans != 3 {
			t.Fatalf("MatchTraces: %d spans, %v", m.Spans, err)
		}
		hits := m.Hits
		got := ""
		if hits[a] {
			got += "a"
		}
		if hits[b] {
			got += "b"
		}
		if got != tt.want {
			t.Errorf("MatchTraces(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}
