package otlp

import (
	"net/http"
	"time"
)

// The methods below are how the tracer.Flusher reads an export failure:
// whether to retry and when, and whether to split the batch.

// RetryDelay returns the receiver's Retry-After (zero when absent).
func (e *HTTPError) RetryDelay() time.Duration { return e.RetryAfter }

// TooLarge reports a 413: the batch must be split.
func (e *HTTPError) TooLarge() bool { return e.StatusCode == http.StatusRequestEntityTooLarge }
