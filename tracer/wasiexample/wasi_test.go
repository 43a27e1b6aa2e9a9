//go:build !wasip1 && !js

package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

var (
	buildOnce sync.Once
	wasmBytes []byte
	buildErr  error
)

// module builds the example for GOOS=wasip1 once per test binary, or
// reads the build named by SPANFALL_WASI_MODULE (make test builds it once
// for these tests and the end-to-end tier).
func module(t testing.TB) []byte {
	t.Helper()
	buildOnce.Do(func() {
		if path := os.Getenv("SPANFALL_WASI_MODULE"); path != "" {
			wasmBytes, buildErr = os.ReadFile(path)
			return
		}
		dir, err := os.MkdirTemp("", "wasiexample")
		if err != nil {
			buildErr = err
			return
		}
		out := filepath.Join(dir, "example.wasm")
		cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-trimpath", "-ldflags=-s -w", "-o", out, ".")
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
		if b, err := cmd.CombinedOutput(); err != nil {
			buildErr = err
			t.Logf("%s", b)
			return
		}
		wasmBytes, buildErr = os.ReadFile(out)
	})
	if buildErr != nil {
		t.Fatalf("build wasip1 module: %v", buildErr)
	}
	return wasmBytes
}

// runModule runs the module with args and dir preopened as /out.
func runModule(t testing.TB, rt wazero.Runtime, compiled wazero.CompiledModule, dir string, args ...string) (stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cfg := wazero.NewModuleConfig().
		WithArgs(append([]string{"wasiexample"}, args...)...).
		WithStdout(&out).WithStderr(&errOut).
		WithFSConfig(wazero.NewFSConfig().WithDirMount(dir, "/out")).
		WithSysWalltime().WithSysNanotime().WithRandSource(randReader{})
	mod, err := rt.InstantiateModule(context.Background(), compiled, cfg)
	if mod != nil {
		mod.Close(context.Background())
	}
	if err != nil && !strings.Contains(err.Error(), "exit_code(0)") {
		t.Fatalf("module failed: %v\nstderr: %s", err, errOut.String())
	}
	return out.String(), errOut.String()
}

type randReader struct{}

func (randReader) Read(p []byte) (int, error) { return cryptoRand(p) }

func newRuntime(t testing.TB) (wazero.Runtime, wazero.CompiledModule) {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	t.Cleanup(func() { rt.Close(ctx) })
	wasi_snapshot_preview1.MustInstantiate(ctx, rt)
	compiled, err := rt.CompileModule(ctx, module(t))
	if err != nil {
		t.Fatal(err)
	}
	return rt, compiled
}

// decodeLines decodes OTLP JSON lines with the collector's pdata.
func decodeLines(t *testing.T, data []byte) []ptrace.Span {
	t.Helper()
	var spans []ptrace.Span
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<24)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		req := ptraceotlp.NewExportRequest()
		if err := req.UnmarshalJSON(sc.Bytes()); err != nil {
			t.Fatalf("line %d does not decode with pdata: %v", n, err)
		}
		rss := req.Traces().ResourceSpans()
		for i := range rss.Len() {
			if v, _ := rss.At(i).Resource().Attributes().Get("service.name"); v.Str() != "wasi-example" {
				t.Errorf("line %d: service.name %q", n, v.Str())
			}
			sss := rss.At(i).ScopeSpans()
			for j := range sss.Len() {
				ss := sss.At(j).Spans()
				for k := range ss.Len() {
					spans = append(spans, ss.At(k))
				}
			}
		}
	}
	return spans
}

