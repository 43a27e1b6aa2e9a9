package tracer_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/span"
)

func TestProviderPersistsEndedSpans(t *testing.T) {
	ctx := t.Context()
	store := cache.NewMemory()
	tp := tracer.NewProvider(store, tracer.WithResourceAttributes(
		attribute.String("service.name", "test-svc"),
		attribute.Bool("browser.mobile", false),
	))
	tr := tp.Tracer("scope/a", trace.WithInstrumentationVersion("1.2.3"))

	t0 := time.Unix(1_700_000_000, 123_456_789)
	linked := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1, 2, 3}, SpanID: trace.SpanID{4, 5, 6}, TraceFlags: trace.FlagsSampled,
	})
	rctx, root := tr.Start(ctx, "root", trace.WithTimestamp(t0), trace.WithSpanKind(trace.SpanKindServer),
		trace.WithLinks(trace.Link{SpanContext: linked, Attributes: []attribute.KeyValue{attribute.String("l", "v")}}),
		trace.WithAttributes(
			attribute.String("s", "x"), attribute.Int64("i", -42), attribute.Float64("f", 1.5),
			attribute.Bool("b", true), attribute.StringSlice("ss", []string{"a", "b"}),
			attribute.Float64("nan", math.NaN()),
		))
	_, child := tr.Start(rctx, "child", trace.WithTimestamp(t0.Add(time.Millisecond)), trace.WithSpanKind(trace.SpanKindClient))
	child.AddEvent("exception", trace.WithTimestamp(t0.Add(2*time.Millisecond)),
		trace.WithAttributes(attribute.String("exception.message", "boom")))
	child.SetStatus(codes.Error, "boom")
	child.End(trace.WithTimestamp(t0.Add(3 * time.Millisecond)))
	root.End(trace.WithTimestamp(t0.Add(4 * time.Millisecond)))

	if err := tp.ForceFlush(ctx); err != nil {
		t.Fatalf("ForceFlush: %v", err)
	}
	recs, err := store.Pending(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("stored %d spans, want 2", len(recs))
	}
	c, r := recs[0].Span, recs[1].Span // the child ends first
	for _, s := range []span.Span{c, r} {
		if err := s.Validate(); err != nil {
			t.Errorf("invalid ids: %v", err)
		}
	}
	if r.Name != "root" || c.Name != "child" {
		t.Fatalf("names %q, %q", r.Name, c.Name)
	}
	if c.TraceID != r.TraceID || c.ParentSpanID != r.SpanID || r.ParentSpanID != "" {
		t.Errorf("links: child %s/%s parent %s, root %s/%s", c.TraceID, c.SpanID, c.ParentSpanID, r.TraceID, r.SpanID)
	}
	if r.TraceID != root.SpanContext().TraceID().String() || r.SpanID != root.SpanContext().SpanID().String() {
		t.Errorf("stored ids differ from the API's: %s/%s", r.TraceID, r.SpanID)
	}
	if r.StartTimeUnixNano != uint64(t0.UnixNano()) || r.EndTimeUnixNano != uint64(t0.Add(4*time.Millisecond).UnixNano()) {
		t.Errorf("root times %d..%d", r.StartTimeUnixNano, r.EndTimeUnixNano)
	}
	if r.Kind != span.KindServer || c.Kind != span.KindClient {
		t.Errorf("kinds %v %v", r.Kind, c.Kind)
	}
	want := map[string]span.Value{
		"s":   {Type: span.TypeString, Str: "x"},
		"i":   {Type: span.TypeInt, Int: -42},
		"f":   {Type: span.TypeDouble, Float: 1.5},
		"b":   {Type: span.TypeBool, Bool: true},
		"nan": {Type: span.TypeString, Str: "NaN"},
	}
	for k, v := range want {
		got, ok := r.Attr(k)
		if !ok || got.Type != v.Type || got.AsString() != v.AsString() {
			t.Errorf("attribute %s = %+v, want %+v", k, got, v)
		}
	}
	if ss, _ := r.Attr("ss"); ss.Type != span.TypeArray || len(ss.Array) != 2 || ss.Array[1].Str != "b" {
		t.Errorf("string slice = %+v", ss)
	}
	if len(r.Links) != 1 || r.Links[0].TraceID != linked.TraceID().String() || r.Links[0].SpanID != linked.SpanID().String() {
		t.Errorf("links = %+v", r.Links)
	}
	if c.Status != (span.Status{Code: span.StatusError, Message: "boom"}) {
		t.Errorf("status = %+v", c.Status)
	}
	if len(c.Events) != 1 || c.Events[0].Name != "exception" || c.Events[0].TimeUnixNano != uint64(t0.Add(2*time.Millisecond).UnixNano()) {
		t.Errorf("events = %+v", c.Events)
	}
	if r.Scope != (span.Scope{Name: "scope/a", Version: "1.2.3"}) {
		t.Errorf("scope = %+v", r.Scope)
	}
	if r.Resource == nil {
		t.Fatal("no resource")
	}
	res := map[string]string{}
	for _, kv := range r.Resource.Attributes {
		res[kv.Key] = kv.Value.AsString()
	}
	for k, v := range map[string]string{
		"service.name": "test-svc", "telemetry.sdk.name": "opentelemetry",
		"telemetry.sdk.language": "go", "browser.mobile": "false",
	} {
		if res[k] != v {
			t.Errorf("resource %s = %q, want %q", k, res[k], v)
		}
	}
	if res["telemetry.sdk.version"] == "" {
		t.Error("resource lacks telemetry.sdk.version")
	}
}

