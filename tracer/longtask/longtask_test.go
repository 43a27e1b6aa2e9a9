package longtask

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

func attrs(kvs []attribute.KeyValue) map[attribute.Key]string {
	m := map[attribute.Key]string{}
	for _, kv := range kvs {
		m[kv.Key] = kv.Value.Emit()
	}
	return m
}

func TestRecord(t *testing.T) {
	const origin = 1_800_000_000_000.0
	at := func(ms float64) time.Time {
		return time.Unix(1_800_000_000, 0).Add(time.Duration(ms * float64(time.Millisecond)))
	}
	var many []Script
	for i := range 12 {
		many = append(many, Script{Invoker: fmt.Sprintf("s%d", i), InvokerType: "user-callback", SourceURL: "https://x/a.js", StartTime: 100, Duration: float64(i)})
	}
	tests := []struct {
		name     string
		task     Task
		span     string
		attrs    map[attribute.Key]string
		children []string // invokers, in order
	}{
		{
			name:  "long task with container",
			task:  Task{Type: LongTask, Name: "self", StartTime: 100, Duration: 75, ContainerType: "window", ContainerSrc: "https://u:p@x/frame?secret=1"},
			span:  LongTask,
			attrs: map[attribute.Key]string{AttrDuration: "75", AttrName: "self", AttrContainerType: "window", AttrContainerSrc: "https://x/frame"},
		},
		{
			name: "long animation frame with scripts",
			task: Task{Type: LongAnimationFrame, StartTime: 100, Duration: 120, BlockingDuration: 70, RenderStart: 215, StyleAndLayoutStart: 218,
				Scripts: []Script{
					{Invoker: "BUTTON#go.onclick", InvokerType: "event-listener", SourceURL: "https://x/app.js?token=s", SourceFunction: "busy", SourceCharPosition: 42, StartTime: 101, Duration: 60, ForcedStyleAndLayoutDuration: 2},
					{Invoker: "TimerHandler:setTimeout", InvokerType: "user-callback", SourceURL: "https://x/b.js", StartTime: 170, Duration: 40},
				}},
			span:     LongAnimationFrame,
			attrs:    map[attribute.Key]string{AttrDuration: "120", AttrBlockingDuration: "70", AttrRenderStart: "115", AttrStyleLayoutStart: "118", AttrScripts: "2"},
			children: []string{"BUTTON#go.onclick", "TimerHandler:setTimeout"},
		},
		{
			name:     "scripts capped, the longest kept",
			task:     Task{Type: LongAnimationFrame, StartTime: 100, Duration: 200, Scripts: many},
			span:     LongAnimationFrame,
			attrs:    map[attribute.Key]string{AttrScripts: "12"},
			children: []string{"s11", "s10", "s9", "s8", "s7", "s6", "s5", "s4", "s3", "s2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sr := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
			Record(context.Background(), tp.Tracer("t"), origin, tt.task)
			spans := sr.Ended()
			root := spans[len(spans)-1]
			if root.Name() != tt.span {
				t.Fatalf("root %q", root.Name())
			}
			if !root.StartTime().Equal(at(tt.task.StartTime)) || root.EndTime().Sub(root.StartTime()) != time.Duration(tt.task.Duration*float64(time.Millisecond)) {
				t.Errorf("root %v..%v", root.StartTime(), root.EndTime())
			}
			got := attrs(root.Attributes())
			for k, v := range tt.attrs {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
			var invokers []string
			for _, c := range spans[:len(spans)-1] {
				if c.Name() != ScriptSpan || c.Parent().SpanID() != root.SpanContext().SpanID() {
					t.Errorf("child %q parent %v", c.Name(), c.Parent().SpanID())
				}
				invokers = append(invokers, attrs(c.Attributes())[AttrInvoker])
			}
			if fmt.Sprint(invokers) != fmt.Sprint(tt.children) {
				t.Errorf("scripts %q, want %q", invokers, tt.children)
			}
			if tt.name == "long animation frame with scripts" {
				c := attrs(spans[0].Attributes())
				if c[AttrSourceURL] != "https://x/app.js" || c[AttrSourceFunction] != "busy" || c[AttrSourcePosition] != "42" || c[AttrInvokerType] != "event-listener" {
					t.Errorf("script attributes %v", c)
				}
				if spans[0].EndTime().Sub(spans[0].StartTime()) != 60*time.Millisecond {
					t.Errorf("script duration %v", spans[0].EndTime().Sub(spans[0].StartTime()))
				}
			}
		})
	}
}
