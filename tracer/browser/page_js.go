//go:build js && wasm

package browser

import (
	"context"
	"strings"
	"sync"
	"syscall/js"

	"go.opentelemetry.io/otel/trace"

	"github.com/spanfall/spanfall/tracer/instrument"
)

// PageOptions configures [InstrumentPage]. Each instrumentation runs only
// when its field is true.
type PageOptions struct {
	// Tracer records every span.
	Tracer trace.Tracer
	// Policy scrubs URLs, caps strings and decides where trace headers go.
	// nil means the zero Policy (see instrument.Policy).
	Policy *instrument.Policy
	// ExportURL is the exporter's endpoint: requests to it are never
	// traced and never recorded as resources.
	ExportURL string

	// DocumentLoad records the documentLoad span (joining the trace named
	// by <meta name="traceparent"> when the page has one).
	DocumentLoad bool
	// Resources records a resourceFetch span per PerformanceResourceTiming
	// entry, under the document load.
	Resources bool
	// Requests records a CLIENT span per fetch and XMLHttpRequest of page
	// JavaScript (through the early script's wrappers).
	Requests bool
	// Interactions records clicks and submits as spans, the parents of
	// the requests they cause.
	Interactions bool
	// OnDocumentLoad, when set, is called once the document load span is
	// recorded, with its span context (invalid when there is none), so
	// later instrumentations (web vitals) can join the page's trace.
	OnDocumentLoad func(trace.SpanContext)
}

// Page is a page instrumented by [InstrumentPage].
type Page struct {
	opts PageOptions
	rec  *instrument.Recorder

	mu        sync.Mutex
	loadCtx   context.Context // parent of resource spans once known
	resources []instrument.ResourceTiming
	replayed  int
}

// InstrumentPage starts the instrumentations opts enables. Following the
// early buffer's protocol, it first makes the early script's wrappers and
// listeners report live (window.__spanfall_early.live), then replays what
// they buffered before, with the original timestamps. Call [StopEarly]
// once every instrumentation of the page is installed.
func InstrumentPage(ctx context.Context, opts PageOptions) *Page {
	if opts.Policy == nil {
		opts.Policy = &instrument.Policy{}
	}
	p := &Page{opts: opts, rec: &instrument.Recorder{Tracer: opts.Tracer, Policy: opts.Policy}}
	if opts.Resources {
		p.observeResources()
	}
	if early := js.Global().Get("__spanfall_early"); early.Type() == js.TypeObject && (opts.Requests || opts.Interactions) {
		p.goLive(early)
		p.replay(early.Get("events").Call("splice", 0))
	}
	go p.documentLoad(ctx)
	return p
}

// Replayed returns how many early events were replayed.
func (p *Page) Replayed() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.replayed
}

// StopEarly calls window.__spanfall_early.stop(): buffering ends and what
// no instrumentation took over is unhooked. Without the early script it
// does nothing.
func StopEarly() {
	if early := js.Global().Get("__spanfall_early"); early.Type() == js.TypeObject {
		early.Call("stop")
	}
}

// goLive installs the start and end hooks the early script calls from now
// on. They run synchronously inside the page's fetch, XHR and click
// handling, and never block.
func (p *Page) goLive(early js.Value) {
	live := early.Get("live")
	live.Set("start", js.FuncOf(func(_ js.Value, args []js.Value) any {
		ev := toEvent(args[0])
		if p.excluded(ev.URL) {
			return nil
		}
		h := p.rec.Start(ev)
		if len(h) == 0 {
			return nil
		}
		o := js.Global().Get("Object").New()
		for k, v := range h {
			o.Set(k, v)
		}
		return o
	}))
	live.Set("end", js.FuncOf(func(_ js.Value, args []js.Value) any {
		for i := range args[0].Length() { // a batch of ended events
			p.end(args[0].Index(i))
		}
		return nil
	}))
	live.Set("fetch", p.opts.Requests)
	live.Set("xhr", p.opts.Requests)
	live.Set("click", p.opts.Interactions)
	live.Set("submit", p.opts.Interactions)
	early.Set("liveAt", js.Global().Get("performance").Call("now"))
}

func (p *Page) excluded(u string) bool {
	return p.opts.ExportURL != "" && strings.HasPrefix(u, p.opts.ExportURL)
}

func (p *Page) enabled(kind string) bool {
	switch kind {
	case "fetch", "xhr":
		return p.opts.Requests
	case "click", "submit":
		return p.opts.Interactions
	}
	return false
}

// replay records buffered events; those still running get a callback the
// early script calls when they end.
func (p *Page) replay(events js.Value) {
	n := 0
	for i := range events.Length() {
		v := events.Index(i)
		ev := toEvent(v)
		if !p.enabled(ev.Kind) || p.excluded(ev.URL) {
			continue
		}
		p.rec.Start(ev)
		n++
		if v.Get("e").Type() == js.TypeNumber {
			p.end(v)
			continue
		}
		var cb js.Func
		cb = js.FuncOf(func(_ js.Value, args []js.Value) any {
			p.end(args[0])
			cb.Release()
			return nil
		})
		v.Set("cb", cb)
	}
	p.mu.Lock()
	p.replayed += n
	p.mu.Unlock()
}

