package otlp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/span"
)

// maxErrorBody bounds how much of an error response is read into the error.
const maxErrorBody = 4 << 10

// Exporter posts spans to an OTLP/HTTP traces endpoint, by default as
// gzipped binary protobuf. It makes one attempt per Export; see
// [tracer.Exporter]. Its methods are safe for concurrent use.
type Exporter struct {
	url         string
	client      *http.Client
	headers     map[string]string
	encoding    Encoding
	compression Compression
	gzip        gzipFunc
	maxBody     int
}

// DefaultMaxBodyBytes is the largest request body Export sends: the
// Spanfall server's default cap (1 MiB).
const DefaultMaxBodyBytes = 1 << 20

// gzipFunc compresses a whole body into one gzip member. NewExporter sets
// the platform's: compress/gzip on the host, the browser's
// CompressionStream under js/wasm. Tests may swap it on one exporter.
type gzipFunc func([]byte) ([]byte, error)

// Encoding is the body format of an OTLP/HTTP request.
type Encoding int

// Encodings of OTLP/HTTP.
const (
	// EncodingProtobuf is binary protobuf, Content-Type
	// application/x-protobuf: the default, smaller and faster to encode.
	EncodingProtobuf Encoding = iota
	// EncodingJSON is OTLP JSON, Content-Type application/json: readable
	// in the network panel, and what receivers without protobuf take.
	EncodingJSON
)

// String returns the encoding's Content-Type.
func (e Encoding) String() string {
	switch e {
	case EncodingProtobuf:
		return contentProto
	case EncodingJSON:
		return contentJSON
	}
	return "Encoding(" + strconv.Itoa(int(e)) + ")"
}

// Compression is the Content-Encoding of an OTLP/HTTP request body.
type Compression int

// Compressions of OTLP/HTTP.
const (
	// CompressionGzip gzips the body, Content-Encoding: gzip: the default.
	CompressionGzip Compression = iota
	// CompressionNone sends the body as is, with no Content-Encoding.
	CompressionNone
)

// String returns the Content-Encoding, "identity" for none.
func (c Compression) String() string {
	switch c {
	case CompressionGzip:
		return "gzip"
	case CompressionNone:
		return "identity"
	}
	return "Compression(" + strconv.Itoa(int(c)) + ")"
}

// Content types of OTLP/HTTP.
const (
	contentProto = "application/x-protobuf"
	contentJSON  = "application/json"
)

var _ tracer.Exporter = (*Exporter)(nil)

// ExporterOption configures [NewExporter].
type ExporterOption func(*Exporter)

// WithHTTPClient sets the client. Default: a client with a 30 s timeout.
func WithHTTPClient(c *http.Client) ExporterOption {
	return func(e *Exporter) { e.client = c }
}

// WithHeaders adds request headers (for example an API key). Default: none.
// Cross-origin, every header must be in the receiver's CORS allowed_headers.
// Content-Type and Content-Encoding follow the body (see [WithEncoding] and
// [WithCompression]) and are not taken from h.
func WithHeaders(h map[string]string) ExporterOption {
	return func(e *Exporter) {
		for k, v := range h {
			e.headers[k] = v
		}
	}
}

// WithEncoding sets the body format. Default: [EncodingProtobuf].
func WithEncoding(enc Encoding) ExporterOption {
	return func(e *Exporter) { e.encoding = enc }
}

// WithCompression sets the body compression. Default: [CompressionGzip].
// Cross-origin, gzip sends Content-Encoding, which is not a CORS-safelisted
// header: the receiver must list it in its CORS allowed_headers (the
// collector's default list does not), or the preflight fails.
func WithCompression(c Compression) ExporterOption {
	return func(e *Exporter) { e.compression = c }
}

// NewExporter returns an exporter posting to url, the full traces endpoint
// (for example http://127.0.0.1:4318/v1/traces, or /v1/traces resolved
// against the page by the caller).
func NewExporter(url string, opts ...ExporterOption) *Exporter {
	e := &Exporter{url: url, client: &http.Client{Timeout: 30 * time.Second}, headers: map[string]string{}, gzip: platformGzip, maxBody: DefaultMaxBodyBytes}
	for _, o := range opts {
		o(e)
	}
	return e
}

// WithMaxBodyBytes caps the request body (as sent, after compression).
// Export refuses a larger body without sending it, with a
// *tracer.BodyTooLargeError, so the flusher splits the batch. Default
// DefaultMaxBodyBytes; n <= 0 means no cap.
func WithMaxBodyBytes(n int) ExporterOption {
	return func(e *Exporter) { e.maxBody = n }
}

