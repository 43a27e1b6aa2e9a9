package server

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
)

// errSinkClosed answers requests that arrive after [Sink.Close].
var errSinkClosed = errors.New("server: sink: closed")

// Sink is the embedded OTLP/HTTP receiver used when no collector is
// configured. Behind the same hardened front as the [Relay] (CORS, POST
// only, rate limit, body caps, pdata validation) it appends every
// accepted request that has spans as one OTLP JSON line to its file, the
// same format as the collector's file exporter, and rotates the file by
// size. It answers 200 only once the line is written (to the operating
// system; it does not fsync), 503 with Retry-After when it cannot write.
type Sink struct {
	endpoint
	path string

	mu     sync.Mutex
	file   *rotatingFile
	closed bool
}

var _ consumer = (*Sink)(nil)

// NewSink opens (creating, appending) the file at path, making its
// directory. Options: the endpoint limits, [WithRotation] and
// [WithErrorLog].
func NewSink(path string, opts ...Option) (*Sink, error) {
	o := newOptions(opts)
	e, err := newEndpoint(o)
	if err != nil {
		return nil, err
	}
	f, err := openRotating(path, o.sinkMaxFile, o.sinkKeep, o.now)
	if err != nil {
		return nil, err
	}
	return &Sink{endpoint: e, path: path, file: f}, nil
}

// Path returns the file the sink appends to.
func (s *Sink) Path() string { return s.path }

// ServeHTTP implements the OTLP/HTTP traces endpoint.
func (s *Sink) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.serve(w, r, s) }

func (s *Sink) consume(w http.ResponseWriter, _ *http.Request, req *otlpRequest) {
	err := s.append(req)
	switch {
	case err == nil:
		writeSuccess(w, req.mediaType)
	case errors.Is(err, errSinkClosed):
		writeError(w, req.mediaType, err)
	default:
		// The file's path and the OS error are for the operator's log.
		s.logf("%v", err)
		writeError(w, req.mediaType, errors.New("server: sink: cannot store the request now"))
	}
}

func (s *Sink) append(req *otlpRequest) error {
	if req.export.Traces().SpanCount() == 0 {
		return nil // nothing to keep
	}
	line, err := req.export.MarshalJSON()
	if err != nil {
		return fmt.Errorf("server: sink: encode: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errSinkClosed
	}
	return s.file.writeLine(append(line, '\n'))
}

// Close closes the file. Later requests answer 503. Later calls do
// nothing.
func (s *Sink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	return s.file.Close()
}
