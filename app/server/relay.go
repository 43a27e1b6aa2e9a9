package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"time"
)

// maxAnswerBytes bounds the collector's answer the relay reads and passes
// back (an OTLP response or google.rpc.Status is a few hundred bytes).
const maxAnswerBytes = 64 << 10

// Relay forwards OTLP/HTTP trace requests to one collector, fixed at
// construction (never a URL from the request). Behind the same hardened
// front as the [Sink] it forwards only requests that decode and validate,
// byte for byte (body, Content-Type, Content-Encoding), adds the
// collector's credentials from the server's configuration, and maps the
// collector's answer to what the browser exporter should do:
//
//   - 2xx, 400 (the data was bad), 413 (split the batch), 429 and 503
//     pass through with their body and Retry-After;
//   - collector unreachable, or no answer within the upstream timeout, or
//     408/504: 503 with Retry-After (retry later);
//   - any other 5xx: 502 (retry later);
//   - redirects and any other 4xx (401, 403, 404…: the server's collector
//     settings are wrong, not the data): 502, so the browser keeps the
//     spans and retries instead of dropping them.
//
// Nothing the collector sends back reaches the browser except the status,
// Content-Type, Retry-After and a body of at most 64 KiB.
type Relay struct {
	endpoint
	target  string
	client  *http.Client
	header  http.Header
	timeout time.Duration
}

var _ consumer = (*Relay)(nil)

// reservedUpstream are the headers the relay sets itself.
var reservedUpstream = []string{"Content-Type", "Content-Encoding", "Content-Length", "Host", "Transfer-Encoding"}

// NewRelay relays to the collector at endpoint (for example
// http://127.0.0.1:4318); "/v1/traces" is appended unless endpoint
// already ends with it. Options: the endpoint limits,
// [WithUpstreamHeaders], [WithUpstreamTimeout], [WithHTTPClient] and
// [WithErrorLog].
func NewRelay(endpoint string, opts ...Option) (*Relay, error) {
	target := strings.TrimRight(endpoint, "/")
	if !strings.HasSuffix(target, "/v1/traces") {
		target += "/v1/traces"
	}
	if u, err := url.Parse(target); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("server: relay: endpoint %q: want an http or https URL such as http://127.0.0.1:4318", endpoint)
	}
	o := newOptions(opts)
	e, err := newEndpoint(o)
	if err != nil {
		return nil, err
	}
	header := http.Header{}
	for k, v := range o.upstreamHeaders {
		if err := checkHeader(k, v); err != nil {
			return nil, err
		}
		header.Set(k, v)
	}
	client := o.client
	if client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = max(DefaultMaxInFlight, o.maxInFlight)
		client = &http.Client{
			Transport: tr,
			// A redirect would send the data, and the credentials, to a
			// URL the collector chose.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return &Relay{endpoint: e, target: target, client: client, header: header, timeout: o.upstreamTimeout}, nil
}

// checkHeader refuses a header name that is not an HTTP token or that
// the relay sets itself, and a value with control characters. The error
// never quotes the value: it is usually a secret.
func checkHeader(name, value string) error {
	if name == "" || strings.IndexFunc(name, func(r rune) bool { return !isTokenChar(r) }) >= 0 {
		return fmt.Errorf("server: relay: upstream header name %q is not an HTTP token", name)
	}
	for _, h := range reservedUpstream {
		if textproto.CanonicalMIMEHeaderKey(name) == h {
			return fmt.Errorf("server: relay: upstream header %s is set by the relay", h)
		}
	}
	if strings.ContainsFunc(value, func(r rune) bool { return (r < 0x20 && r != '\t') || r == 0x7f }) {
		return fmt.Errorf("server: relay: upstream header %s: value has control characters", name)
	}
	return nil
}

func isTokenChar(r rune) bool {
	return r < 0x7f && r > 0x20 && !strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r)
}

