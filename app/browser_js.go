//go:build js && wasm

package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"syscall/js"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/cache/idb"
	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/browser"
	"github.com/spanfall/spanfall/tracer/gcpace"
	"github.com/spanfall/spanfall/tracer/otlp"
	"github.com/spanfall/spanfall/tracer/sampling"
	"github.com/spanfall/spanfall/viewer"
)

// serve is the server's: the wasm never gets past RunWhenOnBrowser.
func serve() {}

// pipeline is the browser side of Spanfall, as wired by startBrowser.
type pipeline struct {
	store    cache.Store
	storeErr error
	provider *tracer.Provider
	flusher  *tracer.Flusher
	tail     *sampling.Tail // nil unless sampling is configured (instrument_app_js.go)
}

// startBrowser opens the span store (IndexedDB, or memory when IndexedDB
// cannot be opened), installs the tracer provider, starts the flusher and
// the document load instrumentation, and exposes window.spanfall.
func startBrowser() cache.Store {
	ctx := context.Background()
	p := &pipeline{}
	cfg, err := parseBrowserConfig(app.Getenv)
	if err != nil {
		log.Print(err) // the server refuses to start with these; say so anyway
	}
	if cfg.GCHeadroom >= 0 {
		// Recording spans allocates; on a small heap the collector would
		// run every few MiB (tracer/gcpace, docs/benchmarks.md).
		go gcpace.Run(ctx, uint64(cmp.Or(cfg.GCHeadroom, defaultGCHeadroom)), time.Second)
	}
	limits := cache.WithLimits(cache.Limits{MaxSpans: cfg.MaxSpans, MaxBytes: cfg.MaxBytes, MaxAge: cfg.MaxAge})
	octx, cancel := context.WithTimeout(ctx, 5*time.Second)
	store, err := idb.Open(octx, "spanfall", limits)
	cancel()
	if err != nil {
		log.Printf("spanfall: IndexedDB unavailable, keeping spans in memory: %v", err)
		p.storeErr = err
		p.store = cache.NewMemory(limits)
	} else {
		p.store = store
	}
	exportURL := cmp.Or(cfg.ExportURL, "/v1/traces")
	if exportURL[0] == '/' {
		u := app.Window().URL()
		exportURL = u.Scheme + "://" + u.Host + exportURL
	}
	var expOpts []otlp.ExporterOption
	if cfg.JSON {
		expOpts = append(expOpts, otlp.WithEncoding(otlp.EncodingJSON))
	}
	if cfg.NoGzip {
		expOpts = append(expOpts, otlp.WithCompression(otlp.CompressionNone))
	}
	exporter := otlp.NewExporter(exportURL, expOpts...)
	// Spans left pending offline, or after a failed flush of a hidden
	// page: let the service worker send them even if every tab is closed
	// first (docs/pwa.md).
	bgSync := browser.NewBackgroundSync(browser.SyncTag)
	p.flusher = tracer.NewFlusher(p.store, exporter,
		tracer.WithOnFlush(func(res tracer.FlushResult, err error) {
			if browser.NeedsSync(res, err, browser.Online(), browser.Visible()) {
				bgSync.Request(ctx, func(err error) { log.Printf("spanfall: %v", err) })
			}
		}),
		tracer.WithLocker(browser.NewWebLocks("spanfall-flush")),
		tracer.WithStateStore(browser.NewLocalState("spanfall.flush.v1")),
		tracer.WithBatchSize(cfg.BatchSize),
		tracer.WithBackoff(cmp.Or(cfg.Backoff, tracer.DefaultBackoffInitial), tracer.DefaultBackoffMax),
	)

	attrs := append([]attribute.KeyValue{
		attribute.String("service.name", "spanfall-demo"),
		attribute.String("service.version", cmp.Or(app.Getenv("GOAPP_VERSION"), "dev")),
	}, browser.ResourceAttributes()...)
	p.provider = tracer.NewProvider(p.store, append([]tracer.Option{
		tracer.WithResourceAttributes(attrs...),
		tracer.WithOnline(browser.OnlineCached),
		tracer.WithOnPersist(p.flusher.Notify),
	}, p.samplingOptions(cfg.App)...)...)
	otel.SetTracerProvider(p.provider)
	otel.SetTextMapPropagator(propagation.TraceContext{})
	instrumentApp(p, cfg.App)

	go p.flusher.Run(ctx, cfg.FlushInterval)
	browser.OnOnline(func() { _ = p.flusher.NetworkBack(ctx) })
	// Unload is no time to await CompressionStream: keepalive bodies go plain.
	keepalive := &browser.KeepaliveExporter{URL: exportURL, Encoder: otlp.NewExporter(exportURL, append(expOpts, otlp.WithCompression(otlp.CompressionNone))...)}
	browser.OnHidden(func(reason string) {
		hctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_ = p.provider.ForceFlush(hctx)
		// Outcomes are recorded in the flusher's Status.
		if reason == "pagehide" {
			// The page is going: one keepalive request may outlive it.
			_, _ = p.flusher.FlushVia(hctx, keepalive, 1)
			return
		}
		_, _ = p.flusher.TryFlush(hctx)
	})
	instrumentPage(p, exportURL) // document load, resources, fetch/XHR, interactions
	p.exposeTestAPI()
	viewer.UseStatus(p.viewerStatus)
	browser.StopEarly() // last: every instrumentation has taken over the early buffer
	return p.store
}

