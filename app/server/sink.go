package server

import (
	"bufio"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"

	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// Sink is the embedded OTLP/HTTP receiver used when no collector is
// configured: it decodes each request with the collector's pdata
// unmarshalers (JSON and protobuf, optionally gzip), refuses what does not
// decode with 400 and a message, and appends every accepted request as one
// OTLP JSON line to its file, the same format as the collector's file
// exporter.
type Sink struct {
	path string
	mu   sync.Mutex
	f    *os.File
	w    *bufio.Writer
}

// NewSink opens (creating, appending) the file at path, making its directory.
func NewSink(path string) (*Sink, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("server: sink: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("server: sink: %w", err)
	}
	return &Sink{path: path, f: f, w: bufio.NewWriter(f)}, nil
}

// Path returns the file the sink appends to.
func (s *Sink) Path() string { return s.path }

// ServeHTTP implements the OTLP/HTTP traces endpoint.
func (s *Sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "OTLP/HTTP traces: POST only", http.StatusMethodNotAllowed)
		return
	}
	mt, err := mediaType(r)
	if err == nil {
		var body []byte
		if body, err = readBody(r); err == nil {
			var req ptraceotlp.ExportRequest
			if req, err = decode(mt, body); err == nil {
				err = s.append(req)
			}
		}
	}
	var re *requestError
	switch {
	case errors.As(err, &re):
		writeStatus(w, mt, re.status, re.msg)
	case err != nil:
		writeStatus(w, mt, http.StatusServiceUnavailable, err.Error())
	case mt == contentProto:
		w.Header().Set("Content-Type", contentProto)
		w.WriteHeader(http.StatusOK)
	default:
		w.Header().Set("Content-Type", contentJSON)
		_, _ = w.Write([]byte(`{"partialSuccess":{}}`))
	}
}

func (s *Sink) append(req ptraceotlp.ExportRequest) error {
	line, err := req.MarshalJSON()
	if err != nil {
		return fmt.Errorf("server: sink: encode: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return errors.New("server: sink: closed")
	}
	if _, err := s.w.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("server: sink: write %s: %w", s.path, err)
	}
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("server: sink: write %s: %w", s.path, err)
	}
	return nil
}

// Close flushes and closes the file. Later requests answer 503.
func (s *Sink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	err := errors.Join(s.w.Flush(), s.f.Close())
	s.f = nil
	return err
}
