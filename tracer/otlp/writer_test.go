package otlp_test

import (
	"bufio"
	"bytes"
	"errors"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/spanfall/spanfall/tracer/otlp"
)

func TestWriterExporterWritesOneRequestPerLine(t *testing.T) {
	var buf bytes.Buffer
	exp := otlp.NewWriterExporter(&buf)
	spans := testSpans()
	for _, batch := range [][]int{{0, 1}, {2}} {
		var part = spans[batch[0] : batch[len(batch)-1]+1]
		if _, err := exp.Export(t.Context(), part); err != nil {
			t.Fatal(err)
		}
	}
	sc := bufio.NewScanner(&buf)
	var counts []int
	for sc.Scan() {
		req := ptraceotlp.NewExportRequest()
		if err := req.UnmarshalJSON(sc.Bytes()); err != nil {
			t.Fatalf("line %d does not decode: %v", len(counts)+1, err)
		}
		counts = append(counts, req.Traces().SpanCount())
	}
	if len(counts) != 2 || counts[0] != 2 || counts[1] != 1 {
		t.Fatalf("lines hold %v spans, want [2 1]", counts)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriterExporterReportsWriteErrors(t *testing.T) {
	_, err := otlp.NewWriterExporter(failWriter{}).Export(t.Context(), testSpans())
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("disk full")) {
		t.Fatalf("err = %v", err)
	}
}
