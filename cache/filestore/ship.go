package filestore

import (
	"context"
	"fmt"

	"github.com/spanfall/spanfall/tracer"
	"github.com/spanfall/spanfall/tracer/span"
)

// ShipResult counts what [Ship] did.
type ShipResult struct {
	Requests int `json:"requests"`
	Spans    int `json:"spans"`
	Lines    int `json:"lines"`
	// Left is how many lines remain in the file.
	Left int `json:"left"`
}

// Ship sends the outbox at path through exp (for example an otlp.Exporter
// posting to a collector's /v1/traces), oldest line first, up to maxSpans
// spans per request (whole lines; a line over maxSpans goes alone). After
// each acknowledged request it rewrites the file without the lines that
// request carried, so an interrupted Ship resends at most one request. It
// stops at the first failure and returns it, with the file holding exactly
// the lines not yet acknowledged. The program that writes the outbox must
// not run meanwhile.
func Ship(ctx context.Context, path string, exp tracer.Exporter, maxSpans int) (ShipResult, error) {
	var res ShipResult
	if maxSpans <= 0 {
		maxSpans = tracer.DefaultBatchSize
	}
	lines, torn, err := readLines(path)
	if err != nil {
		return res, err
	}
	if torn > 0 {
		return res, fmt.Errorf("filestore: ship %s: the last line is cut short (%d bytes): is the writer still running?", path, torn)
	}
	raw, err := rawLines(lines)
	if err != nil {
		return res, err
	}
	for i := 0; i < len(lines); {
		var batch []span.Span
		j := i
		for j < len(lines) && (j == i || len(batch)+len(lines[j].spans) <= maxSpans) {
			batch = append(batch, lines[j].spans...)
			j++
		}
		if len(batch) > 0 {
			res.Requests++
			if _, err := exp.Export(ctx, batch); err != nil {
				res.Left = len(lines) - i
				return res, fmt.Errorf("filestore: ship %s: lines %d-%d: %w", path, i+1, j, err)
			}
			if err := rewrite(path, raw[j:]); err != nil {
				res.Left = len(lines) - i
				return res, fmt.Errorf("filestore: ship %s: acknowledged but not removed, they will be sent again: %w", path, err)
			}
		}
		res.Spans += len(batch)
		res.Lines += j - i
		i = j
	}
	return res, nil
}

// rawLines re-encodes lines for rewriting (the decoded form is canonical).
func rawLines(lines []line) ([][]byte, error) {
	out := make([][]byte, len(lines))
	for i, l := range lines {
		if len(l.spans) == 0 {
			out[i] = []byte{}
			continue
		}
		b, err := encodeLine(l.spans)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}
