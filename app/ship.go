//go:build !js

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/spanfall/spanfall/cache/filestore"
	"github.com/spanfall/spanfall/tracer/otlp"
)

// shipUsage documents `spanfall ship`.
const shipUsage = `usage: spanfall ship -file OUTBOX [-endpoint URL] [-batch N] [-json]

Sends a WASI outbox (OTLP JSON lines, as written by cache/filestore or the
collector's file exporter) to an OTLP/HTTP collector, oldest line first,
and removes from the file only the lines the collector acknowledged.
The program writing the outbox must not run meanwhile.
`

// ship runs the ship subcommand and returns the exit code.
func ship(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ship", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, shipUsage); fs.PrintDefaults() }
	file := fs.String("file", "", "outbox file to ship (required)")
	endpoint := fs.String("endpoint", "http://127.0.0.1:4318/v1/traces", "collector traces endpoint")
	batch := fs.Int("batch", 512, "most spans per request")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *file == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, *timeout)
	defer cancelT()
	res, err := filestore.Ship(ctx, *file, otlp.NewExporter(*endpoint), *batch)
	if *asJSON {
		out := struct {
			filestore.ShipResult
			Error string `json:"error,omitempty"`
		}{ShipResult: res}
		if err != nil {
			out.Error = err.Error()
		}
		_ = json.NewEncoder(stdout).Encode(out)
	} else {
		fmt.Fprintf(stdout, "shipped %d spans in %d requests (%d lines); %d lines left\n", res.Spans, res.Requests, res.Lines, res.Left)
	}
	if err != nil {
		fmt.Fprintln(stderr, "spanfall ship:", err)
		return 1
	}
	return 0
}
