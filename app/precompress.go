//go:build !js

package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/andybalholm/brotli"
)

// precompress runs `spanfall precompress [-quality N] FILE...`: it writes
// FILE.br and FILE.gz next to each file, atomically, for the server to
// serve to clients that accept them. It returns the exit code.
func precompress(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("precompress", flag.ContinueOnError)
	fs.SetOutput(stderr)
	quality := fs.Int("quality", 9, "brotli quality, 0-11 (11 is ~30x slower for ~10% less)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: spanfall precompress [-quality N] FILE...")
		return 2
	}
	for _, name := range fs.Args() {
		if err := compressFile(name, *quality); err != nil {
			fmt.Fprintln(stderr, "spanfall precompress:", err)
			return 1
		}
	}
	return 0
}

func compressFile(name string, quality int) error {
	in, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	var br, gz bytes.Buffer
	bw := brotli.NewWriterOptions(&br, brotli.WriterOptions{Quality: quality, LGWin: 24})
	if _, err := bw.Write(in); err != nil {
		return fmt.Errorf("brotli %s: %w", name, err)
	}
	if err := bw.Close(); err != nil {
		return fmt.Errorf("brotli %s: %w", name, err)
	}
	gw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if _, err := gw.Write(in); err != nil {
		return fmt.Errorf("gzip %s: %w", name, err)
	}
	if err := gw.Close(); err != nil {
		return fmt.Errorf("gzip %s: %w", name, err)
	}
	for ext, b := range map[string][]byte{".br": br.Bytes(), ".gz": gz.Bytes()} {
		if err := writeAtomic(name+ext, b); err != nil {
			return err
		}
	}
	fmt.Printf("%s: %d bytes, brotli q%d %d, gzip -9 %d\n", name, len(in), quality, br.Len(), gz.Len())
	return nil
}

func writeAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