// HTTPError is a non-2xx answer from the receiver.
type HTTPError struct {
	StatusCode int
	// Message is the receiver's google.rpc.Status message, or the start of
	// the body when it is not one.
	Message string
	// RetryAfter is the receiver's Retry-After, zero when absent.
	RetryAfter time.Duration
}

// Error describes the answer: "otlp: receiver answered 400 Bad Request:
// <message>".
func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("otlp: receiver answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// Retryable reports whether the same request may succeed later (OTLP/HTTP:
// 429, 502, 503 and 504).
func (e *HTTPError) Retryable() bool {
	switch e.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// Encode returns the request body Export would post for spans, with its
// Content-Type and its Content-Encoding ("" when uncompressed), so that
// another sender (a keepalive fetch at page unload) can post the very same
// request. Under js/wasm gzip awaits the browser's CompressionStream: like
// Export, Encode must not be called from inside a js.FuncOf callback.
func (e *Exporter) Encode(spans []span.Span) (body []byte, contentType, contentEncoding string, err error) {
	switch e.encoding {
	case EncodingProtobuf:
		body, err = MarshalProto(spans)
	case EncodingJSON:
		body, err = MarshalJSON(spans)
	default:
		err = fmt.Errorf("otlp: encode %d spans: unknown %v", len(spans), e.encoding)
	}
	if err != nil {
		if e.encoding == EncodingProtobuf || e.encoding == EncodingJSON {
			err = &encodeError{err}
		}
		return nil, "", "", err
	}
	contentType = e.encoding.String()
	switch e.compression {
	case CompressionNone:
		return body, contentType, "", nil
	case CompressionGzip:
		z, err := e.gzip(body)
		if err != nil {
			return nil, "", "", fmt.Errorf("otlp: gzip %d spans: %w", len(spans), err)
		}
		return z, contentType, "gzip", nil
	}
	return nil, "", "", fmt.Errorf("otlp: compress %d spans: unknown %v", len(spans), e.compression)
}

// Export posts spans as one OTLP request, encoded as [Exporter.Encode]
// does. A 2xx returns the partial-success counts; any other answer returns
// an *HTTPError; a transport failure returns the transport's error. The
// answer is read as protobuf or JSON after its Content-Type, or after the
// request's encoding when the Content-Type says neither.
func (e *Exporter) Export(ctx context.Context, spans []span.Span) (tracer.ExportResult, error) {
	body, ctype, cenc, err := e.Encode(spans)
	if err != nil {
		return tracer.ExportResult{}, err
	}
	if e.maxBody > 0 && len(body) > e.maxBody {
		return tracer.ExportResult{}, &tracer.BodyTooLargeError{Size: len(body), Limit: e.maxBody}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(body))
	if err != nil {
		return tracer.ExportResult{}, fmt.Errorf("otlp: build request: %w", err)
	}
	for k, v := range e.headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Content-Type", ctype)
	if cenc != "" {
		req.Header.Set("Content-Encoding", cenc)
	} else {
		req.Header.Del("Content-Encoding")
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return tracer.ExportResult{}, fmt.Errorf("otlp: post %d spans to %s: %w", len(spans), e.url, err)
	}
	defer resp.Body.Close()
	data, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	proto := isProtoResponse(resp.Header.Get("Content-Type"), e.encoding)
	if resp.StatusCode/100 != 2 {
		return tracer.ExportResult{}, &HTTPError{
			StatusCode: resp.StatusCode,
			Message:    errorMessage(data, proto),
			RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
		}
	}
	if rerr != nil {
		// The receiver accepted the request; only its summary is lost.
		return tracer.ExportResult{}, nil
	}
	return parsePartialSuccess(data, proto), nil
}

// parseRetryAfter reads Retry-After as seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// IsRetryable reports whether err from Export is worth retrying: a
// retryable HTTP status or a transport failure (offline, refused, timeout).
// A batch that cannot be encoded (an invalid id) is not.
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	var re interface{ Retryable() bool }
	if errors.As(err, &re) {
		return re.Retryable()
	}
	return true
}

// encodeError is a batch MarshalProto or MarshalJSON refused: the spans,
// not the network or the receiver, are at fault, so sending them again
// cannot succeed. Its Retryable method tells the tracer's flusher so.
type encodeError struct{ err error }

func (e *encodeError) Error() string   { return e.err.Error() }
func (e *encodeError) Unwrap() error   { return e.err }
func (e *encodeError) Retryable() bool { return false }
