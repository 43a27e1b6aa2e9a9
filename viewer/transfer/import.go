package transfer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spanfall/spanfall/cache"
	"github.com/spanfall/spanfall/tracer/otlp"
	"github.com/spanfall/spanfall/tracer/span"
)

// LineError says where a file stopped making sense: the 1-based line (for
// a single pretty-printed document, the line the JSON error is on) and
// what was wrong.
type LineError struct {
	Line int
	Err  error
}

// Error names the line and the cause.
func (e *LineError) Error() string { return fmt.Sprintf("transfer: line %d: %v", e.Line, e.Err) }

// Unwrap returns the cause.
func (e *LineError) Unwrap() error { return e.Err }

// ErrNoSpans is returned for a file that holds no span at all.
var ErrNoSpans = errors.New("transfer: the file holds no span")

// Progress is called as a file is read with the bytes read so far.
type Progress func(read int64)

// resourceID gives decoded resources the id the store keeps them under.
func resourceID(kvs []span.KeyValue) string {
	return cache.ResourceID(&span.Resource{Attributes: kvs})
}

// Decode reads every span of an OTLP JSON file from r: either JSON lines
// (one ExportTraceServiceRequest a line, blank lines ignored) or a single
// request spread over many lines. It returns all the spans or, at the
// first bad line, a [*LineError] and no span: the caller writes nothing
// unless the whole file is good. progress, when not nil, is called after
// every line.
func Decode(r io.Reader, progress Progress) ([]span.Span, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	var (
		out     []span.Span
		read    int64
		line    int
		pending [][]byte // the lines of a multi-line document
		docLine int      // the line it starts on
		decoded bool     // a line held a whole request
	)
	for {
		b, err := br.ReadBytes('\n')
		if len(b) > 0 {
			line++
			read += int64(len(b))
			trimmed := bytes.TrimSpace(b)
			switch {
			case pending != nil:
				pending = append(pending, b)
			case len(trimmed) == 0:
			case len(out) == 0 && !decoded && trimmed[0] == '{' && !json.Valid(trimmed):
				// Not a whole request on one line: a pretty-printed
				// document (or a broken line, which decoding it whole
				// will report).
				pending, docLine = [][]byte{b}, line
			default:
				spans, derr := decodeRequest(trimmed)
				if derr != nil {
					return nil, &LineError{Line: line, Err: derr}
				}
				out = append(out, spans...)
				decoded = true
			}
			if progress != nil {
				progress(read)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("transfer: read line %d: %w", line+1, err)
		}
	}
	if pending != nil {
		doc := bytes.Join(pending, nil)
		spans, err := decodeRequest(doc)
		if err != nil && jsonLines(pending) {
			// The first line is broken and the next is a request of its
			// own: JSON lines, with a bad first line.
			_, err = decodeRequest(bytes.TrimSpace(pending[0]))
			return nil, &LineError{Line: docLine, Err: err}
		}
		if err != nil {
			return nil, &LineError{Line: docLine + errorLine(doc, err), Err: err}
		}
		out = append(out, spans...)
	}
	if len(out) == 0 {
		return nil, ErrNoSpans
	}
	return out, nil
}

// decodeRequest decodes one request, which must name resourceSpans. The
// key is looked for first, so that a good request is parsed once.
func decodeRequest(b []byte) ([]span.Span, error) {
	if !bytes.Contains(b, []byte(`"resourceSpans"`)) {
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(b, &probe); err != nil {
			return nil, fmt.Errorf("not a JSON object: %w", err)
		}
		keys := make([]string, 0, len(probe))
		for k := range probe {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return nil, fmt.Errorf("not an OTLP trace request: no resourceSpans (keys: %s)", strings.Join(keys, ", "))
	}
	spans, err := otlp.UnmarshalJSON(b, resourceID)
	if err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		if errors.As(err, &se) || (errors.As(err, &te) && te.Field == "") {
			return nil, fmt.Errorf("not a JSON object: %w", err)
		}
		return nil, err
	}
	return spans, nil
}

// errorLine returns, 0-based, the line of doc a JSON syntax error is on.
func errorLine(doc []byte, err error) int {
	var se *json.SyntaxError
	if !errors.As(err, &se) || se.Offset <= 0 || se.Offset > int64(len(doc)) {
		return 0
	}
	return bytes.Count(doc[:se.Offset-1], []byte{'\n'})
}

// jsonLines reports whether the first non-blank line after the first is a
// whole JSON object.
func jsonLines(lines [][]byte) bool {
	for _, l := range lines[1:] {
		if t := bytes.TrimSpace(l); len(t) > 0 {
			return t[0] == '{' && json.Valid(t)
		}
	}
	return false
}
