package filestore

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/otlp"
	"github.com/spanfall/spanfall/tracer/span"
)

// maxLine bounds one line of an outbox file.
const maxLine = 64 << 20

// line is one decoded outbox line.
type line struct {
	spans []span.Span
	size  int64 // bytes including the newline
}

// LineError names a line of an outbox file that does not decode.
type LineError struct {
	Path string
	Line int
	Err  error
}

func (e *LineError) Error() string {
	return fmt.Sprintf("filestore: %s line %d: %v", e.Path, e.Line, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }

// readLines decodes every complete line of path. A final line without its
// newline (a write cut short by a crash) is returned as torn and not
// decoded. A missing file is empty.
func readLines(path string) (lines []line, torn int64, err error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("filestore: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	for n := 1; ; n++ {
		b, err := r.ReadBytes('\n')
		if err == io.EOF {
			return lines, int64(len(b)), nil
		}
		if err != nil {
			return nil, 0, fmt.Errorf("filestore: read %s: %w", path, err)
		}
		if len(b) > maxLine {
			return nil, 0, &LineError{path, n, fmt.Errorf("over %d bytes", maxLine)}
		}
		body := bytes.TrimSpace(b)
		if len(body) == 0 {
			lines = append(lines, line{size: int64(len(b))})
			continue
		}
		spans, err := otlp.UnmarshalJSON(body, resourceID)
		if err != nil {
			return nil, 0, &LineError{path, n, err}
		}
		lines = append(lines, line{spans: spans, size: int64(len(b))})
	}
}

func resourceID(kv []span.KeyValue) string {
	return cache.ResourceID(&span.Resource{Attributes: kv})
}

// encodeLine returns spans as one OTLP JSON line.
func encodeLine(spans []span.Span) ([]byte, error) {
	b, err := otlp.MarshalJSON(spans)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// rewrite replaces path with lines through a temporary file in the same
// directory and a rename: readers see the old file or the new one.
func rewrite(path string, lines [][]byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("filestore: rewrite %s: %w", path, err)
	}
	w := bufio.NewWriterSize(tmp, 1<<16)
	for _, l := range lines {
		if _, err = w.Write(l); err != nil {
			break
		}
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("filestore: rewrite %s: %w", path, err)
	}
	return nil
}
