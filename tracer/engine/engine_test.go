package engine_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/engine"
	"github.com/spanfall/spanfall/tracer/span"
)

var t0 = time.Unix(1_700_000_000, 123_456_789)

func at(ms int) trace.SpanEventOption {
	return trace.WithTimestamp(t0.Add(time.Duration(ms) * time.Millisecond))
}

type myErr struct{}

func (myErr) Error() string { return "my error" }

// scenario exercises the API surface with fixed times so that two
// implementations must store equal spans.
func scenario(t *testing.T, tp trace.TracerProvider) {
	ctx := context.Background()
	tr := tp.Tracer("scope/a", trace.WithInstrumentationVersion("1.2.3"))
	linked := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1, 2, 3}, SpanID: trace.SpanID{4, 5, 6}, TraceFlags: trace.FlagsSampled,
	})
	rctx, root := tr.Start(ctx, "root", at(0), trace.WithSpanKind(trace.SpanKindServer),
		trace.WithLinks(trace.Link{SpanContext: linked, Attributes: []attribute.KeyValue{attribute.String("l", "v")}},
			trace.Link{}), // empty: ignored
		trace.WithAttributes(
			attribute.String("s", "x"), attribute.Int64("i", -42), attribute.Float64("f", 1.5),
			attribute.Bool("b", true), attribute.StringSlice("ss", []string{"a", "b"}),
			attribute.Int64Slice("is", []int64{1, 2}), attribute.Float64Slice("fs", []float64{0.5, math.Inf(1)}),
			attribute.BoolSlice("bs", []bool{true}),
			attribute.Float64("nan", math.NaN()), attribute.String("s", "dup-last-wins"),
			attribute.KeyValue{}, // invalid: dropped, counted
		))
	root.SetAttributes(attribute.String("later", "y"), attribute.String("i", "overwritten"))
	root.SetName("root-renamed")
	root.SetStatus(codes.Ok, "ignored for ok")
	root.SetStatus(codes.Error, "ok wins")

	cctx, child := tr.Start(rctx, "child", at(1), trace.WithSpanKind(trace.SpanKindClient))
	child.AddEvent("ev", trace.WithTimestamp(t0.Add(2*time.Millisecond)), trace.WithAttributes(attribute.Int("n", 1)))
	child.RecordError(myErr{}, trace.WithTimestamp(t0.Add(3*time.Millisecond)))
	child.RecordError(nil)
	child.AddLink(trace.Link{SpanContext: linked})
	child.SetStatus(codes.Error, "boom")
	_, grand := tr.Start(cctx, "grand", at(2), trace.WithSpanKind(trace.SpanKindProducer))
	grand.End(at(3))
	child.End(at(4))
	child.SetAttributes(attribute.String("after", "end")) // ignored
	child.End(at(9))                                      // ignored

	// A remote parent from a traceparent header.
	carrier := propagation.MapCarrier{"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "tracestate": "k=v"}
	pctx := propagation.TraceContext{}.Extract(ctx, carrier)
	_, remote := tr.Start(pctx, "remote-child", at(5), trace.WithSpanKind(trace.SpanKindConsumer))
	remote.End(at(6))
	// A new root despite a parent in the context.
	_, nr := tr.Start(rctx, "new-root", at(6), trace.WithNewRoot())
	nr.End(at(7))
	// An unsampled remote parent: nothing stored, the trace id is kept.
	unsampled := propagation.TraceContext{}.Extract(ctx, propagation.MapCarrier{"traceparent": "00-0af7651916cd43dd8448eb211c80319d-b7ad6b7169203331-00"})
	_, us := tr.Start(unsampled, "unsampled")
	if us.IsRecording() || us.SpanContext().IsSampled() || us.SpanContext().TraceID().String() != "0af7651916cd43dd8448eb211c80319d" {
		t.Errorf("child of unsampled parent: recording %v, sampled %v, trace %s", us.IsRecording(), us.SpanContext().IsSampled(), us.SpanContext().TraceID())
	}
	us.End()
	// Too many attributes: 128 kept, the rest dropped and counted.
	many := make([]attribute.KeyValue, 130)
	for i := range many {
		many[i] = attribute.Int(fmt.Sprintf("k%03d", i), i)
	}
	_, big := tr.Start(ctx, "big", at(7), trace.WithAttributes(many...))
	big.SetAttributes(attribute.Int("k000", -1)) // an existing key is still updated
	big.End(at(8))
	root.End(at(10))
}

