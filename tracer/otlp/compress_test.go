package otlp

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// gzipInputs are the bodies every gzipFunc must round-trip: empty, tiny,
// compressible and incompressible, up to 1 MB.
func gzipInputs() []struct {
	name string
	in   []byte
} {
	rnd := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 1<<20)
	for i := range random {
		random[i] = byte(rnd.Uint32())
	}
	text := []byte(strings.Repeat(`{"key":"http.method","value":{"stringValue":"GET"}},`, 1<<20/52+1)[:1<<20])
	return []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"one byte", []byte{0}},
		{"small", []byte("hello, collector")},
		{"64 KiB random", random[:64<<10]},
		{"1 MiB random", random},
		{"1 MiB text", text},
	}
}

// testGzipFunc is the conformance suite of a gzipFunc: what it returns is
// one gzip member that compress/gzip inflates to the input.
func testGzipFunc(t *testing.T, f gzipFunc) {
	for _, tt := range gzipInputs() {
		t.Run(tt.name, func(t *testing.T) {
			z, err := f(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if len(z) < 18 || z[0] != 0x1f || z[1] != 0x8b {
				t.Fatalf("not a gzip member: % x…", z[:min(len(z), 8)])
			}
			zr, err := gzip.NewReader(bytes.NewReader(z))
			if err != nil {
				t.Fatal(err)
			}
			zr.Multistream(false)
			out, err := io.ReadAll(zr)
			if err != nil {
				t.Fatalf("inflate: %v", err)
			}
			if !bytes.Equal(out, tt.in) {
				t.Fatalf("inflated %d bytes, not the %d in", len(out), len(tt.in))
			}
			if rest, _ := io.ReadAll(zr); len(rest) != 0 {
				t.Fatalf("trailing data")
			}
			t.Logf("%d -> %d bytes", len(tt.in), len(z))
		})
	}
	t.Run("ConcurrentSafe", func(t *testing.T) {
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				in := bytes.Repeat([]byte{byte(i)}, 1000*i)
				z, err := f(in)
				if err != nil {
					t.Error(err)
					return
				}
				zr, err := gzip.NewReader(bytes.NewReader(z))
				if err != nil {
					t.Error(err)
					return
				}
				if out, err := io.ReadAll(zr); err != nil || !bytes.Equal(out, in) {
					t.Errorf("goroutine %d: %v", i, err)
				}
			})
		}
		wg.Wait()
	})
}

func TestGzipGo(t *testing.T) { testGzipFunc(t, gzipGo) }

func TestPlatformGzip(t *testing.T) { testGzipFunc(t, platformGzip) }
