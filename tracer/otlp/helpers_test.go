package otlp_test

import (
	"net"
	"net/http"
	"time"

	"github.com/spanfall/spanfall/tracer/otlp"
)

// newTestExporter is otlp.NewExporter with a client that dials with Go's
// own network stack. On the host that is what the default client does;
// under js/wasm it keeps requests off fetch and on the in-process network
// where httptest servers listen, so the same exporter tests run in the
// browser, gzipping with CompressionStream.
func newTestExporter(url string, opts ...otlp.ExporterOption) *otlp.Exporter {
	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{DialContext: (&net.Dialer{}).DialContext, DisableKeepAlives: true},
	}
	return otlp.NewExporter(url, append([]otlp.ExporterOption{otlp.WithHTTPClient(client)}, opts...)...)
}
