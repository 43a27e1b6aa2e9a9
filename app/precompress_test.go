//go:build !js

package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/andybalholm/brotli"
)

func TestPrecompressWritesDecodableCopies(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "app.wasm")
	want := bytes.Repeat([]byte("spanfall wasm \x00\x01"), 5000)
	if err := os.WriteFile(name, want, 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	if code := precompress([]string{"-quality", "5", name}, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	br, _ := os.ReadFile(name + ".br")
	got, err := io.ReadAll(brotli.NewReader(bytes.NewReader(br)))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("brotli copy does not decode to the file (%v)", err)
	}
	gz, _ := os.ReadFile(name + ".gz")
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(zr); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("gzip copy does not decode to the file (%v)", err)
	}
	if len(br) >= len(want) || len(gz) >= len(want) {
		t.Fatalf("copies not smaller: br %d gz %d of %d", len(br), len(gz), len(want))
	}
	if code := precompress([]string{filepath.Join(dir, "missing")}, &stderr); code != 1 {
		t.Fatalf("missing file: exit %d, want 1", code)
	}
}