// stored runs scenario on a provider and returns the stored spans with ids
// replaced by their order of first appearance.
func stored(t *testing.T, opts ...tracer.Option) []span.Span {
	t.Helper()
	store := cache.NewMemory()
	tp := tracer.NewProvider(store, append([]tracer.Option{tracer.WithResourceAttributes(attribute.String("service.name", "conf"))}, opts...)...)
	scenario(t, tp)
	if err := tp.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	recs, err := store.Pending(t.Context(), 100)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{
		"0af7651916cd43dd8448eb211c80319c": "remote-trace", "b7ad6b7169203331": "remote-parent",
		"01020300000000000000000000000000": "linked-trace", "0405060000000000": "linked-span",
	}
	norm := func(id string) string {
		if id == "" {
			return ""
		}
		if _, ok := ids[id]; !ok {
			ids[id] = fmt.Sprintf("id%d", len(ids))
		}
		return ids[id]
	}
	var out []span.Span
	for _, r := range recs {
		s := r.Span
		if err := s.Validate(); err != nil {
			t.Errorf("invalid span: %v", err)
		}
		s.TraceID, s.SpanID, s.ParentSpanID = norm(s.TraceID), norm(s.SpanID), norm(s.ParentSpanID)
		for i := range s.Links {
			s.Links[i].TraceID, s.Links[i].SpanID = norm(s.Links[i].TraceID), norm(s.Links[i].SpanID)
		}
		out = append(out, s)
	}
	return out
}

// TestConformanceWithSDK: the lean engine stores the same span.Span values
// as the stock SDK plus the tracer package's converter, for the same calls.
func TestConformanceWithSDK(t *testing.T) {
	lean := stored(t)
	sdk := stored(t, tracer.WithStockSDK())
	if len(lean) != len(sdk) || len(lean) != 6 {
		t.Fatalf("lean stored %d spans, sdk %d, want 6 each", len(lean), len(sdk))
	}
	for i := range sdk {
		l, s := lean[i], sdk[i]
		// The exception stack/type strings are equal; the resource is the
		// same content in another pointer.
		if !reflect.DeepEqual(l.Resource.Attributes, s.Resource.Attributes) || l.Resource.ID != s.Resource.ID {
			t.Errorf("span %q: resources differ:\nlean %+v\nsdk  %+v", s.Name, l.Resource, s.Resource)
		}
		l.Resource, s.Resource = nil, nil
		if !reflect.DeepEqual(l, s) {
			t.Errorf("span %d differs:\nlean %+v\nsdk  %+v", i, l, s)
		}
	}
	// Spot checks that the scenario did what it says.
	byName := map[string]span.Span{}
	for _, s := range lean {
		byName[s.Name] = s
	}
	r := byName["root-renamed"]
	if v, _ := r.Attr("s"); v.Str != "dup-last-wins" || r.DroppedAttributesCount != 1 || r.Status.Code != span.StatusOK {
		t.Errorf("root: s=%+v dropped=%d status=%+v", v, r.DroppedAttributesCount, r.Status)
	}
	if c := byName["child"]; len(c.Events) != 2 || c.Events[1].Name != "exception" || len(c.Links) != 1 {
		t.Errorf("child events %+v links %+v", c.Events, c.Links)
	}
	if rc := byName["remote-child"]; rc.TraceID != "remote-trace" || rc.ParentSpanID != "remote-parent" || rc.TraceState != "k=v" {
		t.Errorf("remote child: %s %s %q", rc.TraceID, rc.ParentSpanID, rc.TraceState)
	}
	if b := byName["big"]; len(b.Attributes) != 128 || b.DroppedAttributesCount != 2 || b.Attributes[0].Value.Int != -1 {
		t.Errorf("big: %d attributes, %d dropped, first %+v", len(b.Attributes), b.DroppedAttributesCount, b.Attributes[0])
	}
	if nr := byName["new-root"]; nr.ParentSpanID != "" || nr.TraceID == r.TraceID {
		t.Errorf("new root: parent %q trace %s (root's %s)", nr.ParentSpanID, nr.TraceID, r.TraceID)
	}
}

func collect() (*[]span.Span, *sync.Mutex, engine.Sink) {
	var mu sync.Mutex
	var out []span.Span
	return &out, &mu, func(e engine.Ended) {
		s := e.Span()
		mu.Lock()
		out = append(out, s)
		mu.Unlock()
	}
}

