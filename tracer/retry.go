package tracer

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Backoff defaults of [Flusher].
const (
	DefaultBackoffInitial = time.Second
	DefaultBackoffMax     = 5 * time.Minute
)

// ErrBackoff is returned by [Flusher.Flush] while an earlier failure's
// backoff (or the receiver's Retry-After) has not elapsed; nothing is sent.
var ErrBackoff = errors.New("tracer: flush: backing off after a failed export")

// Export errors tell the flusher what to do through these optional methods,
// which otlp.HTTPError implements. An error with none of them is a
// transport failure (offline, refused, timeout): retryable.
type (
	retryableError interface{ Retryable() bool }
	throttleError  interface{ RetryDelay() time.Duration }
	tooLargeError  interface{ TooLarge() bool }
)

// BodyTooLargeError is returned by a sender that refuses, without sending,
// a body over its budget (fetch keepalive allows about 64 KB). The flusher
// splits the batch and does not count a request.
type BodyTooLargeError struct {
	Size, Limit int
}

func (e *BodyTooLargeError) Error() string {
	return fmt.Sprintf("tracer: request body of %d bytes is over the sender's %d-byte budget", e.Size, e.Limit)
}

// TooLarge reports true: the batch must be split.
func (e *BodyTooLargeError) TooLarge() bool { return true }

// notSent reports whether err says the request never left.
func notSent(err error) bool {
	var bt *BodyTooLargeError
	return errors.As(err, &bt)
}

// failure classifies an export error.
type failure int

const (
	failRetry    failure = iota // keep the batch, back off, try later
	failTooLarge                // split the batch and send the halves
	failReject                  // drop the batch as rejected; go on
)

func classify(err error) failure {
	var tl tooLargeError
	if errors.As(err, &tl) && tl.TooLarge() {
		return failTooLarge
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return failRetry
	}
	var re retryableError
	if errors.As(err, &re) && !re.Retryable() {
		return failReject
	}
	return failRetry
}

// retryDelay is how long to wait after the attempt-th consecutive failure:
// exponential from initial, capped at maximum, with ±20% jitter, and never
// shorter than the receiver's Retry-After.
func retryDelay(err error, attempt int, initial, maximum time.Duration, jitter func() float64) time.Duration {
	d := initial
	for i := 1; i < attempt && d < maximum; i++ {
		d *= 2
	}
	d = min(d, maximum)
	d = time.Duration(float64(d) * (0.8 + 0.4*jitter()))
	var th throttleError
	if errors.As(err, &th) {
		d = max(d, th.RetryDelay())
	}
	return d
}

// fromServer reports whether err is the receiver's own answer rather than
// a network failure.
func fromServer(err error) bool {
	var re retryableError
	return errors.As(err, &re)
}

func defaultJitter() float64 { return rand.Float64() }
