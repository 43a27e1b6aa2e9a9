//go:build !js

package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/spanfall/spanfall/cache/filestore"
	"github.com/spanfall/spanfall/tracer/span"
)

func TestShipCommand(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "outbox.jsonl")
	s, err := filestore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		err := s.Put(ctx, []span.Span{{
			TraceID: "0123456789abcdef0123456789abcdef", SpanID: "00000000000000a" + string(rune('0'+i)),
			Name: "s", StartTimeUnixNano: 1, EndTimeUnixNano: 2,
		}})
		if err != nil {
			t.Fatal(err)
		}
	}
	s.Close()

	var mu sync.Mutex
	var got int
	fail := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var rd io.Reader = r.Body
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(r.Body)
			if err != nil {
				t.Errorf("bad gzip: %v", err)
				return
			}
			rd = zr
		}
		body, _ := io.ReadAll(rd)
		mu.Lock()
		defer mu.Unlock()
		if got == 2 && fail { // the second request fails once
			fail = false
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		req := ptraceotlp.NewExportRequest()
		var err error
		if r.Header.Get("Content-Type") == "application/x-protobuf" {
			err = req.UnmarshalProto(body)
		} else {
			err = req.UnmarshalJSON(body)
		}
		if err != nil {
			t.Errorf("collector cannot decode %s: %v", r.Header.Get("Content-Type"), err)
		}
		got += req.Traces().SpanCount()
	}))
	defer srv.Close()

	var out, errOut bytes.Buffer
	if code := ship([]string{"-file", path, "-endpoint", srv.URL + "/v1/traces", "-batch", "2", "-json"}, &out, &errOut); code != 1 {
		t.Fatalf("exit %d with a failing collector, want 1 (stderr %s)", code, errOut.String())
	}
	var res struct {
		Spans int    `json:"spans"`
		Left  int    `json:"left"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || res.Spans != 2 || res.Left != 2 || !strings.Contains(res.Error, "503") {
		t.Fatalf("first ship printed %s (%v)", out.String(), err)
	}
	out.Reset()
	if code := ship([]string{"-file", path, "-endpoint", srv.URL + "/v1/traces", "-batch", "2"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut.String())
	}
	if got != 4 {
		t.Fatalf("collector got %d spans, want 4", got)
	}
	if b, _ := os.ReadFile(path); len(bytes.TrimSpace(b)) != 0 {
		t.Fatalf("outbox not emptied: %q", b)
	}
	if code := ship([]string{"-endpoint", srv.URL}, &out, &errOut); code != 2 {
		t.Fatalf("missing -file: exit %d, want 2", code)
	}
}