func (p *Page) end(v js.Value) {
	kind := v.Get("k").String()
	resp := instrument.Response{End: instrument.EpochMillis(num(v, "e"))}
	if s := v.Get("s"); s.Type() == js.TypeNumber {
		resp.Status = s.Int()
	}
	resp.Err, resp.ErrType = str(v, "err"), str(v, "et")
	p.rec.End(int(num(v, "seq")), kind == "click" || kind == "submit", resp)
}

// toEvent reads an event object of the early script.
func toEvent(v js.Value) instrument.Event {
	return instrument.Event{
		Seq: int(num(v, "seq")), Kind: str(v, "k"), Start: instrument.EpochMillis(num(v, "t")),
		Parent: int(num(v, "p")), Method: str(v, "m"), URL: str(v, "u"),
		Target: instrument.Target{
			Tag: str(v, "tag"), ID: str(v, "id"), Class: str(v, "cls"), TestID: str(v, "tid"),
			Name: str(v, "name"), Type: str(v, "type"), Role: str(v, "role"),
		},
	}
}

func num(v js.Value, k string) float64 {
	if f := v.Get(k); f.Type() == js.TypeNumber {
		return f.Float()
	}
	return 0
}

func str(v js.Value, k string) string {
	if s := v.Get(k); s.Type() == js.TypeString {
		return s.String()
	}
	return ""
}

// documentLoad records the document load once the load event has ended,
// then the resource spans waiting for it as their parent.
func (p *Page) documentLoad(ctx context.Context) {
	parent := context.Background()
	var page trace.SpanContext
	if p.opts.DocumentLoad {
		n, ok := ReadNavigationTiming(ctx)
		if ok {
			n.URL = p.opts.Policy.URL(n.URL)
			remote, _ := instrument.RemoteParent(context.Background(), metaContent("traceparent"), metaContent("tracestate"))
			page = RecordDocumentLoad(remote, p.opts.Tracer, n)
			parent = trace.ContextWithSpanContext(context.Background(), page)
		}
	}
	if p.opts.OnDocumentLoad != nil {
		p.opts.OnDocumentLoad(page)
	}
	p.mu.Lock()
	p.loadCtx = parent
	pending := p.resources
	p.resources = nil
	p.mu.Unlock()
	p.recordResources(parent, pending)
}

// metaContent returns the content of <meta name="name">, "" without one.
func metaContent(name string) string {
	m := js.Global().Get("document").Call("querySelector", `meta[name="`+name+`"]`)
	if m.IsNull() {
		return ""
	}
	return m.Get("content").String()
}

// observeResources subscribes to resource timing entries, buffered: the
// entries recorded before the wasm started come first.
func (p *Page) observeResources() {
	po := js.Global().Get("PerformanceObserver")
	if po.IsUndefined() {
		return
	}
	filter := instrument.ResourceFilter{Exclude: []string{p.opts.ExportURL}, RequestsTraced: p.opts.Requests}
	cb := js.FuncOf(func(_ js.Value, args []js.Value) any {
		list := args[0].Call("getEntries")
		var got []instrument.ResourceTiming
		for i := range list.Length() {
			if e := toResource(list.Index(i)); filter.Keep(e) {
				got = append(got, e)
			}
		}
		p.mu.Lock()
		parent := p.loadCtx
		if parent == nil {
			p.resources = append(p.resources, got...)
		}
		p.mu.Unlock()
		if parent != nil {
			p.recordResources(parent, got)
		}
		return nil
	})
	opts := js.Global().Get("Object").New()
	opts.Set("type", "resource")
	opts.Set("buffered", true)
	po.New(cb).Call("observe", opts)
}

func (p *Page) recordResources(parent context.Context, rs []instrument.ResourceTiming) {
	clock := instrument.TimeOrigin(js.Global().Get("performance").Get("timeOrigin").Float())
	for _, r := range rs {
		instrument.RecordResource(parent, p.opts.Tracer, p.opts.Policy, clock, r)
	}
}

func toResource(e js.Value) instrument.ResourceTiming {
	return instrument.ResourceTiming{
		URL: str(e, "name"), InitiatorType: str(e, "initiatorType"), NextHopProtocol: str(e, "nextHopProtocol"),
		ResponseStatus: int(num(e, "responseStatus")), TransferSize: int64(num(e, "transferSize")),
		EncodedBodySize: int64(num(e, "encodedBodySize")), DecodedBodySize: int64(num(e, "decodedBodySize")),
		StartTime: num(e, "startTime"), RedirectStart: num(e, "redirectStart"), RedirectEnd: num(e, "redirectEnd"),
		FetchStart: num(e, "fetchStart"), DomainLookupStart: num(e, "domainLookupStart"),
		DomainLookupEnd: num(e, "domainLookupEnd"), ConnectStart: num(e, "connectStart"),
		SecureConnectionStart: num(e, "secureConnectionStart"), ConnectEnd: num(e, "connectEnd"),
		RequestStart: num(e, "requestStart"), ResponseStart: num(e, "responseStart"), ResponseEnd: num(e, "responseEnd"),
	}
}
