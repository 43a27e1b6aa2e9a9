package instrument

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

func newRecorder(t *testing.T) (trace.Tracer, *tracetest.SpanRecorder) {
	t.Helper()
	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return tp.Tracer("test"), sr
}

func attrs(s sdktrace.ReadOnlySpan) map[string]string {
	m := map[string]string{}
	for _, kv := range s.Attributes() {
		m[string(kv.Key)] = kv.Value.Emit()
	}
	return m
}

func byName(t *testing.T, sr *tracetest.SpanRecorder, name string) sdktrace.ReadOnlySpan {
	t.Helper()
	for _, s := range sr.Ended() {
		if s.Name() == name {
			return s
		}
	}
	var names []string
	for _, s := range sr.Ended() {
		names = append(names, s.Name())
	}
	t.Fatalf("no ended span named %q; have %q", name, names)
	return nil
}

func TestRequestAttributes(t *testing.T) {
	tests := []struct {
		name     string
		r        Request
		wantName string
		want     map[string]string
	}{
		{"get with port", Request{API: "fetch", Method: "get", URL: "http://127.0.0.1:8000/api?q=1"}, "GET", map[string]string{
			"http.request.method": "GET", "url.full": "http://127.0.0.1:8000/api?q=REDACTED",
			"server.address": "127.0.0.1", "server.port": "8000", "spanfall.http.api": "fetch",
		}},
		{"https default port", Request{Method: "POST", URL: "https://user:pw@api.example/x"}, "POST", map[string]string{
			"http.request.method": "POST", "url.full": "https://api.example/x", "server.address": "api.example", "server.port": "443",
		}},
		{"unknown method", Request{Method: "PURGE", URL: "http://a.example/"}, "HTTP", map[string]string{
			"http.request.method": "_OTHER", "http.request.method_original": "PURGE", "server.port": "80",
		}},
		{"empty method is GET", Request{URL: "http://a.example/"}, "GET", map[string]string{"http.request.method": "GET"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name, kvs := RequestAttributes(&Policy{}, tt.r)
			if name != tt.wantName {
				t.Errorf("name = %q, want %q", name, tt.wantName)
			}
			got := map[string]string{}
			for _, kv := range kvs {
				got[string(kv.Key)] = kv.Value.Emit()
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q (all: %v)", k, got[k], v, got)
				}
			}
		})
	}
}

func TestEndRequest(t *testing.T) {
	tests := []struct {
		name       string
		resp       Response
		wantCode   codes.Code
		wantDesc   string
		wantStatus string
		wantErr    string
	}{
		{"ok", Response{Status: 200}, codes.Unset, "", "200", ""},
		{"4xx is not a client error", Response{Status: 404}, codes.Unset, "", "404", ""},
		{"5xx", Response{Status: 503}, codes.Error, "HTTP 503", "503", "503"},
		{"network failure", Response{Err: "Failed to fetch", ErrType: "TypeError"}, codes.Error, "Failed to fetch", "", "TypeError"},
		{"no response, no message", Response{}, codes.Error, "no response", "", "network"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, sr := newRecorder(t)
			_, s, _ := StartRequest(context.Background(), tr, nil, Request{Method: "GET", URL: "http://a.example/"})
			EndRequest(s, nil, tt.resp)
			got := sr.Ended()[0]
			if got.Status().Code != tt.wantCode || got.Status().Description != tt.wantDesc {
				t.Errorf("status = %v %q, want %v %q", got.Status().Code, got.Status().Description, tt.wantCode, tt.wantDesc)
			}
			a := attrs(got)
			if a["http.response.status_code"] != tt.wantStatus || a["error.type"] != tt.wantErr {
				t.Errorf("status_code %q error.type %q, want %q %q", a["http.response.status_code"], a["error.type"], tt.wantStatus, tt.wantErr)
			}
			if got.SpanKind() != trace.SpanKindClient {
				t.Errorf("kind = %v, want client", got.SpanKind())
			}
		})
	}
}

func TestStartRequestHeadersOnlyWhereAllowed(t *testing.T) {
	tr, _ := newRecorder(t)
	p := &Policy{PageOrigin: "http://127.0.0.1:8000"}
	_, s, h := StartRequest(context.Background(), tr, p, Request{Method: "GET", URL: "http://127.0.0.1:8000/api"})
	want := "00-" + s.SpanContext().TraceID().String() + "-" + s.SpanContext().SpanID().String() + "-01"
	if h["traceparent"] != want {
		t.Errorf("same-origin traceparent = %q, want %q", h["traceparent"], want)
	}
	if _, _, h := StartRequest(context.Background(), tr, p, Request{Method: "GET", URL: "http://127.0.0.1:9999/api"}); h != nil {
		t.Errorf("cross-origin request got headers %v", h)
	}
}

