// Package server is the Spanfall server side: it serves the PWA (a go-app
// app.Handler) and receives OTLP/HTTP traces on same-origin POST /v1/traces,
// either into the embedded [Sink] (decoded with the collector's own pdata
// unmarshalers, appended as OTLP JSON lines to a file it rotates by size)
// or through a [Relay] to one configured collector.
//
// The endpoint is meant to face the internet. Sink and Relay share one
// front, which refuses, each with a google.rpc.Status in the request's
// encoding:
//
//   - a preflight or POST from an origin that is not this server's nor
//     listed ([WithCORSOrigins]): 403;
//   - any method but POST: 405 with Allow: POST;
//   - more than the client's rate ([WithRateLimit], per client address,
//     default 20/s with bursts of 40): 429 with Retry-After;
//   - more requests at once than [WithMaxInFlight] (default 64): 503 with
//     Retry-After;
//   - a content type other than application/json or
//     application/x-protobuf, or an encoding other than gzip: 415;
//   - a body over [WithMaxBodyBytes] (default 1 MiB) or, gunzipped, over
//     [WithMaxDecodedBytes] (default 8 MiB; a gzip bomb stops there): 413;
//   - anything pdata does not decode (bad JSON, protobuf garbage, ids of
//     the wrong length, bad gzip) and spans with an empty or all-zero trace
//     or span id: 400.
//
// Only a request that passed all of these reaches the sink's file or the
// collector. [Server] adds the security headers (a Content-Security-Policy
// the go-app page runs under, X-Content-Type-Options, Referrer-Policy,
// Cross-Origin-Opener-Policy, …) to every response.
package server
