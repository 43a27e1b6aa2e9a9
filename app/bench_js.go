//go:build js && wasm

package main

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"syscall/js"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/engine"
	"github.com/spanfall/spanfall/tracer/otlp"
	"github.com/spanfall/spanfall/tracer/span"
)

// benchAPI is window.spanfall.bench, the functions e2e/bench/compare.mjs
// calls to measure Spanfall next to OpenTelemetry JS. Each returns a
// Promise; none is used by the app itself.
//
//	spans(n, mode)      µs per span of n spans (start, 2 string, 2 int and
//	                    1 bool attributes, end); mode "drop" (the lean engine
//	                    into a sink that drops), "noop" (the API's no-op
//	                    tracer: the floor), "sdk-drop" (the stock SDK,
//	                    a processor that drops), "pipeline" (the app's
//	                    provider, persisted to IndexedDB), "sdk-pipeline"
//	                    (the stock SDK into the same store)
//	serialize(n, enc)   ms to encode n such spans as one OTLP body, "json"
//	                    or "proto" (median of 5), and its size
//	paced(n, perSecond) records n spans at that rate through the app
//	memory()            Go heap figures after a GC
func (p *pipeline) benchAPI() js.Value {
	api := js.Global().Get("Object").New()
	api.Set("spans", benchFunc(p.benchSpans))
	api.Set("serialize", benchFunc(p.benchSerialize))
	api.Set("paced", benchFunc(p.benchPaced))
	api.Set("memory", benchFunc(func(context.Context, []js.Value) (any, error) { return memFigures(), nil }))
	return api
}

// benchLoop is the measured work: n spans with the bench's five attributes.
func benchLoop(t trace.Tracer, from, n int) {
	ctx := context.Background()
	for i := from; i < from+n; i++ {
		_, s := t.Start(ctx, "bench", trace.WithAttributes(
			attribute.String("a", "x"), attribute.String("b", "y"),
			attribute.Int("i", i), attribute.Int("j", 2), attribute.Bool("ok", true)))
		s.End()
	}
}

// dropProcessor is an sdktrace.SpanProcessor that drops every span.
type dropProcessor struct{}

func (dropProcessor) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (dropProcessor) OnEnd(sdktrace.ReadOnlySpan)                     {}
func (dropProcessor) Shutdown(context.Context) error                  { return nil }
func (dropProcessor) ForceFlush(context.Context) error                { return nil }

type spansAnswer struct {
	Mode string `json:"mode"`
	N    int    `json:"n"`
	// UsPerSpan is the loop alone (for the drop modes the median of ten
	// chunks, UsPerSpanTotal the whole loop); UsPerSpanFlushed includes
	// persisting.
	UsPerSpan        float64 `json:"usPerSpan"`
	UsPerSpanTotal   float64 `json:"usPerSpanTotal,omitempty"`
	UsPerSpanFlushed float64 `json:"usPerSpanFlushed"`
	Dropped          uint64  `json:"dropped"`
}

// benchChunk is how many spans the pipeline modes record between two
// ForceFlush calls: wasm runs one goroutine at a time, so the store's
// writer only drains the (bounded) queue when the loop yields.
const benchChunk = 4096

func (p *pipeline) benchSpans(ctx context.Context, args []js.Value) (any, error) {
	if len(args) < 2 || args[0].Type() != js.TypeNumber || args[1].Type() != js.TypeString {
		return nil, fmt.Errorf("bench.spans: want (n, mode)")
	}
	n, mode := args[0].Int(), args[1].String()
	if n <= 0 || n > 10_000_000 {
		return nil, fmt.Errorf("bench.spans: n %d out of 1..10000000", n)
	}
	a := spansAnswer{Mode: mode, N: n}
	var t trace.Tracer
	var flush func(context.Context) error
	var dropped func() uint64
	switch mode {
	case "drop":
		t = engine.New(func(engine.Ended) {}).Tracer("bench")
	case "noop":
		// The API's own floor: a tracer that does nothing, still paying for
		// the options and attributes the call builds.
		t = noop.NewTracerProvider().Tracer("bench")
	case "sdk-drop":
		t = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(dropProcessor{})).Tracer("bench")
	case "pipeline":
		t, flush, dropped = p.provider.Tracer("bench"), p.provider.ForceFlush, p.provider.Processor.Dropped
	case "sdk-pipeline":
		tp := tracer.NewProvider(p.store, tracer.WithStockSDK())
		defer tp.Shutdown(context.Background())
		t, flush, dropped = tp.Tracer("bench"), tp.ForceFlush, tp.Processor.Dropped
	default:
		return nil, fmt.Errorf("bench.spans: unknown mode %q (drop, noop, sdk-drop, pipeline, sdk-pipeline)", mode)
	}
	if flush == nil {
		// The median of ten chunks resists other load on the machine
		// better than the total; both are reported.
		chunk := max(1, n/10)
		var per []float64
		t0 := time.Now()
		for i := 0; i < n; i += chunk {
			c := min(chunk, n-i)
			c0 := time.Now()
			benchLoop(t, i, c)
			per = append(per, us(time.Since(c0), c))
		}
		a.UsPerSpanTotal = us(time.Since(t0), n)
		sort.Float64s(per)
		a.UsPerSpan = per[len(per)/2]
		a.UsPerSpanFlushed = a.UsPerSpan
		return a, nil
	}
	d0 := dropped()
	var loop time.Duration
	t0 := time.Now()
	for i := 0; i < n; i += benchChunk {
		c := min(benchChunk, n-i)
		l0 := time.Now()
		benchLoop(t, i, c)
		loop += time.Since(l0)
		if err := flush(ctx); err != nil {
			return nil, err
		}
	}
	a.UsPerSpanFlushed = us(time.Since(t0), n)
	a.UsPerSpan = us(loop, n)
	a.Dropped = dropped() - d0
	return a, nil
}

