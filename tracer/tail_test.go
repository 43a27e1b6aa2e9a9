package tracer_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/sampling"
)

// With head ratio 0 and the tail rules on, the provider stores an erroring
// trace and a slow one whole, drops a clean fast one, and the traceparent
// sent downstream says sampled=0 for all of them.
func TestProviderWithTail(t *testing.T) {
	ctx := t.Context()
	store := cache.NewMemory()
	tail := sampling.NewTail(sampling.TailConfig{KeepErrors: true, SlowRoot: time.Second})
	tp := tracer.NewProvider(store, tracer.WithSampler(sampling.Head(0)), tracer.WithTail(tail.Process))
	tr := tp.Tracer("test")
	t0 := time.Unix(1_800_000_000, 0)

	trace3 := func(name string, rootDur time.Duration, failChild bool) trace.TraceID {
		rctx, root := tr.Start(ctx, name+".root", trace.WithTimestamp(t0))
		cctx, child := tr.Start(rctx, name+".child", trace.WithTimestamp(t0))
		_, grand := tr.Start(cctx, name+".grandchild", trace.WithTimestamp(t0))
		if failChild {
			grand.SetStatus(codes.Error, "boom")
		}
		carrier := propagation.MapCarrier{}
		propagation.TraceContext{}.Inject(cctx, carrier)
		if tp := carrier["traceparent"]; len(tp) != 55 || tp[53:] != "00" {
			t.Errorf("%s: downstream traceparent %q, want flags 00", name, tp)
		}
		grand.End(trace.WithTimestamp(t0.Add(time.Millisecond)))
		child.End(trace.WithTimestamp(t0.Add(2 * time.Millisecond)))
		root.End(trace.WithTimestamp(t0.Add(rootDur)))
		return root.SpanContext().TraceID()
	}
	erroring := trace3("err", 10*time.Millisecond, true)
	slow := trace3("slow", 2*time.Second, false)
	trace3("clean", 10*time.Millisecond, false)

	if err := tp.ForceFlush(ctx); err != nil {
		t.Fatal(err)
	}
	traces, err := store.Traces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range traces {
		got = append(got, s.TraceID)
		recs, err := store.Trace(ctx, s.TraceID)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 3 {
			t.Errorf("trace %s: stored %d spans, want the whole trace (3)", s.TraceID, len(recs))
		}
	}
	want := []string{erroring.String(), slow.String()}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("stored traces %v, want the erroring and the slow one %v", got, want)
	}
	st := tail.Stats()
	if st.Kept[sampling.ReasonError] != 3 || st.Kept[sampling.ReasonSlow] != 3 || st.Dropped[sampling.ReasonFast] != 3 {
		t.Fatalf("stats %+v", st)
	}
}

// A span whose parent came from another process (a traceparent) is the
// local root: the converter flags its parent as remote.
func TestProviderMarksRemoteParent(t *testing.T) {
	ctx := t.Context()
	store := cache.NewMemory()
	tp := tracer.NewProvider(store)
	remote := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2}, TraceFlags: trace.FlagsSampled, Remote: true})
	rctx, s := tp.Tracer("t").Start(trace.ContextWithRemoteSpanContext(context.Background(), remote), "local-root")
	_, c := tp.Tracer("t").Start(rctx, "child")
	c.End()
	s.End()
	if err := tp.ForceFlush(ctx); err != nil {
		t.Fatal(err)
	}
	recs, err := store.Pending(ctx, 10)
	if err != nil || len(recs) != 2 {
		t.Fatalf("%d spans, %v", len(recs), err)
	}
	for _, r := range recs {
		want := r.Span.Name == "local-root"
		if sampling.IsLocalRoot(&r.Span) != want {
			t.Errorf("%s: IsLocalRoot %v (flags %#x), want %v", r.Span.Name, !want, r.Span.Flags, want)
		}
	}
}