func TestEngineIDsAreUniqueAndNonZero(t *testing.T) {
	out, _, sink := collect()
	tr := engine.New(sink).Tracer("t")
	seen := map[string]bool{}
	for range 5000 {
		_, s := tr.Start(t.Context(), "s")
		s.End()
	}
	for _, s := range *out {
		if err := s.Validate(); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{s.TraceID, s.SpanID} {
			if seen[id] {
				t.Fatalf("id %s handed out twice", id)
			}
			seen[id] = true
		}
	}
	if len(*out) != 5000 {
		t.Fatalf("%d spans delivered, want 5000", len(*out))
	}
}

func TestEngineParentBasedSampling(t *testing.T) {
	out, _, sink := collect()
	tr := engine.New(sink).Tracer("t")
	ctx := t.Context()
	sampledParent := trace.ContextWithRemoteSpanContext(ctx, trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{9}, SpanID: trace.SpanID{9}, TraceFlags: trace.FlagsSampled, Remote: true}))
	unsampledParent := trace.ContextWithRemoteSpanContext(ctx, trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{8}, SpanID: trace.SpanID{8}, Remote: true}))
	_, a := tr.Start(sampledParent, "a")
	uctx, b := tr.Start(unsampledParent, "b")
	_, c := tr.Start(uctx, "c") // local unsampled parent
	_, d := tr.Start(ctx, "d")  // root: sampled
	for _, s := range []trace.Span{a, b, c, d} {
		s.End()
	}
	if b.IsRecording() || c.IsRecording() || c.SpanContext().TraceID() != (trace.TraceID{8}) {
		t.Errorf("children of an unsampled parent: recording %v %v, trace %s", b.IsRecording(), c.IsRecording(), c.SpanContext().TraceID())
	}
	var names []string
	for _, s := range *out {
		names = append(names, s.Name)
	}
	if !reflect.DeepEqual(names, []string{"a", "d"}) {
		t.Errorf("delivered %v, want [a d]", names)
	}
}

// attrSampler samples spans named "keep", adding an attribute.
type attrSampler struct{}

func (attrSampler) ShouldSample(p sdktrace.SamplingParameters) sdktrace.SamplingResult {
	switch p.Name {
	case "keep":
		return sdktrace.SamplingResult{Decision: sdktrace.RecordAndSample, Attributes: []attribute.KeyValue{attribute.String("sampler", "yes")}}
	case "record":
		return sdktrace.SamplingResult{Decision: sdktrace.RecordOnly}
	}
	return sdktrace.SamplingResult{Decision: sdktrace.Drop}
}
func (attrSampler) Description() string { return "attrSampler" }

func TestEngineCustomSampler(t *testing.T) {
	out, _, sink := collect()
	tr := engine.New(sink, engine.WithSampler(attrSampler{})).Tracer("t")
	for _, name := range []string{"keep", "record", "drop"} {
		_, s := tr.Start(t.Context(), name, trace.WithAttributes(attribute.Int("own", 1)))
		if rec := s.IsRecording(); rec != (name != "drop") {
			t.Errorf("%s: recording %v", name, rec)
		}
		s.End()
	}
	// RecordOnly spans reach the sink unsampled (flag 0), for a tail stage
	// to decide; dropped ones never do.
	if len(*out) != 2 || (*out)[0].Name != "keep" || (*out)[1].Name != "record" {
		t.Fatalf("delivered %+v, want keep and record", *out)
	}
	if f0, f1 := (*out)[0].Flags&1, (*out)[1].Flags&1; f0 != 1 || f1 != 0 {
		t.Errorf("sampled flags keep=%d record=%d, want 1 and 0", f0, f1)
	}
	if k := (*out)[0].Attributes; len(k) != 2 || k[0].Key != "sampler" || k[1].Key != "own" {
		t.Errorf("attributes %+v: want the sampler's first, then the span's", k)
	}
}

func TestEngineShutdownDropsLaterSpans(t *testing.T) {
	out, _, sink := collect()
	p := engine.New(sink)
	_, before := p.Tracer("t").Start(t.Context(), "started-before")
	if err := p.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	before.End()
	_, after := p.Tracer("t").Start(t.Context(), "after")
	after.End()
	if len(*out) != 0 || after.IsRecording() {
		t.Errorf("after Shutdown: delivered %d, later span recording %v", len(*out), after.IsRecording())
	}
}

