//go:build js && wasm

package main

import (
	"context"
	"syscall/js"
	"time"

	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/exception"
	"github.com/spanfall/spanfall/tracer/goapp"
	"github.com/spanfall/spanfall/tracer/longtask"
	"github.com/spanfall/spanfall/tracer/sampling"
	"github.com/spanfall/spanfall/tracer/vitals"
)

// sweepEvery is how often the tail stage decides traces whose local root
// never ended (after sampling.DefaultTimeout).
const sweepEvery = 5 * time.Second

// pageLoadWait is how long the web vitals wait for the document load span
// to be their parent before they start without one.
const pageLoadWait = 15 * time.Second

// pageLoad passes the document load span's context (invalid when there is
// none) from startBrowser to the web vitals.
var pageLoad = make(chan trace.SpanContext, 1)

// pageLoaded hands the document load span's context to the web vitals.
func pageLoaded(sc trace.SpanContext) {
	select {
	case pageLoad <- sc:
	default:
	}
}

// samplingOptions returns the provider options of c's sampling: none when
// every trace is sampled (the default); else the head sampler with c's
// ratio and the tail stage (kept in p.tail for status()).
func (p *pipeline) samplingOptions(c appInstrumentConfig) []tracer.Option {
	if !c.SampleRatioSet {
		return nil
	}
	p.tail = sampling.NewTail(sampling.TailConfig{KeepErrors: !c.NoTailErrors, SlowRoot: c.SlowRoot})
	return []tracer.Option{tracer.WithSampler(sampling.Head(c.SampleRatio)), tracer.WithTail(p.tail.Process)}
}

// samplingStats returns the tail stage's counters, nil without one.
func (p *pipeline) samplingStats() *sampling.Stats {
	if p.tail == nil {
		return nil
	}
	st := p.tail.Stats()
	return &st
}

// instrumentApp starts the app instrumentations c leaves on: page errors
// (with the early buffer's), long tasks and long animation frames, web
// vitals, and go-app's spans (goapp); and the tail stage's sweeper.
func instrumentApp(p *pipeline, c appInstrumentConfig) {
	tp := p.provider
	if !c.NoErrors {
		exception.Listen(tp.Tracer("github.com/spanfall/spanfall/tracer/exception"))
	}
	if !c.NoLongTasks {
		longtask.Observe(tp.Tracer("github.com/spanfall/spanfall/tracer/longtask"))
	}
	if !c.NoVitals {
		// The observers are buffered: starting them once the document load
		// span exists loses no entry and makes it their parent.
		go func() {
			parent := context.Background()
			select {
			case sc := <-pageLoad:
				if sc.IsValid() {
					parent = trace.ContextWithSpanContext(parent, sc)
				}
			case <-time.After(pageLoadWait):
			}
			vitals.Observe(&vitals.Recorder{
				Tracer:     tp.Tracer("github.com/spanfall/spanfall/tracer/vitals"),
				TimeOrigin: js.Global().Get("performance").Get("timeOrigin").Float(),
				Parent:     func() context.Context { return parent },
			})
		}()
	}
	if c.NoAppSpans {
		goapp.SetTracerProvider(noop.NewTracerProvider())
	}
	if p.tail != nil {
		go func() {
			for range time.Tick(sweepEvery) {
				p.tail.Sweep(nil)
			}
		}()
	}
}
