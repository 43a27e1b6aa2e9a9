//go:build js && wasm

package main

import (
	"context"
	"log"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/spanfall/spanfall/tracer/browser"
	"github.com/spanfall/spanfall/tracer/instrument"
)

// instrumentPage starts the page instrumentations (document load,
// resources, fetch/XHR, interactions) as configured by the
// SPANFALL_INSTRUMENT_* settings, with the privacy and propagation policy
// the demo's Go HTTP client shares (pagePolicy). exportURL is never traced.
func instrumentPage(p *pipeline, exportURL string) {
	cfg, err := parseInstrumentConfig(app.Getenv)
	if err != nil {
		log.Print(err) // the server refuses to start with these; say so anyway
	}
	u := app.Window().URL()
	pagePolicy = &instrument.Policy{
		PageOrigin:       u.Scheme + "://" + u.Host,
		PropagateOrigins: cfg.PropagateOrigins,
		QueryKeys:        cfg.QueryKeys,
		MaxAttrLen:       cfg.MaxAttrLen,
	}
	browser.InstrumentPage(context.Background(), browser.PageOptions{
		Tracer:       p.provider.Tracer("github.com/spanfall/spanfall/tracer/browser"),
		Policy:       pagePolicy,
		ExportURL:    exportURL,
		DocumentLoad: cfg.DocumentLoad,
		Resources:    cfg.Resources,
		Requests:     cfg.Requests,
		Interactions: cfg.Interactions,
		// Web vitals join the document load's trace (instrument_app_js.go).
		OnDocumentLoad: pageLoaded,
	})
}