func TestEngineOfflineAttribute(t *testing.T) {
	out, _, sink := collect()
	online := true
	tr := engine.New(sink, engine.WithOffline(func() bool { return online }, attribute.Bool("off", true))).Tracer("t")
	_, a := tr.Start(t.Context(), "on")
	online = false
	_, b := tr.Start(t.Context(), "off", trace.WithAttributes(attribute.Int("x", 1)))
	a.End()
	b.End()
	if _, ok := (*out)[0].Attr("off"); ok {
		t.Error("online span marked offline")
	}
	if v, ok := (*out)[1].Attr("off"); !ok || !v.Bool || (*out)[1].Attributes[1].Key != "off" {
		t.Errorf("offline span attributes %+v", (*out)[1].Attributes)
	}
}

func TestEnginePanicRecordedAtEnd(t *testing.T) {
	out, _, sink := collect()
	tr := engine.New(sink).Tracer("t")
	func() {
		defer func() { _ = recover() }()
		_, s := tr.Start(t.Context(), "panics")
		defer s.End()
		panic(errors.New("kaboom"))
	}()
	if len(*out) != 1 || len((*out)[0].Events) != 1 || (*out)[0].Events[0].Name != "exception" {
		t.Fatalf("delivered %+v", *out)
	}
	if v, _ := (*out)[0].Events[0].Attributes[1].Value, 0; v.Str != "kaboom" {
		t.Errorf("exception.message %+v", v)
	}
}

func TestEngineConcurrentSafe(t *testing.T) {
	out, mu, sink := collect()
	tr := engine.New(sink).Tracer("t")
	pctx, parent := tr.Start(t.Context(), "parent")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				_, s := tr.Start(pctx, "child", trace.WithAttributes(attribute.Int("g", g)))
				parent.SetAttributes(attribute.Int(fmt.Sprintf("g%d", g), i))
				parent.AddEvent("e")
				_ = parent.IsRecording()
				s.SetStatus(codes.Error, "x")
				s.End()
			}
			parent.End() // concurrent Ends: exactly one counts
		})
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(*out) != 8*200+1 {
		t.Fatalf("delivered %d spans, want %d", len(*out), 8*200+1)
	}
}

// TestAttributeOnlyStartMatchesSDK: spans started with trace.WithAttributes
// options only, which the engine reads without trace.NewSpanStartConfig,
// store what the SDK stores (times aside): several options in order,
// invalid and duplicate keys, over the count limit, none; and the span
// keeps its own copy of the caller's attributes.
func TestAttributeOnlyStartMatchesSDK(t *testing.T) {
	many := make([]attribute.KeyValue, 130)
	for i := range many {
		many[i] = attribute.Int(fmt.Sprintf("k%d", i), i)
	}
	mutable := []attribute.KeyValue{attribute.String("m", "before")}
	run := func(opts ...tracer.Option) []span.Span {
		store := cache.NewMemory()
		tp := tracer.NewProvider(store, opts...)
		tr := tp.Tracer("fast")
		ctx, root := tr.Start(context.Background(), "root", trace.WithAttributes(attribute.String("a", "x"), attribute.KeyValue{}),
			trace.WithAttributes(attribute.Int("i", 1), attribute.String("a", "y")))
		_, c := tr.Start(ctx, "child", trace.WithAttributes(mutable...))
		mutable[0] = attribute.String("m", "after") // must not reach the span
		c.End()
		_, b := tr.Start(ctx, "big", trace.WithAttributes(many...))
		b.End()
		_, n := tr.Start(ctx, "none")
		n.SetAttributes(attribute.Bool("later", true))
		n.End()
		root.End()
		mutable[0] = attribute.String("m", "before")
		if err := tp.Shutdown(t.Context()); err != nil {
			t.Fatal(err)
		}
		recs, err := store.Pending(t.Context(), 100)
		if err != nil {
			t.Fatal(err)
		}
		var out []span.Span
		for _, r := range recs {
			s := r.Span
			s.TraceID, s.SpanID, s.ParentSpanID, s.StartTimeUnixNano, s.EndTimeUnixNano, s.Resource = "", "", "", 0, 0, nil
			out = append(out, s)
		}
		return out
	}
	lean, sdk := run(), run(tracer.WithStockSDK())
	if !reflect.DeepEqual(lean, sdk) {
		t.Fatalf("lean and SDK differ:\nlean %+v\nsdk  %+v", lean, sdk)
	}
	if len(lean) != 4 {
		t.Fatalf("%d spans, want 4", len(lean))
	}
	if v, _ := lean[0].Attr("m"); v.Str != "before" {
		t.Errorf("child's attribute m = %+v, want the value at Start", v)
	}
	if r := lean[3]; len(r.Attributes) != 2 || r.DroppedAttributesCount != 1 {
		t.Errorf("root: %+v dropped %d", r.Attributes, r.DroppedAttributesCount)
	}
}
