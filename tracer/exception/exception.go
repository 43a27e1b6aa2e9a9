package exception

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Semantic convention keys.
const (
	EventName      = "exception"
	AttrType       = attribute.Key("exception.type")
	AttrMessage    = attribute.Key("exception.message")
	AttrStacktrace = attribute.Key("exception.stacktrace")
	AttrFilePath   = attribute.Key("code.file.path")
	AttrLine       = attribute.Key("code.line.number")
	AttrColumn     = attribute.Key("code.column.number")
	// AttrSource says where the error was caught: "error",
	// "unhandledrejection" or "panic"; AttrEarly marks errors the early
	// buffer caught before the wasm booted.
	AttrSource = attribute.Key("exception.source")
	AttrEarly  = attribute.Key("spanfall.early")
)

// Length caps of the recorded strings, in bytes.
const (
	MaxMessage = 1024
	MaxStack   = 16 << 10
	MaxPath    = 512
)

// Kinds of JavaScript errors, as the event types name them.
const (
	KindError     = "error"
	KindRejection = "unhandledrejection"
)

// JSError is an uncaught error or an unhandled rejection of the page, in
// the early buffer's shape (see docs/instrument-app.md).
type JSError struct {
	Kind      string  // KindError or KindRejection
	Time      float64 // ms since the Unix epoch
	Message   string
	ErrorType string // the Error's name (TypeError, …), or typeof the rejection reason
	Stack     string
	Filename  string
	Lineno    int
	Colno     int
	Early     bool // replayed from the early buffer
}

// Truncate cuts s to at most n bytes on a rune boundary, marking the cut
// with "…".
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// StripURL removes credentials, query and fragment from a URL-like string
// and caps its length: a script's address is kept, not what was passed
// to it.
func StripURL(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		host := rest
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			host = rest[:j]
		}
		if at := strings.LastIndexByte(host, '@'); at >= 0 {
			u = u[:i+3] + rest[at+1:]
		}
	}
	return Truncate(u, MaxPath)
}

// Attributes returns the exception event's attributes.
func Attributes(typ, message, stack string) []attribute.KeyValue {
	if typ == "" {
		typ = "Error"
	}
	attrs := []attribute.KeyValue{AttrType.String(typ), AttrMessage.String(Truncate(message, MaxMessage))}
	if stack != "" {
		attrs = append(attrs, AttrStacktrace.String(Truncate(stack, MaxStack)))
	}
	return attrs
}

// EpochTime converts ms since the Unix epoch into a time.
func EpochTime(ms float64) time.Time {
	whole := math.Floor(ms)
	return time.Unix(0, int64(whole)*1e6+int64(math.Round((ms-whole)*1e6)))
}

// RecordJS records e as a zero-length span named after its kind ("error"
// or "unhandledrejection") at e.Time, with status error and an exception
// event. It returns the span's context.
func RecordJS(ctx context.Context, t trace.Tracer, e JSError) trace.SpanContext {
	kind := e.Kind
	if kind != KindRejection {
		kind = KindError
	}
	at := EpochTime(e.Time)
	if e.Time <= 0 {
		at = time.Now()
	}
	attrs := []attribute.KeyValue{AttrSource.String(kind)}
	if e.Filename != "" {
		attrs = append(attrs, AttrFilePath.String(StripURL(e.Filename)))
	}
	if e.Lineno > 0 {
		attrs = append(attrs, AttrLine.Int(e.Lineno))
	}
	if e.Colno > 0 {
		attrs = append(attrs, AttrColumn.Int(e.Colno))
	}
	if e.Early {
		attrs = append(attrs, AttrEarly.Bool(true))
	}
	_, s := t.Start(ctx, kind, trace.WithTimestamp(at), trace.WithAttributes(attrs...))
	s.AddEvent(EventName, trace.WithTimestamp(at), trace.WithAttributes(Attributes(e.ErrorType, e.Message, e.Stack)...))
	s.SetStatus(codes.Error, Truncate(e.Message, MaxMessage))
	s.End(trace.WithTimestamp(at))
	return s.SpanContext()
}

// PanicType returns the exception.type of a panic value: its Go type
// (for example "string", "*errors.errorString", "runtime.boundsError").
func PanicType(v any) string { return fmt.Sprintf("%T", v) }

// RecordPanic adds the exception event of a recovered panic value v, with
// stack (from runtime/debug.Stack) as its stacktrace, to span s and sets
// its status to error. It does not end s.
func RecordPanic(s trace.Span, v any, stack []byte) {
	msg := fmt.Sprint(v)
	attrs := append(Attributes(PanicType(v), msg, string(stack)), AttrSource.String("panic"))
	s.AddEvent(EventName, trace.WithAttributes(attrs...))
	s.SetStatus(codes.Error, Truncate("panic: "+msg, MaxMessage))
}
