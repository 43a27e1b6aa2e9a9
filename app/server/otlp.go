package server

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// MaxRequestBytes bounds an OTLP request body, compressed and decompressed.
const MaxRequestBytes = 16 << 20

// Content types of OTLP/HTTP.
const (
	contentJSON  = "application/json"
	contentProto = "application/x-protobuf"
)

// requestError is an OTLP request the server refuses, with the status to
// answer.
type requestError struct {
	status int
	msg    string
}

func (e *requestError) Error() string { return e.msg }

// mediaType returns the request's content type without parameters, or a
// 415 requestError when it is not an OTLP one.
func mediaType(r *http.Request) (string, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != contentJSON && mt != contentProto) {
		return "", &requestError{http.StatusUnsupportedMediaType,
			fmt.Sprintf("unsupported content type %q: use %s or %s", r.Header.Get("Content-Type"), contentJSON, contentProto)}
	}
	return mt, nil
}

// readBody reads a request body, gunzipping it when Content-Encoding says
// gzip, within MaxRequestBytes.
func readBody(r *http.Request) ([]byte, error) {
	var body io.Reader = http.MaxBytesReader(nil, r.Body, MaxRequestBytes)
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(body)
		if err != nil {
			return nil, &requestError{http.StatusBadRequest, fmt.Sprintf("bad gzip body: %v", err)}
		}
		defer zr.Close()
		body = io.LimitReader(zr, MaxRequestBytes+1)
	default:
		return nil, &requestError{http.StatusUnsupportedMediaType, fmt.Sprintf("unsupported content encoding %q", enc)}
	}
	b, err := io.ReadAll(body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || len(b) > MaxRequestBytes {
		return nil, &requestError{http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", MaxRequestBytes)}
	}
	if err != nil {
		return nil, &requestError{http.StatusBadRequest, fmt.Sprintf("read body: %v", err)}
	}
	return b, nil
}

// decode unmarshals an ExportTraceServiceRequest with pdata and checks
// what the collector lets through: every span needs a 16-byte non-zero
// trace id and an 8-byte non-zero span id.
func decode(mt string, body []byte) (ptraceotlp.ExportRequest, error) {
	if len(body) == 0 {
		return ptraceotlp.ExportRequest{}, &requestError{http.StatusBadRequest, "empty request body"}
	}
	req := ptraceotlp.NewExportRequest()
	var err error
	if mt == contentProto {
		err = req.UnmarshalProto(body)
	} else {
		err = req.UnmarshalJSON(body)
	}
	if err != nil {
		return req, &requestError{http.StatusBadRequest, fmt.Sprintf("decode %s: %v", mt, err)}
	}
	rss := req.Traces().ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				s := spans.At(k)
				if s.TraceID().IsEmpty() {
					return req, &requestError{http.StatusBadRequest, fmt.Sprintf("span %q (resource %d, scope %d, span %d): empty or all-zero trace id", s.Name(), i, j, k)}
				}
				if s.SpanID().IsEmpty() {
					return req, &requestError{http.StatusBadRequest, fmt.Sprintf("span %q (resource %d, scope %d, span %d): empty or all-zero span id", s.Name(), i, j, k)}
				}
			}
		}
	}
	return req, nil
}

// writeStatus answers an OTLP error as google.rpc.Status in the request's
// encoding. The message is made valid UTF-8 first (decoder errors may quote
// raw request bytes; both a proto3 string and JSON require UTF-8), and the
// JSON form is encoded with encoding/json: Go's %q escapes (\x01, \a) are
// not JSON.
func writeStatus(w http.ResponseWriter, mt string, status int, msg string) {
	msg = strings.ToValidUTF8(msg, "\uFFFD")
	if mt == contentProto {
		w.Header().Set("Content-Type", contentProto)
		w.WriteHeader(status)
		_, _ = w.Write(statusProto(3, msg))
		return
	}
	b, err := json.Marshal(struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}{3, msg})
	if err != nil {
		// Unreachable: a struct of an int and a string always encodes.
		b = []byte(`{"code":3}`)
	}
	w.Header().Set("Content-Type", contentJSON)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// statusProto encodes google.rpc.Status{code, message} by hand: two fields
// do not justify a protobuf dependency.
func statusProto(code int, msg string) []byte {
	b := []byte{0x08, byte(code), 0x12}
	n := len(msg)
	for n >= 0x80 {
		b = append(b, byte(n)|0x80)
		n >>= 7
	}
	b = append(b, byte(n))
	return append(b, msg...)
}
