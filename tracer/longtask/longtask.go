package longtask

import (
	"context"
	"math"
	"slices"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/spanfall/spanfall/tracer/exception"
)

// Entry types, which are also the span names.
const (
	LongTask           = "longtask"
	LongAnimationFrame = "long-animation-frame"
	// ScriptSpan is the name of a LoAF script's child span.
	ScriptSpan = "long-animation-frame.script"
)

// MaxScripts caps the scripts recorded per frame (the longest are kept).
const MaxScripts = 10

// Attribute keys.
const (
	AttrDuration         = attribute.Key("browser.long_task.duration")           // ms
	AttrName             = attribute.Key("browser.long_task.name")               // longtask: self, same-origin-ancestor, …
	AttrContainerType    = attribute.Key("browser.long_task.container_type")     // iframe, embed, object, window
	AttrContainerSrc     = attribute.Key("browser.long_task.container_src")      // privacy-safe
	AttrBlockingDuration = attribute.Key("browser.loaf.blocking_duration")       // ms
	AttrRenderStart      = attribute.Key("browser.loaf.render_start")            // ms since the frame's start
	AttrStyleLayoutStart = attribute.Key("browser.loaf.style_and_layout_start")  // ms since the frame's start
	AttrScripts          = attribute.Key("browser.loaf.scripts")                 // count, before the cap
	AttrInvoker          = attribute.Key("browser.loaf.script.invoker")          // e.g. BUTTON#go.onclick
	AttrInvokerType      = attribute.Key("browser.loaf.script.invoker_type")     // event-listener, user-callback, …
	AttrSourceURL        = attribute.Key("browser.loaf.script.source_url")       // privacy-safe
	AttrSourceFunction   = attribute.Key("browser.loaf.script.source_function")  // function name
	AttrSourcePosition   = attribute.Key("browser.loaf.script.source_char_pos")  // char position
	AttrForcedLayout     = attribute.Key("browser.loaf.script.forced_layout_ms") // forcedStyleAndLayoutDuration
)

// Script is one script entry of a long animation frame.
type Script struct {
	Invoker, InvokerType         string
	SourceURL, SourceFunction    string
	SourceCharPosition           int
	StartTime, Duration          float64
	ForcedStyleAndLayoutDuration float64
}

// Task is a longtask or long-animation-frame entry. Times are ms since
// the time origin.
type Task struct {
	Type      string // LongTask or LongAnimationFrame
	Name      string
	StartTime float64
	Duration  float64

	// longtask attribution (its first TaskAttributionTiming).
	ContainerType, ContainerSrc string

	// long-animation-frame.
	BlockingDuration    float64
	RenderStart         float64
	StyleAndLayoutStart float64
	Scripts             []Script
}

// Time converts a DOMHighResTimeStamp into wall-clock time.
func Time(origin, ms float64) time.Time {
	whole := math.Floor(origin)
	return time.Unix(0, int64(whole)*1e6+int64(math.Round((origin-whole+ms)*1e6)))
}

// Record records task as a span named after its type, timed by the
// browser, with a child span per script (at most [MaxScripts], the
// longest). origin is performance.timeOrigin.
func Record(ctx context.Context, t trace.Tracer, origin float64, task Task) trace.SpanContext {
	name := task.Type
	if name != LongAnimationFrame {
		name = LongTask
	}
	attrs := []attribute.KeyValue{AttrDuration.Float64(task.Duration)}
	if name == LongTask {
		if task.Name != "" {
			attrs = append(attrs, AttrName.String(task.Name))
		}
		if task.ContainerType != "" {
			attrs = append(attrs, AttrContainerType.String(task.ContainerType))
		}
		if task.ContainerSrc != "" {
			attrs = append(attrs, AttrContainerSrc.String(exception.StripURL(task.ContainerSrc)))
		}
	} else {
		attrs = append(attrs, AttrBlockingDuration.Float64(task.BlockingDuration), AttrScripts.Int(len(task.Scripts)))
		if task.RenderStart > 0 {
			attrs = append(attrs, AttrRenderStart.Float64(task.RenderStart-task.StartTime))
		}
		if task.StyleAndLayoutStart > 0 {
			attrs = append(attrs, AttrStyleLayoutStart.Float64(task.StyleAndLayoutStart-task.StartTime))
		}
	}
	ctx, s := t.Start(ctx, name, trace.WithTimestamp(Time(origin, task.StartTime)),
		trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(attrs...))
	scripts := slices.Clone(task.Scripts)
	slices.SortStableFunc(scripts, func(a, b Script) int {
		switch {
		case a.Duration > b.Duration:
			return -1
		case a.Duration < b.Duration:
			return 1
		}
		return 0
	})
	if len(scripts) > MaxScripts {
		scripts = scripts[:MaxScripts]
	}
	for _, sc := range scripts {
		a := []attribute.KeyValue{
			AttrInvoker.String(exception.Truncate(sc.Invoker, 256)),
			AttrInvokerType.String(sc.InvokerType),
			AttrSourceURL.String(exception.StripURL(sc.SourceURL)),
			AttrForcedLayout.Float64(sc.ForcedStyleAndLayoutDuration),
		}
		if sc.SourceFunction != "" {
			a = append(a, AttrSourceFunction.String(exception.Truncate(sc.SourceFunction, 256)))
		}
		if sc.SourceCharPosition > 0 {
			a = append(a, AttrSourcePosition.Int(sc.SourceCharPosition))
		}
		_, c := t.Start(ctx, ScriptSpan, trace.WithTimestamp(Time(origin, sc.StartTime)), trace.WithAttributes(a...))
		c.End(trace.WithTimestamp(Time(origin, sc.StartTime+sc.Duration)))
	}
	s.End(trace.WithTimestamp(Time(origin, task.StartTime+task.Duration)))
	return s.SpanContext()
}