func TestWASIModuleOutbox(t *testing.T) {
	rt, compiled := newRuntime(t)
	dir := t.TempDir()
	_, stderr := runModule(t, rt, compiled, dir, "-requests", "10")
	data, err := os.ReadFile(filepath.Join(dir, "outbox.jsonl"))
	if err != nil {
		t.Fatalf("no outbox: %v (stderr %s)", err, stderr)
	}
	spans := decodeLines(t, data)
	if len(spans) != 40 {
		t.Fatalf("outbox holds %d spans, want 10 traces × 4", len(spans))
	}
	byID := map[string]ptrace.Span{}
	traces := map[string]int{}
	errs := 0
	for _, s := range spans {
		if s.TraceID().IsEmpty() || s.SpanID().IsEmpty() {
			t.Fatalf("span %s has an empty id", s.Name())
		}
		byID[s.SpanID().String()] = s
		traces[s.TraceID().String()]++
		if s.Status().Code() == ptrace.StatusCodeError {
			errs++
		}
	}
	if len(byID) != 40 || len(traces) != 10 {
		t.Fatalf("%d distinct span ids, %d traces; want 40 and 10", len(byID), len(traces))
	}
	for _, s := range spans {
		if s.Name() == "handle" {
			if !s.ParentSpanID().IsEmpty() {
				t.Errorf("root has a parent")
			}
			continue
		}
		p, ok := byID[s.ParentSpanID().String()]
		if !ok || p.Name() != "handle" || p.TraceID() != s.TraceID() {
			t.Errorf("%s: parent %s not its trace's handle span", s.Name(), s.ParentSpanID())
		}
	}
	if errs != 4 { // requests 4 and 9: root and render
		t.Errorf("%d error spans, want 4", errs)
	}

	// A second run appends to the same outbox: nothing is lost.
	runModule(t, rt, compiled, dir, "-requests", "5")
	data, _ = os.ReadFile(filepath.Join(dir, "outbox.jsonl"))
	if n := len(decodeLines(t, data)); n != 60 {
		t.Fatalf("after a second run the outbox holds %d spans, want 60", n)
	}
}

func TestWASIModuleOutboxCapEvicts(t *testing.T) {
	rt, compiled := newRuntime(t)
	dir := t.TempDir()
	_, stderr := runModule(t, rt, compiled, dir, "-requests", "20", "-max-spans", "30")
	data, _ := os.ReadFile(filepath.Join(dir, "outbox.jsonl"))
	spans := decodeLines(t, data)
	if len(spans) != 30 {
		t.Fatalf("capped outbox holds %d spans, want 30 (stderr %s)", len(spans), stderr)
	}
	if !strings.Contains(stderr, "evicted=50") {
		t.Errorf("stderr %q does not report 50 evicted", stderr)
	}
	// Error traces go last: all 8 error spans (4 error traces × root and
	// render) survive, with their traces' other spans as room allows.
	errs := 0
	for _, s := range spans {
		if s.Status().Code() == ptrace.StatusCodeError {
			errs++
		}
	}
	if errs != 8 {
		t.Errorf("%d error spans kept, want all 8", errs)
	}
}

func TestWASIModuleStdoutExporter(t *testing.T) {
	rt, compiled := newRuntime(t)
	dir := t.TempDir()
	stdout, _ := runModule(t, rt, compiled, dir, "-requests", "3", "-stdout")
	if n := len(decodeLines(t, []byte(stdout))); n != 12 {
		t.Fatalf("stdout carries %d spans, want 12", n)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "outbox.jsonl"))
	if n := len(decodeLines(t, data)); n != 0 {
		t.Fatalf("outbox still holds %d spans after a successful export", n)
	}
}

var benchLine = regexp.MustCompile(`bench spans=(\d+) ns=(\d+)`)

// BenchmarkWASISpan reports the cost of one span (start, 5 attributes,
// end, persisted to the file outbox) inside the wasip1 module under
// wazero, measured by the module's own clock.
func BenchmarkWASISpan(b *testing.B) {
	rt, compiled := newRuntime(b)
	const n = 20_000
	var perSpan []float64
	for b.Loop() {
		dir := b.TempDir()
		stdout, _ := runModule(b, rt, compiled, dir, "-requests", "0", "-bench", strconv.Itoa(n), "-max-spans", "-1")
		m := benchLine.FindStringSubmatch(stdout)
		if m == nil {
			b.Fatalf("no bench line in %q", stdout)
		}
		ns, _ := strconv.ParseFloat(m[2], 64)
		perSpan = append(perSpan, ns/n)
	}
	sort.Float64s(perSpan)
	b.ReportMetric(perSpan[len(perSpan)/2], "ns/span")
}
