package server_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spanfall/spanfall/app/server"
)

// lineSize is the size of one sink line for tracesWithID.
func lineSize(t *testing.T) int64 {
	t.Helper()
	dir := t.TempDir()
	sink, err := server.NewSink(filepath.Join(dir, "probe.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := tracesWithID(t, 0)
	w := httptest.NewRecorder()
	r := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/v1/traces", strings.NewReader(string(body)))
	r.Header.Set("Content-Type", "application/x-protobuf")
	sink.ServeHTTP(w, r)
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(sink.Path())
	if err != nil || st.Size() == 0 {
		t.Fatalf("probe line: %v, %d bytes", err, st.Size())
	}
	return st.Size()
}

// rotationFiles lists the directory: name → trace ids in order.
func rotationFiles(t *testing.T, dir string) map[string][]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, e := range entries {
		var ids []string
		for _, line := range fileLines(t, filepath.Join(dir, e.Name())) {
			for _, s := range spanIDs(decodeLine(t, line)) {
				ids = append(ids, strings.SplitN(s, "/", 2)[0])
			}
		}
		out[e.Name()] = ids
	}
	return out
}

func traceIDs(t *testing.T, ns ...int) []string {
	var out []string
	for _, n := range ns {
		_, id := tracesWithID(t, n)
		out = append(out, id)
	}
	return out
}

func TestSinkRotatesBySize(t *testing.T) {
	line := lineSize(t)
	tests := []struct {
		name     string
		maxBytes int64
		keep     int
		tick     time.Duration // clock step between requests
		requests int
		want     map[string][]int // file → request numbers
	}{
		{
			name: "two lines a file, keep 2", maxBytes: 2*line + line/2, keep: 2, tick: time.Second, requests: 7,
			want: map[string][]int{
				"traces-20260102T030409.000000000Z.jsonl": {2, 3},
				"traces-20260102T030411.000000000Z.jsonl": {4, 5},
				"traces.jsonl": {6},
			},
		},
		{
			name: "keep all", maxBytes: 2*line + line/2, keep: -1, tick: time.Second, requests: 5,
			want: map[string][]int{
				"traces-20260102T030407.000000000Z.jsonl": {0, 1},
				"traces-20260102T030409.000000000Z.jsonl": {2, 3},
				"traces.jsonl": {4},
			},
		},
		{
			name: "a frozen clock: collision counters keep order", maxBytes: line, keep: 2, requests: 5,
			want: map[string][]int{
				"traces-20260102T030405.000000000Z.2.jsonl": {2},
				"traces-20260102T030405.000000000Z.3.jsonl": {3},
				"traces.jsonl": {4},
			},
		},
		{
			name: "a line larger than the cap gets a file of its own", maxBytes: line / 2, keep: 10, tick: time.Millisecond, requests: 3,
			want: map[string][]int{
				"traces-20260102T030405.001000000Z.jsonl": {0},
				"traces-20260102T030405.002000000Z.jsonl": {1},
				"traces.jsonl": {2},
			},
		},
		{
			name: "never", maxBytes: -1, requests: 4,
			want: map[string][]int{"traces.jsonl": {0, 1, 2, 3}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			// An unrelated file that looks a little like a rotated one.
			if err := os.WriteFile(filepath.Join(dir, "traces-notes.jsonl"), nil, 0o644); err != nil {
				t.Fatal(err)
			}
			clock := newFakeClock()
			sink, err := server.NewSink(filepath.Join(dir, "traces.jsonl"),
				server.WithRotation(tt.maxBytes, tt.keep), server.WithClock(clock.Now), server.WithRateLimit(0, 0))
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(sink)
			defer srv.Close()
			for i := range tt.requests {
				body, _ := tracesWithID(t, i)
				if resp, data := post(t, srv.URL, "application/x-protobuf", "", body); resp.StatusCode != http.StatusOK {
					t.Fatalf("request %d: %d %q", i, resp.StatusCode, data)
				}
				clock.Advance(tt.tick)
			}
			if err := sink.Close(); err != nil {
				t.Fatal(err)
			}
			got := rotationFiles(t, dir)
			want := map[string][]string{"traces-notes.jsonl": nil}
			for name, ns := range tt.want {
				want[name] = traceIDs(t, ns...)
			}
			names := func(m map[string][]string) []string {
				var out []string
				for k := range m {
					out = append(out, k)
				}
				slices.Sort(out)
				return out
			}
			if !slices.Equal(names(got), names(want)) {
				t.Fatalf("files = %v, want %v", names(got), names(want))
			}
			for name, ids := range want {
				if !slices.Equal(got[name], ids) {
					t.Errorf("%s holds %v, want %v", name, got[name], ids)
				}
			}
		})
	}
}

// TestSinkRotatesAfterRestart: a reopened sink counts the bytes already
// in its file.
func TestSinkRotatesAfterRestart(t *testing.T) {
	line := lineSize(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "traces.jsonl")
	if err := os.WriteFile(path, []byte(strings.Repeat("x", int(2*line))+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	clock := newFakeClock()
	sink, err := server.NewSink(path, server.WithRotation(2*line, 1), server.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sink)
	defer srv.Close()
	body, id := tracesWithID(t, 1)
	if resp, data := post(t, srv.URL, "application/x-protobuf", "", body); resp.StatusCode != http.StatusOK {
		t.Fatalf("%d %q", resp.StatusCode, data)
	}
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(filepath.Join(dir, "traces-20260102T030405.000000000Z.jsonl"))
	if err != nil || len(old) != int(2*line)+1 {
		t.Errorf("rotated file: %v, %d bytes, want the old %d", err, len(old), 2*line+1)
	}
	lines := fileLines(t, path)
	if len(lines) != 1 || !strings.Contains(strings.Join(spanIDs(decodeLine(t, lines[0])), " "), id) {
		t.Errorf("new file has %d lines, want the one request", len(lines))
	}
}

func TestNewSinkRefusesSpecialFiles(t *testing.T) {
	if _, err := os.Stat(os.DevNull); err != nil {
		t.Skip(err)
	}
	_, err := server.NewSink(os.DevNull)
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("NewSink(%s) err = %v, want not a regular file (rotation would rename it)", os.DevNull, err)
	}
}