// exposeTestAPI defines window.spanfall: flush(), status() and spans(),
// each returning a Promise. See the README's test API section.
func (p *pipeline) exposeTestAPI() {
	api := js.Global().Get("Object").New()
	api.Set("flush", promiseFunc(p.flush))
	api.Set("status", promiseFunc(p.status))
	api.Set("spans", promiseFunc(p.spans))
	api.Set("record", promiseFunc(p.record))
	api.Set("bench", p.benchAPI()) // app/bench_js.go
	js.Global().Set("spanfall", api)
}

type flushAnswer struct {
	Exported int    `json:"exported"`
	Pending  int    `json:"pending"`
	Rejected int64  `json:"rejected"`
	Error    string `json:"error,omitempty"`
}

// flush persists every ended span, then exports until nothing is pending or
// a step fails; it resolves either way, with counts and the error.
func (p *pipeline) flush(ctx context.Context, _ []js.Value) (any, error) {
	var a flushAnswer
	if err := p.provider.ForceFlush(ctx); err != nil {
		a.Error = err.Error()
	}
	res, err := p.flusher.Flush(ctx)
	a.Exported, a.Pending, a.Rejected = res.Exported, res.Pending, res.Rejected
	if err != nil && a.Error == "" {
		a.Error = err.Error()
	}
	return a, nil
}

// evictedAnswer is cache.Evictions with its total.
type evictedAnswer struct {
	cache.Evictions
	Total int `json:"total"`
}

type statusAnswer struct {
	Online    bool              `json:"online"`
	Store     string            `json:"store"`
	StoreErr  string            `json:"storeError,omitempty"`
	Spans     int               `json:"spans"`
	Pending   int               `json:"pending"`
	Exported  int               `json:"exported"`
	Traces    int               `json:"traces"`
	Dropped   uint64            `json:"dropped"`
	Bytes     int64             `json:"bytes"`
	Evicted   evictedAnswer     `json:"evicted"`
	Flush     tracer.FlushState `json:"flush"`
	LastFlush string            `json:"lastFlush,omitempty"`
	LastError string            `json:"lastError,omitempty"`
	Sampling  *sampling.Stats   `json:"sampling,omitempty"`
}

func (p *pipeline) status(ctx context.Context, _ []js.Value) (any, error) {
	st, err := p.store.Stats(ctx)
	if err != nil {
		return nil, err
	}
	fs := p.flusher.Status()
	a := statusAnswer{
		Online: browser.Online(), Store: p.store.Kind(),
		Spans: st.Spans, Pending: st.Pending, Exported: st.Exported, Traces: st.Traces, Bytes: st.Bytes,
		Evicted: evictedAnswer{Evictions: st.Evicted, Total: st.Evicted.Total()},
		Dropped: p.provider.Processor.Dropped(), Flush: fs, LastError: fs.LastError,
		Sampling: p.samplingStats(),
	}
	if p.storeErr != nil {
		a.StoreErr = p.storeErr.Error()
	}
	if !fs.LastFlush.IsZero() {
		a.LastFlush = fs.LastFlush.UTC().Format(time.RFC3339Nano)
	}
	return a, nil
}

type spanAnswer struct {
	TraceID      string `json:"traceId"`
	SpanID       string `json:"spanId"`
	ParentSpanID string `json:"parentSpanId"`
	Name         string `json:"name"`
	Exported     bool   `json:"exported"`
}

// spans lists every stored span, after persisting the ended ones.
func (p *pipeline) spans(ctx context.Context, _ []js.Value) (any, error) {
	if err := p.provider.ForceFlush(ctx); err != nil {
		return nil, err
	}
	traces, err := p.store.Traces(ctx)
	if err != nil {
		return nil, err
	}
	out := []spanAnswer{}
	for _, t := range traces {
		recs, err := p.store.Trace(ctx, t.TraceID)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			out = append(out, spanAnswer{r.Span.TraceID, r.Span.SpanID, r.Span.ParentSpanID, r.Span.Name, r.Exported})
		}
	}
	return out, nil
}

type recordAnswer struct {
	SpanIDs  []string `json:"spanIds"`
	TraceIDs []string `json:"traceIds"`
}

