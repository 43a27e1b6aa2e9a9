//go:build js && wasm

package main

import (
	"github.com/spanfall/spanfall/tracer/browser"
	"github.com/spanfall/spanfall/viewer"
)

// viewerStatus is the pipeline status the viewer's status line shows
// next to the store's counts (viewer.UseStatus).
func (p *pipeline) viewerStatus() viewer.Status {
	fs := p.flusher.Status()
	return viewer.Status{Online: browser.Online(), LastFlush: fs.LastFlush, Rejected: fs.Rejected, LastError: fs.LastError}
}
