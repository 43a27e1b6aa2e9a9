package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// Content types of OTLP/HTTP.
const (
	contentJSON  = "application/json"
	contentProto = "application/x-protobuf"
)

// requestError is an OTLP request the server refuses, with the status to
// answer and, for 429 and 503, how long the client should wait.
type requestError struct {
	status     int
	msg        string
	retryAfter time.Duration
}

func (e *requestError) Error() string { return e.msg }

// refuse returns a requestError.
func refuse(status int, format string, args ...any) *requestError {
	return &requestError{status: status, msg: fmt.Sprintf(format, args...)}
}

// otlpRequest is one accepted OTLP/HTTP request: its body as received
// (what the relay forwards, so encodings are preserved) and as decoded by
// pdata (what the sink stores).
type otlpRequest struct {
	mediaType   string // contentJSON or contentProto
	contentType string // the Content-Type header as sent
	encoding    string // "" or "gzip"
	raw         []byte
	export      ptraceotlp.ExportRequest
}

// answerType is the encoding of the answer to r: protobuf when r says it
// is protobuf, JSON otherwise (also when its content type is refused).
func answerType(r *http.Request) string {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && mt == contentProto {
		return contentProto
	}
	return contentJSON
}

// mediaType returns the request's content type without parameters, or a
// 415 requestError when it is not an OTLP one.
func mediaType(contentType string) (string, error) {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || (mt != contentJSON && mt != contentProto) {
		return "", refuse(http.StatusUnsupportedMediaType,
			"unsupported content type %q: use %s or %s", contentType, contentJSON, contentProto)
	}
	return mt, nil
}

// contentEncoding returns "gzip" or "" (identity), or a 415 requestError.
func contentEncoding(header string) (string, error) {
	switch enc := strings.ToLower(strings.TrimSpace(header)); enc {
	case "", "identity":
		return "", nil
	case "gzip", "x-gzip":
		return "gzip", nil
	default:
		return "", refuse(http.StatusUnsupportedMediaType, "unsupported content encoding %q: use gzip or none", header)
	}
}

// readRequest reads, decodes and validates r's body within the limits of
// o. Every refusal is a *requestError.
func readRequest(w http.ResponseWriter, r *http.Request, o *options) (*otlpRequest, error) {
	ct := r.Header.Get("Content-Type")
	mt, err := mediaType(ct)
	if err != nil {
		return nil, err
	}
	enc, err := contentEncoding(r.Header.Get("Content-Encoding"))
	if err != nil {
		return nil, err
	}
	if r.ContentLength > o.maxBody {
		return nil, tooLarge("request body", o.maxBody)
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, o.maxBody))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, tooLarge("request body", o.maxBody)
	case err != nil:
		return nil, refuse(http.StatusBadRequest, "read body: %v", err)
	}
	export, err := decodeBody(mt, enc, raw, o.maxDecoded)
	if err != nil {
		return nil, err
	}
	return &otlpRequest{mediaType: mt, contentType: ct, encoding: enc, raw: raw, export: export}, nil
}

func tooLarge(what string, limit int64) *requestError {
	return refuse(http.StatusRequestEntityTooLarge, "%s over %d bytes", what, limit)
}

