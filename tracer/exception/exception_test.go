package exception

import (
	"context"
	"errors"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

func attrMap(kvs []attribute.KeyValue) map[attribute.Key]string {
	m := map[attribute.Key]string{}
	for _, kv := range kvs {
		m[kv.Key] = kv.Value.Emit()
	}
	return m
}

func TestRecordJS(t *testing.T) {
	tests := []struct {
		name     string
		in       JSError
		span     string
		typ      string
		attrs    map[attribute.Key]string
		noAttrs  []attribute.Key
		wantTime time.Time
	}{
		{
			name: "thrown error",
			in: JSError{Kind: KindError, Time: 1_800_000_000_123.25, Message: "Uncaught TypeError: x is undefined", ErrorType: "TypeError",
				Stack: "TypeError: x is undefined\n    at f (https://u:p@example.com/app.js?v=1:3:7)", Filename: "https://u:p@example.com/app.js?v=1#x", Lineno: 3, Colno: 7},
			span: "error", typ: "TypeError",
			attrs:    map[attribute.Key]string{AttrFilePath: "https://example.com/app.js", AttrLine: "3", AttrColumn: "7", AttrSource: "error"},
			noAttrs:  []attribute.Key{AttrEarly},
			wantTime: time.Unix(1_800_000_000, 123_250_000),
		},
		{
			name: "rejection with a string reason, early",
			in:   JSError{Kind: KindRejection, Time: 1_800_000_000_000, Message: "nope", ErrorType: "string", Early: true},
			span: "unhandledrejection", typ: "string",
			attrs:    map[attribute.Key]string{AttrSource: "unhandledrejection", AttrEarly: "true"},
			noAttrs:  []attribute.Key{AttrFilePath, AttrLine},
			wantTime: time.Unix(1_800_000_000, 0),
		},
		{
			name: "unknown kind and type default",
			in:   JSError{Kind: "weird", Time: 1_800_000_000_000, Message: "m"},
			span: "error", typ: "Error",
			attrs:    map[attribute.Key]string{AttrSource: "error"},
			wantTime: time.Unix(1_800_000_000, 0),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sr := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
			RecordJS(context.Background(), tp.Tracer("t"), tt.in)
			s := sr.Ended()[0]
			if s.Name() != tt.span || s.Status().Code != codes.Error || s.Status().Description != tt.in.Message {
				t.Fatalf("span %q status %v", s.Name(), s.Status())
			}
			if !s.StartTime().Equal(tt.wantTime) || !s.EndTime().Equal(tt.wantTime) {
				t.Errorf("time %v..%v, want %v", s.StartTime(), s.EndTime(), tt.wantTime)
			}
			got := attrMap(s.Attributes())
			for k, v := range tt.attrs {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
			for _, k := range tt.noAttrs {
				if _, ok := got[k]; ok {
					t.Errorf("unexpected %s", k)
				}
			}
			if len(s.Events()) != 1 || s.Events()[0].Name != EventName {
				t.Fatalf("events %v", s.Events())
			}
			ev := attrMap(s.Events()[0].Attributes)
			if ev[AttrType] != tt.typ || ev[AttrMessage] != tt.in.Message || ev[AttrStacktrace] != tt.in.Stack {
				t.Errorf("exception event %v", ev)
			}
		})
	}
}

func TestStripURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://example.com/a.js", "https://example.com/a.js"},
		{"https://user:pw@example.com/a.js?token=s#f", "https://example.com/a.js"},
		{"http://a@b@host:8/x?y", "http://host:8/x"},
		{"/rel/path.js?q=1", "/rel/path.js"},
		{"", ""},
		{"https://example.com/" + strings.Repeat("x", 600), "https://example.com/" + strings.Repeat("x", MaxPath-len("https://example.com/")-len("…")) + "…"},
	}
	for _, tt := range tests {
		if got := StripURL(tt.in); got != tt.want {
			t.Errorf("StripURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	if got := Truncate("héllo", 4); got != "h…" && len(got) > 4 {
		t.Errorf("Truncate = %q (%d bytes)", got, len(got))
	}
	if got := Truncate(strings.Repeat("é", 10), 8); len(got) > 8 || !strings.HasSuffix(got, "…") {
		t.Errorf("Truncate = %q (%d bytes)", got, len(got))
	}
	if got := Truncate("short", 10); got != "short" {
		t.Errorf("Truncate = %q", got)
	}
}

type myErr struct{}

func (*myErr) Error() string { return "mine" }

func TestRecordPanic(t *testing.T) {
	tests := []struct {
		name    string
		panicky func()
		typ     string
		msg     string
	}{
		{"string", func() { panic("boom") }, "string", "boom"},
		{"error value", func() { panic(errors.New("bad")) }, "*errors.errorString", "bad"},
		{"custom error", func() { panic(&myErr{}) }, "*exception.myErr", "mine"},
		{"runtime error", func() { var s []int; _ = s[3] }, "runtime.boundsError", "runtime error: index out of range [3] with length 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sr := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
			_, s := tp.Tracer("t").Start(context.Background(), "handler")
			func() {
				defer func() {
					if v := recover(); v != nil {
						RecordPanic(s, v, debug.Stack())
					}
				}()
				tt.panicky()
			}()
			s.End()
			got := sr.Ended()[0]
			if got.Status().Code != codes.Error || got.Status().Description != "panic: "+tt.msg {
				t.Errorf("status %v", got.Status())
			}
			ev := attrMap(got.Events()[0].Attributes)
			if ev[AttrType] != tt.typ || ev[AttrMessage] != tt.msg || ev[AttrSource] != "panic" {
				t.Errorf("event %v", ev)
			}
			if !strings.Contains(ev[AttrStacktrace], "TestRecordPanic") {
				t.Errorf("stacktrace lacks the panicking test:\n%s", ev[AttrStacktrace])
			}
		})
	}
}