func TestProviderIDsAreUnique(t *testing.T) {
	store := cache.NewMemory()
	tp := tracer.NewProvider(store)
	seen := map[string]bool{}
	for range 2000 {
		_, s := tp.Tracer("t").Start(t.Context(), "s")
		sc := s.SpanContext()
		s.End()
		for _, id := range []string{sc.TraceID().String(), sc.SpanID().String()} {
			if seen[id] {
				t.Fatalf("id %s handed out twice", id)
			}
			seen[id] = true
		}
	}
}

// flakyStore fails the first failures Puts with err, then passes through.
type flakyStore struct {
	cache.Store
	mu       sync.Mutex
	failures int
	err      error
	puts     int
}

func (f *flakyStore) Put(ctx context.Context, spans []span.Span) error {
	f.mu.Lock()
	f.puts++
	fail := f.failures > 0
	if fail {
		f.failures--
	}
	f.mu.Unlock()
	if fail {
		return f.err
	}
	return f.Store.Put(ctx, spans)
}

func TestStoreProcessorRetriesFailedPut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		mem := cache.NewMemory()
		quota := errors.New("QuotaExceededError")
		store := &flakyStore{Store: mem, failures: 1, err: quota}
		tp := tracer.NewProvider(store)
		_, s := tp.Tracer("t").Start(ctx, "kept")
		s.End()

		err := tp.ForceFlush(ctx)
		if !errors.Is(err, quota) {
			t.Fatalf("ForceFlush after a failed write = %v, want it to wrap %v", err, quota)
		}
		time.Sleep(time.Second) // fake time: the writer's retry delay passes
		synctest.Wait()
		if err := tp.ForceFlush(ctx); err != nil {
			t.Fatalf("ForceFlush after the retry: %v", err)
		}
		st, _ := mem.Stats(ctx)
		if st.Pending != 1 {
			t.Fatalf("stored %d spans after retry, want 1", st.Pending)
		}
		if err := tp.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func TestStoreProcessorForceFlushHonoursContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := &flakyStore{Store: cache.NewMemory(), failures: 0}
		block := make(chan struct{})
		blocking := &blockingStore{Store: store, release: block}
		tp := tracer.NewProvider(blocking)
		_, s := tp.Tracer("t").Start(context.Background(), "s")
		s.End()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := tp.ForceFlush(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("ForceFlush with a stuck store = %v, want deadline exceeded", err)
		}
		close(block)
		if err := tp.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

type blockingStore struct {
	cache.Store
	release chan struct{}
}

func (b *blockingStore) Put(ctx context.Context, spans []span.Span) error {
	<-b.release
	return b.Store.Put(ctx, spans)
}

func TestStoreProcessorConcurrentSafe(t *testing.T) {
	ctx := t.Context()
	store := cache.NewMemory()
	tp := tracer.NewProvider(store)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 250 {
				_, s := tp.Tracer("t").Start(ctx, "s", trace.WithAttributes(attribute.Int("g", g), attribute.Int("i", i)))
				s.End()
			}
		}()
	}
	wg.Wait()
	if err := tp.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := store.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Spans != 2000 {
		t.Fatalf("stored %d spans, want 2000", st.Spans)
	}
	if d := tp.Processor.Dropped(); d != 0 {
		t.Fatalf("dropped %d", d)
	}
	// After Shutdown, spans are dropped and counted, never stored.
	_, s := tp.Tracer("t").Start(ctx, "late")
	s.End()
	if d := tp.Processor.Dropped(); d != 0 {
		// The SDK itself stops calling processors after Shutdown.
		t.Logf("dropped after shutdown: %d", d)
	}
}

func TestProviderMarksSpansStartedOffline(t *testing.T) {
	ctx := t.Context()
	store := cache.NewMemory()
	online := true
	tp := tracer.NewProvider(store, tracer.WithOnline(func() bool { return online }))
	_, a := tp.Tracer("t").Start(ctx, "online")
	a.End()
	online = false
	_, b := tp.Tracer("t").Start(ctx, "offline")
	b.End()
	if err := tp.ForceFlush(ctx); err != nil {
		t.Fatal(err)
	}
	recs, _ := store.Pending(ctx, 10)
	for _, r := range recs {
		v, ok := r.Span.Attr(string(tracer.OfflineAttr))
		if offline := ok && v.Bool; offline != (r.Span.Name == "offline") {
			t.Errorf("span %s: offline attribute %v", r.Span.Name, offline)
		}
	}
}

// quotaStore refuses, for quota, any Put of more than max spans.
type quotaStore struct {
	cache.Store
	max  int
	gate chan struct{} // the first Put waits for it, so spans pile up
	once sync.Once
}

func (q *quotaStore) Put(ctx context.Context, spans []span.Span) error {
	q.once.Do(func() { <-q.gate })
	if len(spans) > q.max {
		return fmt.Errorf("cache/idb: put %d spans: %w: QuotaExceededError", len(spans), cache.ErrQuotaExceeded)
	}
	return q.Store.Put(ctx, spans)
}

func TestStoreProcessorSplitsWritesRefusedForQuota(t *testing.T) {
	ctx := t.Context()
	mem := cache.NewMemory()
	gate := make(chan struct{})
	tp := tracer.NewProvider(&quotaStore{Store: mem, max: 3, gate: gate})
	for range 10 {
		_, s := tp.Tracer("t").Start(ctx, "s")
		s.End()
	}
	close(gate) // the writer now holds a batch of 1, then one of 9
	if err := tp.ForceFlush(ctx); err != nil {
		t.Fatalf("ForceFlush: %v", err)
	}
	if st, _ := mem.Stats(ctx); st.Spans != 10 {
		t.Fatalf("stored %d spans, want all 10 through smaller writes", st.Spans)
	}
}