func us(d time.Duration, n int) float64 { return float64(d.Nanoseconds()) / 1e3 / float64(n) }

type serializeAnswer struct {
	Encoding string  `json:"encoding"`
	N        int     `json:"n"`
	Ms       float64 `json:"ms"`
	Bytes    int     `json:"bytes"`
}

func (p *pipeline) benchSerialize(_ context.Context, args []js.Value) (any, error) {
	if len(args) < 2 || args[0].Type() != js.TypeNumber || args[1].Type() != js.TypeString {
		return nil, fmt.Errorf("bench.serialize: want (n, encoding)")
	}
	n, enc := args[0].Int(), args[1].String()
	marshal := otlp.MarshalProto
	switch enc {
	case "json":
		marshal = otlp.MarshalJSON
	case "proto":
	default:
		return nil, fmt.Errorf("bench.serialize: unknown encoding %q (json, proto)", enc)
	}
	if n <= 0 || n > 1_000_000 {
		return nil, fmt.Errorf("bench.serialize: n %d out of 1..1000000", n)
	}
	spans := make([]span.Span, 0, n)
	res := tracer.ConvertResource(tracer.NewResource())
	benchLoop(engine.New(func(e engine.Ended) { spans = append(spans, e.Span()) }, engine.WithResource(res)).Tracer("bench"), 0, n)
	a := serializeAnswer{Encoding: enc, N: n}
	var times []float64
	for range 5 {
		t0 := time.Now()
		b, err := marshal(spans)
		if err != nil {
			return nil, err
		}
		times = append(times, float64(time.Since(t0).Microseconds())/1e3)
		a.Bytes = len(b)
	}
	sort.Float64s(times)
	a.Ms = times[len(times)/2]
	return a, nil
}

// benchPaced records n spans through the app's provider, perSecond spans a
// second in bursts every 10 ms, as figure 4 (main-thread impact) needs.
func (p *pipeline) benchPaced(ctx context.Context, args []js.Value) (any, error) {
	if len(args) < 2 || args[0].Type() != js.TypeNumber || args[1].Type() != js.TypeNumber {
		return nil, fmt.Errorf("bench.paced: want (n, perSecond)")
	}
	n, rate := args[0].Int(), args[1].Float()
	if n <= 0 || rate <= 0 {
		return nil, fmt.Errorf("bench.paced: want n > 0 and perSecond > 0")
	}
	t := p.provider.Tracer("paced")
	burst := max(1, int(rate/100))
	t0 := time.Now()
	for made := 0; made < n; {
		k := min(burst, n-made)
		benchLoop(t, made, k)
		made += k
		next := t0.Add(time.Duration(float64(made) / rate * float64(time.Second)))
		select {
		case <-time.After(time.Until(next)):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return map[string]int{"spans": n}, nil
}

type memAnswer struct {
	HeapAlloc uint64 `json:"heapAlloc"`
	HeapSys   uint64 `json:"heapSys"`
	Sys       uint64 `json:"sys"`
}

func memFigures() memAnswer {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return memAnswer{HeapAlloc: m.HeapAlloc, HeapSys: m.HeapSys, Sys: m.Sys}
}

// benchFunc is promiseFunc with a 10 min deadline: a bench of 100,000
// persisted spans on a loaded machine may outlast the test API's 30 s.
func benchFunc(f func(ctx context.Context, args []js.Value) (any, error)) js.Func {
	return promiseFuncTimeout(10*time.Minute, f)
}
