package idb_test

import (
	"go/build/constraint"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestFilesBuildOnlyForJSWasm keeps the package host-safe: every file but
// this one must carry the js && wasm build constraint, as in go-indexeddb.
func TestFilesBuildOnlyForJSWasm(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("reads the source directory; runs on the host")
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 {
		t.Fatalf("found %d Go files; run from the package directory", len(files))
	}
	for _, name := range files {
		if name == "tags_test.go" {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !hasJSWasm(string(b)) {
			t.Errorf("%s lacks the line //go:build js && wasm", name)
		}
	}
}

// hasJSWasm reports whether the header of a Go file, before the package
// clause, holds a //go:build line requiring both js and wasm.
func hasJSWasm(src string) bool {
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "package ") {
			return false
		}
		if !constraint.IsGoBuild(line) {
			continue
		}
		expr, err := constraint.Parse(line)
		if err != nil {
			return false
		}
		needs := func(tag string) bool {
			return !expr.Eval(func(t string) bool { return t != tag })
		}
		return needs("js") && needs("wasm")
	}
	return false
}
