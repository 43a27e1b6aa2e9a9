package server

import (
	"fmt"
	"net/http"
	"time"
)

// consumer takes one validated OTLP request and answers it. It runs on
// the request's goroutine; it may block, within its own bounds (the
// relay's upstream timeout), and never retries: the browser does.
type consumer interface {
	consume(w http.ResponseWriter, r *http.Request, req *otlpRequest)
}

// endpoint is the hardened front shared by the sink and the relay: it
// applies, in order, the CORS policy, POST only, the per-client rate
// limit, the in-flight cap, the content type and encoding, the body caps
// and pdata validation, and hands only a valid request to its consumer.
// Every refusal is a google.rpc.Status in the request's encoding.
type endpoint struct {
	opts     options
	cors     corsPolicy
	limiter  *limiter      // nil: no rate limit
	inFlight chan struct{} // nil: no cap
}

func newEndpoint(o options) (endpoint, error) {
	cors, err := newCORSPolicy(o.corsOrigins)
	if err != nil {
		return endpoint{}, err
	}
	e := endpoint{opts: o, cors: cors}
	if o.rate > 0 {
		e.limiter = newLimiter(o.rate, o.burst, o.now)
	}
	if o.maxInFlight > 0 {
		e.inFlight = make(chan struct{}, o.maxInFlight)
	}
	return e, nil
}

// logf writes to the error log.
func (e *endpoint) logf(format string, args ...any) {
	e.opts.errorLog.Printf(format, args...)
}

func (e *endpoint) serve(w http.ResponseWriter, r *http.Request, c consumer) {
	if !e.cors.check(w, r) {
		return
	}
	mt := answerType(r)
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeStatus(w, mt, http.StatusMethodNotAllowed, fmt.Sprintf("OTLP/HTTP traces: POST only, not %s", r.Method))
		return
	}
	if e.limiter != nil {
		if ok, wait := e.limiter.allow(clientKey(r, e.opts.trusted)); !ok {
			writeError(w, mt, &requestError{
				status:     http.StatusTooManyRequests,
				msg:        fmt.Sprintf("rate limit: %g requests/s per client, bursts of %d; retry later", e.opts.rate, e.opts.burst),
				retryAfter: wait,
			})
			return
		}
	}
	if e.inFlight != nil {
		select {
		case e.inFlight <- struct{}{}:
			defer func() { <-e.inFlight }()
		default:
			writeError(w, mt, &requestError{
				status:     http.StatusServiceUnavailable,
				msg:        fmt.Sprintf("server busy: %d requests in flight; retry later", cap(e.inFlight)),
				retryAfter: time.Second,
			})
			return
		}
	}
	req, err := readRequest(w, r, &e.opts)
	if err != nil {
		writeError(w, mt, err)
		return
	}
	c.consume(w, r, req)
}