// record makes test spans: spanfall.record({count, errors, name}) records
// count single-span traces named name (default "test.span"), the last
// errors of them with error status, and resolves with their ids once they
// are persisted.
//
// attrs: {key: value} adds string attributes to every span.
//
// With trace: true the count spans make ONE new trace instead: a root
// named name and count-1 descendants, each span the child of span
// (i-1)/fanout (default fanout 4), every tenth with an event. With trace:
// "<32 hex>" and parent: "<16 hex>" the spans are children of that span
// of that existing trace; with fanout as well they nest under it as with
// trace: true (the first a child of parent).
func (p *pipeline) record(ctx context.Context, args []js.Value) (any, error) {
	count, errs, name, fanout := 1, 0, "test.span", 4
	var one bool
	var parent trace.SpanContext
	var extra []attribute.KeyValue // attrs: string attributes on every span
	if len(args) > 0 && args[0].Type() == js.TypeObject {
		o := args[0]
		if v := o.Get("count"); v.Type() == js.TypeNumber {
			count = v.Int()
		}
		if v := o.Get("errors"); v.Type() == js.TypeNumber {
			errs = v.Int()
		}
		if v := o.Get("name"); v.Type() == js.TypeString {
			name = v.String()
		}
		if v := o.Get("attrs"); v.Type() == js.TypeObject {
			keys := js.Global().Get("Object").Call("keys", v)
			for i := range keys.Length() {
				k := keys.Index(i).String()
				extra = append(extra, attribute.String(k, js.Global().Get("String").Invoke(v.Get(k)).String()))
			}
		}
		if v := o.Get("fanout"); v.Type() == js.TypeNumber && v.Int() > 0 {
			fanout = v.Int()
		}
		switch v := o.Get("trace"); v.Type() {
		case js.TypeBoolean:
			one = v.Bool()
		case js.TypeString:
			tid, err := trace.TraceIDFromHex(v.String())
			if err != nil {
				return nil, fmt.Errorf("record: trace: %w", err)
			}
			sid, err := trace.SpanIDFromHex(o.Get("parent").String())
			if err != nil {
				return nil, fmt.Errorf("record: parent: %w", err)
			}
			parent = trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled, Remote: true})
			one = o.Get("fanout").Type() == js.TypeNumber
		}
	}
	if count < 0 || errs < 0 || errs > count || count > 1_000_000 {
		return nil, fmt.Errorf("record: want 0 <= errors <= count <= 1000000, got count %d errors %d", count, errs)
	}
	t := p.provider.Tracer("github.com/spanfall/spanfall/app/test")
	a := recordAnswer{SpanIDs: make([]string, 0, count), TraceIDs: make([]string, 0, count)}
	base := context.Background()
	if parent.IsValid() {
		base = trace.ContextWithRemoteSpanContext(base, parent)
	}
	var ctxs []context.Context
	var spans []trace.Span
	for i := range count {
		pctx := base
		if one && i > 0 {
			pctx = ctxs[(i-1)/fanout]
		}
		c, s := t.Start(pctx, name, trace.WithAttributes(
			attribute.Int("test.index", i), attribute.String("test.kind", "record"),
			attribute.Bool("test.error", i >= count-errs),
		), trace.WithAttributes(extra...))
		if one && i%10 == 3 {
			s.AddEvent("test.event", trace.WithAttributes(attribute.Int("test.index", i)))
		}
		if i >= count-errs {
			s.SetStatus(codes.Error, "test error")
		}
		if one {
			ctxs = append(ctxs, c)
			spans = append(spans, s)
		} else {
			s.End()
			if i%500 == 499 { // the processor's queue is bounded
				if err := p.provider.ForceFlush(ctx); err != nil {
					return nil, err
				}
			}
		}
		a.SpanIDs = append(a.SpanIDs, s.SpanContext().SpanID().String())
		a.TraceIDs = append(a.TraceIDs, s.SpanContext().TraceID().String())
	}
	// Children end before their parents; the store processor's queue is
	// bounded, so persist every 500 spans.
	for i := len(spans) - 1; i >= 0; i-- {
		spans[i].End()
		if i%500 == 0 {
			if err := p.provider.ForceFlush(ctx); err != nil {
				return nil, err
			}
		}
	}
	if err := p.provider.ForceFlush(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

// promiseFunc wraps f as a JS function returning a Promise. f runs on its
// own goroutine (never inside the JS callback) with a 30 s deadline; its
// result crosses to JS as JSON.
func promiseFunc(f func(ctx context.Context, args []js.Value) (any, error)) js.Func {
	return promiseFuncTimeout(30*time.Second, f)
}

// promiseFuncTimeout is promiseFunc with the deadline d.
func promiseFuncTimeout(d time.Duration, f func(ctx context.Context, args []js.Value) (any, error)) js.Func {
	return js.FuncOf(func(_ js.Value, args []js.Value) any {
		executor := js.FuncOf(func(_ js.Value, settle []js.Value) any {
			resolve, reject := settle[0], settle[1]
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), d)
				defer cancel()
				v, err := f(ctx, args)
				if err == nil {
					var b []byte
					if b, err = json.Marshal(v); err == nil {
						resolve.Invoke(js.Global().Get("JSON").Call("parse", string(b)))
						return
					}
				}
				reject.Invoke(js.Global().Get("Error").New("spanfall: " + err.Error()))
			}()
			return nil
		})
		defer executor.Release()
		return js.Global().Get("Promise").New(executor)
	})
}
