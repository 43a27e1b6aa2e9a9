//go:build wasip1

// Command wasiexample is a GOOS=wasip1 module traced by Spanfall: it
// records nested spans into a file outbox in a preopened directory and,
// with -stdout, also exports them to stdout as OTLP JSON lines.
//
//	wasiexample [-outbox /out/outbox.jsonl] [-requests N] [-max-spans N] [-stdout] [-bench N]
//
// Each request is a trace: a server span "handle" with children "parse",
// "query" (a client span) and "render"; every 5th request fails with an
// error status and an exception event. -bench N records N bare spans
// (start, 5 attributes, end) through the same pipeline and prints the
// time taken, for per-span cost under a WASI runtime.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/cache/filestore"
	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/otlp"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "wasiexample:", err)
		os.Exit(1)
	}
}

func run() error {
	outbox := flag.String("outbox", "/out/outbox.jsonl", "outbox file, in a preopened directory")
	requests := flag.Int("requests", 10, "traces to record")
	maxSpans := flag.Int("max-spans", 0, "outbox cap in spans (0: default 20,000)")
	stdout := flag.Bool("stdout", false, "also export to stdout as OTLP JSON lines")
	bench := flag.Int("bench", 0, "record this many bare spans and report the time")
	flag.Parse()

	ctx := context.Background()
	store, err := filestore.Open(ctx, *outbox, cache.WithLimits(cache.Limits{MaxSpans: *maxSpans}))
	if err != nil {
		return err
	}
	defer store.Close()
	tp := tracer.NewProvider(store, tracer.WithResourceAttributes(
		attribute.String("service.name", "wasi-example"),
		attribute.String("host.arch", "wasm32"),
		attribute.String("os.type", "wasip1"),
	))
	t := tp.Tracer("github.com/spanfall/spanfall/tracer/wasiexample")

	if *bench > 0 {
		start := time.Now()
		for i := range *bench {
			_, s := t.Start(ctx, "bench", trace.WithAttributes(
				attribute.String("a", "x"), attribute.String("b", "y"),
				attribute.Int("i", i), attribute.Int("j", 2), attribute.Bool("ok", true)))
			s.End()
		}
		if err := tp.ForceFlush(ctx); err != nil {
			return err
		}
		fmt.Printf("bench spans=%d ns=%d\n", *bench, time.Since(start).Nanoseconds())
	}

	for i := range *requests {
		record(ctx, t, i)
	}
	if err := tp.Shutdown(ctx); err != nil {
		return err
	}
	if *stdout {
		f := tracer.NewFlusher(store, otlp.NewWriterExporter(os.Stdout))
		if _, err := f.Flush(ctx); err != nil {
			return err
		}
	}
	st, err := store.Stats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "stored=%d pending=%d evicted=%d\n", st.Spans, st.Pending, st.Evicted.Total())
	return nil
}

func record(ctx context.Context, t trace.Tracer, i int) {
	ctx, root := t.Start(ctx, "handle", trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.Int("request.index", i), attribute.String("http.request.method", "GET")))
	defer root.End()
	_, p := t.Start(ctx, "parse")
	p.End()
	_, q := t.Start(ctx, "query", trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("db.system.name", "sqlite")))
	q.End()
	_, r := t.Start(ctx, "render")
	if i%5 == 4 {
		err := fmt.Errorf("template %d failed", i)
		r.RecordError(err)
		r.SetStatus(codes.Error, err.Error())
		root.SetStatus(codes.Error, "render failed")
	}
	r.End()
}