// Target returns the URL requests are relayed to.
func (rl *Relay) Target() string { return rl.target }

// ServeHTTP implements the OTLP/HTTP traces endpoint by relaying.
func (rl *Relay) ServeHTTP(w http.ResponseWriter, r *http.Request) { rl.serve(w, r, rl) }

func (rl *Relay) consume(w http.ResponseWriter, r *http.Request, req *otlpRequest) {
	if req.export.Traces().SpanCount() == 0 {
		writeSuccess(w, req.mediaType) // nothing to relay
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), rl.timeout)
	defer cancel()
	up, err := http.NewRequestWithContext(ctx, http.MethodPost, rl.target, bytes.NewReader(req.raw))
	if err != nil {
		rl.unavailable(ctx, w, req.mediaType, err)
		return
	}
	for k, vs := range rl.header {
		up.Header[k] = vs
	}
	up.Header.Set("Content-Type", req.contentType)
	if req.encoding != "" {
		up.Header.Set("Content-Encoding", req.encoding)
	}
	up.Header.Set("User-Agent", "spanfall-relay")
	resp, err := rl.client.Do(up)
	if err != nil {
		rl.unavailable(ctx, w, req.mediaType, err)
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes+1))
	if err != nil {
		rl.unavailable(ctx, w, req.mediaType, err)
		return
	}
	rl.answer(w, req.mediaType, resp, body)
}

// unavailable answers a request the collector did not answer: 503 with
// Retry-After. The transport error, which names the collector's address,
// goes to the error log only.
func (rl *Relay) unavailable(ctx context.Context, w http.ResponseWriter, mt string, err error) {
	rl.logf("server: relay to %s: %v", rl.target, err)
	msg := "relay: collector unreachable; retry later"
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		msg = fmt.Sprintf("relay: collector did not answer within %v; retry later", rl.timeout)
	}
	writeError(w, mt, &requestError{status: http.StatusServiceUnavailable, msg: msg, retryAfter: retryAfterUnavailable})
}

// answer maps the collector's answer for the browser (see [Relay]).
func (rl *Relay) answer(w http.ResponseWriter, mt string, resp *http.Response, body []byte) {
	s := resp.StatusCode
	retryAfter := resp.Header.Get("Retry-After")
	switch {
	case len(body) > maxAnswerBytes:
		rl.logf("server: relay to %s: answer %s over %d bytes", rl.target, resp.Status, maxAnswerBytes)
		writeStatus(w, mt, http.StatusBadGateway, fmt.Sprintf("relay: collector answer over %d bytes", maxAnswerBytes))
	case s >= 200 && s < 300, s == http.StatusBadRequest, s == http.StatusRequestEntityTooLarge,
		s == http.StatusTooManyRequests, s == http.StatusServiceUnavailable:
		if ct := resp.Header.Get("Content-Type"); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(s)
		_, _ = w.Write(body)
	case s == http.StatusRequestTimeout, s == http.StatusGatewayTimeout:
		setRetryAfterOr(w.Header(), retryAfter)
		writeStatus(w, mt, http.StatusServiceUnavailable, fmt.Sprintf("relay: collector timed out (%s); retry later", resp.Status))
	case s >= 500:
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		writeStatus(w, mt, http.StatusBadGateway, fmt.Sprintf("relay: collector failed (%s); retry later", resp.Status))
	default:
		rl.logf("server: relay to %s: collector answered %s: check the relay's endpoint and upstream headers", rl.target, resp.Status)
		writeStatus(w, mt, http.StatusBadGateway, fmt.Sprintf("relay: collector refused the relay (%s), not the data; retry later", resp.Status))
	}
}

// setRetryAfterOr sets Retry-After to v, or to the relay's default.
func setRetryAfterOr(h http.Header, v string) {
	if v != "" {
		h.Set("Retry-After", v)
		return
	}
	setRetryAfter(h, retryAfterUnavailable)
}
