//go:build js && wasm

package browser

import (
	"context"
	"fmt"
	"syscall/js"
	"time"

	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/internal/jspromise"
	"github.com/spanfall/spanfall/tracer/otlp"
	"github.com/spanfall/spanfall/tracer/span"
)

// KeepaliveBudget is the largest body sent with fetch keepalive: browsers
// allow 64 KiB in flight for all keepalive requests of a page together.
const KeepaliveBudget = 60 << 10

// KeepaliveExporter is a tracer.Exporter for the last moments of a page: it
// posts with fetch(url, {keepalive: true}), so the request outlives the
// page, and refuses unsent any body over Budget so the flusher splits the
// batch. It encodes exactly as the page's OTLP exporter does.
type KeepaliveExporter struct {
	URL     string
	Encoder *otlp.Exporter
	Budget  int // default KeepaliveBudget
}

var _ tracer.Exporter = (*KeepaliveExporter)(nil)

// Export implements tracer.Exporter. If the page lives long enough to see
// the answer, it is reported like otlp.Exporter reports it; a page that
// dies first leaves the spans pending, to be sent again at the next start.
func (k *KeepaliveExporter) Export(ctx context.Context, spans []span.Span) (tracer.ExportResult, error) {
	body, ctype, cenc, err := k.Encoder.Encode(spans)
	if err != nil {
		return tracer.ExportResult{}, err
	}
	budget := k.Budget
	if budget <= 0 {
		budget = KeepaliveBudget
	}
	if len(body) > budget {
		return tracer.ExportResult{}, &tracer.BodyTooLargeError{Size: len(body), Limit: budget}
	}
	arr := js.Global().Get("Uint8Array").New(len(body))
	js.CopyBytesToJS(arr, body)
	headers := js.Global().Get("Object").New()
	headers.Set("Content-Type", ctype)
	if cenc != "" {
		headers.Set("Content-Encoding", cenc)
	}
	init := js.Global().Get("Object").New()
	init.Set("method", "POST")
	init.Set("body", arr)
	init.Set("headers", headers)
	init.Set("keepalive", true)
	init.Set("mode", "cors")
	resp, err := jspromise.Await(ctx, js.Global().Call("fetch", k.URL, init))
	if err != nil {
		return tracer.ExportResult{}, fmt.Errorf("tracer/browser: keepalive post of %d spans: %w", len(spans), err)
	}
	if status := resp.Get("status").Int(); status/100 != 2 {
		var after time.Duration
		if v := resp.Get("headers").Call("get", "Retry-After"); v.Type() == js.TypeString {
			if d, err := time.ParseDuration(v.String() + "s"); err == nil {
				after = d
			}
		}
		return tracer.ExportResult{}, &otlp.HTTPError{StatusCode: status, RetryAfter: after}
	}
	return tracer.ExportResult{}, nil
}