func TestRecorderParentsRequestsToInteractions(t *testing.T) {
	tr, sr := newRecorder(t)
	r := &Recorder{Tracer: tr, Policy: &Policy{PageOrigin: "http://app.example"}}
	t0 := time.Unix(1_700_000_000, 0)
	r.Start(Event{Seq: 1, Kind: "click", Start: t0, Target: Target{Tag: "button", ID: "save", TestID: "save-btn"}})
	h := r.Start(Event{Seq: 2, Kind: "fetch", Start: t0.Add(time.Millisecond), Parent: 1, Method: "POST", URL: "http://app.example/api/save?secret=1"})
	r.Start(Event{Seq: 3, Kind: "xhr", Start: t0.Add(2 * time.Millisecond), Method: "GET", URL: "https://third.example/x"})
	r.Start(Event{Seq: 4, Kind: "fetch", Start: t0.Add(3 * time.Millisecond), Parent: 99, URL: "http://app.example/y"})
	r.End(1, true, Response{End: t0.Add(5 * time.Millisecond)})
	r.End(2, false, Response{End: t0.Add(40 * time.Millisecond), Status: 201})
	r.End(3, false, Response{End: t0.Add(50 * time.Millisecond), Err: "XMLHttpRequest error", ErrType: "error"})
	r.End(4, false, Response{End: t0.Add(60 * time.Millisecond), Status: 500})
	r.End(2, false, Response{Status: 200}) // already ended: ignored
	if r.Open() != 0 {
		t.Errorf("%d spans left open", r.Open())
	}
	if len(sr.Ended()) != 4 {
		t.Fatalf("%d spans ended, want 4", len(sr.Ended()))
	}

	click := byName(t, sr, `click button#save[data-testid="save-btn"]`)
	if !click.StartTime().Equal(t0) || !click.EndTime().Equal(t0.Add(5*time.Millisecond)) {
		t.Errorf("click times %v–%v, want the event's", click.StartTime(), click.EndTime())
	}
	if a := attrs(click); a["spanfall.interaction.type"] != "click" || a["spanfall.interaction.target"] != `button#save[data-testid="save-btn"]` {
		t.Errorf("click attributes %v", a)
	}
	post := byName(t, sr, "POST")
	if post.Parent().SpanID() != click.SpanContext().SpanID() || post.SpanContext().TraceID() != click.SpanContext().TraceID() {
		t.Error("the fetch is not the click's child")
	}
	if h["traceparent"] == "" || h["traceparent"][36:52] != post.SpanContext().SpanID().String() {
		t.Errorf("traceparent %q does not name the fetch span %s", h["traceparent"], post.SpanContext().SpanID())
	}
	if a := attrs(post); a["url.full"] != "http://app.example/api/save?secret=REDACTED" || a["http.response.status_code"] != "201" {
		t.Errorf("fetch attributes %v", a)
	}
	for _, s := range sr.Ended() {
		if s.Name() == "GET" && s.Parent().IsValid() {
			t.Errorf("request %v without a known interaction has a parent", attrs(s)["url.full"])
		}
	}
}

func TestRecorderForgetsOldInteractions(t *testing.T) {
	tr, sr := newRecorder(t)
	r := &Recorder{Tracer: tr}
	for i := 1; i <= maxInteractions+1; i++ {
		r.Start(Event{Seq: i, Kind: "click", Start: time.Now()})
		r.End(i, true, Response{})
	}
	r.Start(Event{Seq: 1000, Kind: "fetch", Parent: 1, URL: "http://a.example/"})
	r.End(1000, false, Response{Status: 200})
	if p := byName(t, sr, "GET").Parent(); p.IsValid() {
		t.Error("a request names an interaction that should have been forgotten as parent")
	}
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		name string
		in   Target
		want string
	}{
		{"tag only", Target{Tag: "BUTTON"}, "button"},
		{"no tag", Target{}, "element"},
		{"id and classes", Target{Tag: "a", ID: "nav", Class: " btn  primary x y"}, "a#nav.btn.primary.x"},
		{"generated id and class dropped", Target{Tag: "div", ID: "ember123456", Class: "css-1a2b3c4d5e6f7a8b9 card"}, "div.card"},
		{"testid, name and type, never values", Target{Tag: "input", Name: "email", Type: "email", TestID: "login-email"}, `input[data-testid="login-email"][name="email"][type="email"]`},
		{"quotes escaped", Target{Tag: "button", TestID: `a"b`}, `button[data-testid="a\"b"]`},
		{"long attribute dropped", Target{Tag: "div", Role: string(make([]byte, 65))}, "div"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Describe(tt.in); got != tt.want {
				t.Errorf("Describe = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRemoteParent(t *testing.T) {
	const tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	ctx, ok := RemoteParent(context.Background(), tp, "k=v")
	sc := trace.SpanContextFromContext(ctx)
	if !ok || sc.TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" || sc.SpanID().String() != "00f067aa0ba902b7" || !sc.IsRemote() || !sc.IsSampled() || sc.TraceState().Get("k") != "v" {
		t.Errorf("RemoteParent(%q) = %v %v", tp, sc, ok)
	}
	for _, bad := range []string{"", "garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"} {
		if ctx, ok := RemoteParent(context.Background(), bad, ""); ok || trace.SpanContextFromContext(ctx).IsValid() {
			t.Errorf("RemoteParent(%q) accepted", bad)
		}
	}
	tr, sr := newRecorder(t)
	_, s := tr.Start(ctx, "documentLoad")
	s.End()
	if got := sr.Ended()[0]; got.Parent().SpanID() != sc.SpanID() || got.SpanContext().TraceID() != sc.TraceID() {
		t.Error("a span under RemoteParent does not join the server's trace")
	}
}

func TestEpochMillis(t *testing.T) {
	got := EpochMillis(1_700_000_000_123.456789)
	want := time.Unix(1_700_000_000, 123_456_789)
	if d := got.Sub(want); d < -time.Microsecond || d > time.Microsecond {
		t.Errorf("EpochMillis = %v, want %v (±1µs)", got, want)
	}
}
