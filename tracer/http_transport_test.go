package tracer_test

import (
	"context"
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/instrument"
)

// TestTransportPolicy sends requests to two real servers: the page's
// origin gets a traceparent naming the client span, the other none; URLs
// are scrubbed by the policy; a 503 is an error.
func TestTransportPolicy(t *testing.T) {
	seen := map[string]string{}
	handler := func(name string, status int) nethttp.HandlerFunc {
		return func(w nethttp.ResponseWriter, r *nethttp.Request) {
			seen[name] = r.Header.Get("traceparent")
			w.WriteHeader(status)
		}
	}
	page := httptest.NewServer(handler("page", nethttp.StatusOK))
	defer page.Close()
	other := httptest.NewServer(handler("other", nethttp.StatusServiceUnavailable))
	defer other.Close()

	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	defer tp.Shutdown(context.Background())
	client := &nethttp.Client{Transport: &tracer.Transport{
		Tracer: tp.Tracer("test"),
		Policy: &instrument.Policy{PageOrigin: page.URL, QueryKeys: []string{"page"}},
	}}
	for _, u := range []string{page.URL + "/api?token=secret&page=2", strings.Replace(other.URL, "http://", "http://u:p@", 1) + "/x?token=secret"} {
		resp, err := client.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	spans := sr.Ended()
	if len(spans) != 2 {
		t.Fatalf("%d spans, want 2", len(spans))
	}
	want := "00-" + spans[0].SpanContext().TraceID().String() + "-" + spans[0].SpanContext().SpanID().String() + "-01"
	if seen["page"] != want {
		t.Errorf("same-origin traceparent = %q, want %q", seen["page"], want)
	}
	if seen["other"] != "" {
		t.Errorf("other origin got traceparent %q", seen["other"])
	}
	urls := map[string]string{}
	for i, s := range spans {
		for _, kv := range s.Attributes() {
			if kv.Key == "url.full" {
				urls[[]string{"page", "other"}[i]] = kv.Value.AsString()
			}
		}
	}
	if urls["page"] != page.URL+"/api?token=REDACTED&page=2" || urls["other"] != other.URL+"/x?token=REDACTED" {
		t.Errorf("url.full = %v", urls)
	}
	if spans[1].Status().Code != codes.Error {
		t.Errorf("503 status = %v, want error", spans[1].Status())
	}
}

// TestTransportNetworkError records a failed request as an error span.
func TestTransportNetworkError(t *testing.T) {
	srv := httptest.NewServer(nethttp.NotFoundHandler())
	srv.Close() // nothing listens there any more
	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	defer tp.Shutdown(context.Background())
	client := &nethttp.Client{Transport: &tracer.Transport{Tracer: tp.Tracer("test")}}
	if _, err := client.Get(srv.URL); err == nil {
		t.Fatal("request to a closed server succeeded")
	}
	s := sr.Ended()[0]
	if s.Status().Code != codes.Error || s.Status().Description == "" {
		t.Errorf("status = %v, want error with a message", s.Status())
	}
}