// decodeBody is the one decode path of the sink and the relay: it
// gunzips raw when enc is "gzip" (at most maxDecoded bytes), unmarshals
// an ExportTraceServiceRequest with pdata and checks what the collector
// lets through: every span needs a 16-byte non-zero trace id and an
// 8-byte non-zero span id (pdata itself refuses ids of any other length).
func decodeBody(mt, enc string, raw []byte, maxDecoded int64) (ptraceotlp.ExportRequest, error) {
	body := raw
	if enc == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return ptraceotlp.ExportRequest{}, refuse(http.StatusBadRequest, "bad gzip body: %v", err)
		}
		body, err = io.ReadAll(io.LimitReader(zr, maxDecoded+1))
		if int64(len(body)) > maxDecoded {
			return ptraceotlp.ExportRequest{}, tooLarge("decompressed request body", maxDecoded)
		}
		if err != nil {
			return ptraceotlp.ExportRequest{}, refuse(http.StatusBadRequest, "bad gzip body: %v", err)
		}
	}
	if len(body) == 0 {
		return ptraceotlp.ExportRequest{}, refuse(http.StatusBadRequest, "empty request body")
	}
	req := ptraceotlp.NewExportRequest()
	var err error
	if mt == contentProto {
		err = req.UnmarshalProto(body)
	} else {
		err = req.UnmarshalJSON(body)
	}
	if err != nil {
		return req, refuse(http.StatusBadRequest, "decode %s: %v", mt, err)
	}
	rss := req.Traces().ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				s := spans.At(k)
				if s.TraceID().IsEmpty() {
					return req, refuse(http.StatusBadRequest, "span %q (resource %d, scope %d, span %d): empty or all-zero trace id", s.Name(), i, j, k)
				}
				if s.SpanID().IsEmpty() {
					return req, refuse(http.StatusBadRequest, "span %q (resource %d, scope %d, span %d): empty or all-zero span id", s.Name(), i, j, k)
				}
			}
		}
	}
	return req, nil
}

// writeSuccess answers an accepted request that had nothing to report:
// an empty ExportTraceServiceResponse in the request's encoding.
func writeSuccess(w http.ResponseWriter, mt string) {
	w.Header().Set("Cache-Control", "no-store")
	if mt == contentProto {
		w.Header().Set("Content-Type", contentProto)
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", contentJSON)
	_, _ = w.Write([]byte(`{"partialSuccess":{}}`))
}

// writeError answers err: a *requestError with its status and
// Retry-After, anything else as 503 (the server could not keep an
// acceptable request; the client should retry).
func writeError(w http.ResponseWriter, mt string, err error) {
	re, ok := errors.AsType[*requestError](err)
	if !ok {
		re = &requestError{status: http.StatusServiceUnavailable, msg: err.Error(), retryAfter: retryAfterUnavailable}
	}
	if re.retryAfter > 0 {
		setRetryAfter(w.Header(), re.retryAfter)
	}
	writeStatus(w, mt, re.status, re.msg)
}

// setRetryAfter sets Retry-After to d in whole seconds, rounded up, at
// least 1.
func setRetryAfter(h http.Header, d time.Duration) {
	s := max(1, int64(math.Ceil(d.Seconds())))
	h.Set("Retry-After", strconv.FormatInt(s, 10))
}

// rpcCode is the google.rpc.Code of an HTTP status, as OTLP/HTTP pairs
// them.
func rpcCode(status int) int {
	switch status {
	case http.StatusForbidden:
		return 7 // PERMISSION_DENIED
	case http.StatusTooManyRequests:
		return 8 // RESOURCE_EXHAUSTED
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return 14 // UNAVAILABLE
	case http.StatusInternalServerError:
		return 13 // INTERNAL
	default:
		return 3 // INVALID_ARGUMENT
	}
}

// writeStatus answers an OTLP error as google.rpc.Status in the request's
// encoding. The message is made valid UTF-8 first (decoder errors may quote
// raw request bytes; both a proto3 string and JSON require UTF-8), and the
// JSON form is encoded with encoding/json: Go's %q escapes (\x01, \a) are
// not JSON.
func writeStatus(w http.ResponseWriter, mt string, status int, msg string) {
	msg = strings.ToValidUTF8(msg, "\uFFFD")
	w.Header().Set("Cache-Control", "no-store")
	if mt == contentProto {
		w.Header().Set("Content-Type", contentProto)
		w.WriteHeader(status)
		_, _ = w.Write(statusProto(rpcCode(status), msg))
		return
	}
	b, err := json.Marshal(struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}{rpcCode(status), msg})
	if err != nil {
		// Unreachable: a struct of an int and a string always encodes.
		b = []byte(`{"code":13}`)
	}
	w.Header().Set("Content-Type", contentJSON)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// statusProto encodes google.rpc.Status{code, message} by hand: two fields
// do not justify a protobuf dependency. code must be below 128.
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
