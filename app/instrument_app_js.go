//go:build js && wasm

package main

import (
	"syscall/js"
	"time"

	"go.opentelemetry.io/otel/trace/noop"

	"github.com/spanfall/spanfall/goapp"
	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/exception"
	"github.com/spanfall/spanfall/tracer/longtask"
	"github.com/spanfall/spanfall/tracer/sampling"
	"github.com/spanfall/spanfall/tracer/vitals"
)

// sweepEvery is how often the tail stage decides traces whose local root
// never ended (after sampling.DefaultTimeout).
const sweepEvery = 5 * time.Second

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
		vitals.Observe(&vitals.Recorder{
			Tracer:     tp.Tracer("github.com/spanfall/spanfall/tracer/vitals"),
			TimeOrigin: js.Global().Get("performance").Get("timeOrigin").Float(),
		})
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
