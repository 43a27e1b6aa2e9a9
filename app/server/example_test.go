package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/spanfall/spanfall/app/server"
)

// The server relays OTLP to a collector when an endpoint is configured and
// otherwise appends it to the embedded sink's file.
func ExampleNew() {
	s, err := server.New(server.Config{OTLPEndpoint: "http://127.0.0.1:4318"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	fmt.Println(s.Describe())
	// Output: relaying OTLP to http://127.0.0.1:4318/v1/traces
}

// A Sink accepts OTLP/HTTP requests and appends each as one OTLP JSON line,
// the collector's file exporter format.
func ExampleSink() {
	dir, err := os.MkdirTemp("", "spanfall-sink")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	sink, err := server.NewSink(filepath.Join(dir, "traces.jsonl"))
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(sink)
	defer srv.Close()

	for _, body := range []string{
		`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","name":"hello"}]}]}]}`,
		`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"00000000000000000000000000000000","spanId":"00f067aa0ba902b7","name":"zero"}]}]}]}`,
	} {
		resp, err := http.Post(srv.URL+"/v1/traces", "application/json", strings.NewReader(body))
		if err != nil {
			fmt.Println(err)
			return
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, string(answer))
	}
	if err := sink.Close(); err != nil {
		fmt.Println(err)
		return
	}
	data, err := os.ReadFile(sink.Path())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(data))
	// Output:
	// 200 {"partialSuccess":{}}
	// 400 {"code":3,"message":"span \"zero\" (resource 0, scope 0, span 0): empty or all-zero trace id"}
	// {"resourceSpans":[{"resource":{},"scopeSpans":[{"scope":{},"spans":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","name":"hello","status":{}}]}]}]}
}

// A Relay forwards only valid requests to its one collector, with the
// collector's credentials from the server's configuration. When the
// collector is down the browser gets 503 with Retry-After, which its
// exporter retries, never a 4xx that would drop the spans.
func ExampleNewRelay() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	down := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there any more

	relay, err := server.NewRelay(down,
		server.WithUpstreamHeaders(map[string]string{"Authorization": "Bearer from-the-environment"}),
		server.WithErrorLog(log.New(io.Discard, "", 0)), // the operator's log names the collector
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(relay)
	defer srv.Close()

	for _, body := range []string{
		`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba9"}]}]}]}`,
		`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7"}]}]}]}`,
	} {
		resp, err := http.Post(srv.URL+"/v1/traces", "application/json", strings.NewReader(body))
		if err != nil {
			fmt.Println(err)
			return
		}
		var st struct {
			Code    int
			Message string
		}
		err = json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
		if err != nil {
			fmt.Println(err)
			return
		}
		msg, _, _ := strings.Cut(st.Message, ": ID.") // pdata's own detail follows
		fmt.Printf("%d Retry-After=%q code=%d %s\n", resp.StatusCode, resp.Header.Get("Retry-After"), st.Code, msg)
	}
	// Output:
	// 400 Retry-After="" code=3 decode application/json
	// 503 Retry-After="5" code=14 relay: collector unreachable; retry later
}
