package server_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/spanfall/spanfall/app/server"
)

// browserBatch is an export request shaped like the browser exporter's:
// n spans of one tab's resource, each with the attributes of a fetch.
func browserBatch(n int) ptraceotlp.ExportRequest {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	ra := rs.Resource().Attributes()
	ra.PutStr("service.name", "spanfall-demo")
	ra.PutStr("telemetry.sdk.language", "go")
	ra.PutStr("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36")
	ra.PutStr("browser.platform", "Linux")
	ra.PutStr("browser.language", "en-US")
	ra.PutBool("browser.mobile", false)
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("github.com/spanfall/spanfall/tracer")
	ss.Scope().SetVersion("0.1.0")
	for i := range n {
		s := ss.Spans().AppendEmpty()
		var tid pcommon.TraceID
		var sid, pid pcommon.SpanID
		binary.BigEndian.PutUint64(tid[:8], uint64(i/8+1))
		binary.BigEndian.PutUint64(tid[8:], 0x9e3779b97f4a7c15*uint64(i/8+1))
		binary.BigEndian.PutUint64(sid[:], 0xbf58476d1ce4e5b9*uint64(i+1))
		binary.BigEndian.PutUint64(pid[:], 0xbf58476d1ce4e5b9*uint64(i/8*8+1))
		s.SetTraceID(tid)
		s.SetSpanID(sid)
		if i%8 != 0 {
			s.SetParentSpanID(pid)
		}
		s.SetName("GET /api/demo")
		s.SetKind(ptrace.SpanKindClient)
		start := pcommon.Timestamp(1_700_000_000_000_000_000 + uint64(i)*1_000_000)
		s.SetStartTimestamp(start)
		s.SetEndTimestamp(start + 12_345_678)
		a := s.Attributes()
		a.PutStr("http.request.method", "GET")
		a.PutStr("url.full", fmt.Sprintf("https://app.example.com/api/demo?request=%d", i))
		a.PutStr("server.address", "app.example.com")
		a.PutInt("server.port", 443)
		a.PutInt("http.response.status_code", 200)
		a.PutBool("spanfall.offline", false)
		e := s.Events().AppendEmpty()
		e.SetName("responseStart")
		e.SetTimestamp(start + 10_000_000)
		s.Status().SetCode(ptrace.StatusCodeOk)
	}
	return ptraceotlp.NewExportRequestFromTraces(td)
}

func gzipBytes(b *testing.B, p []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(p); err != nil {
		b.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkRelay measures the relay's throughput over real TCP on
// 127.0.0.1: browser-like clients post through the relay (rate limit off,
// default caps and in-flight bound) to a collector that reads and
// acknowledges. Bounded by -benchtime (for example -benchtime=3000x).
// It reports accepted requests per second.
func BenchmarkRelay(b *testing.B) {
	batch := browserBatch(512)
	pb, err := batch.MarshalProto()
	if err != nil {
		b.Fatal(err)
	}
	js, err := batch.MarshalJSON()
	if err != nil {
		b.Fatal(err)
	}
	// The largest JSON request under the 1 MiB body cap.
	n := 512
	for {
		big, err := browserBatch(n + 64).MarshalJSON()
		if err != nil {
			b.Fatal(err)
		}
		if len(big) > server.DefaultMaxBodyBytes {
			break
		}
		n += 64
	}
	capJSON, err := browserBatch(n).MarshalJSON()
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name, contentType, encoding string
		body                        []byte
	}{
		{name: "512 spans protobuf gzip", contentType: "application/x-protobuf", encoding: "gzip", body: gzipBytes(b, pb)},
		{name: "512 spans JSON gzip", contentType: "application/json", encoding: "gzip", body: gzipBytes(b, js)},
		{name: "512 spans JSON", contentType: "application/json", body: js},
		{name: fmt.Sprintf("%d spans JSON near the 1 MiB cap", n), contentType: "application/json", body: capJSON},
	}
	for _, c := range cases {
		b.Run(fmt.Sprintf("%s %dB", c.name, len(c.body)), func(b *testing.B) {
			collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", c.contentType)
				w.WriteHeader(http.StatusOK)
			}))
			defer collector.Close()
			rl, err := server.NewRelay(collector.URL, server.WithRateLimit(0, 0))
			if err != nil {
				b.Fatal(err)
			}
			relay := httptest.NewServer(rl)
			defer relay.Close()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			defer client.CloseIdleConnections()

			b.SetBytes(int64(len(c.body)))
			b.ResetTimer()
			b.RunParallel(func(p *testing.PB) {
				for p.Next() {
					req, err := http.NewRequest(http.MethodPost, relay.URL+"/v1/traces", bytes.NewReader(c.body))
					if err != nil {
						b.Error(err)
						return
					}
					req.Header.Set("Content-Type", c.contentType)
					if c.encoding != "" {
						req.Header.Set("Content-Encoding", c.encoding)
					}
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}
