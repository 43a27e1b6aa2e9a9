package viewer

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/spanfall/spanfall/tracer/span"
	"github.com/spanfall/spanfall/viewer/transfer"
)

// Handlers of the power tools (tools.go).

func (v *view) onCritToggle(ctx app.Context, _ app.Event) {
	v.setCrit(!v.critOn)
	v.apply(ctx, effect{scroll: true})
}

func (v *view) onCritOnly(ctx app.Context, _ app.Event) {
	v.setCritOnly(boolean(ctx.JSSrc(), "checked"))
	v.scrollTo(v.position(v.selectedRow()))
	v.apply(ctx, effect{scroll: true})
}

func (v *view) onOnlyMatches(ctx app.Context, _ app.Event) {
	v.setOnlyMatches(boolean(ctx.JSSrc(), "checked"))
	v.scrollTo(v.position(v.selectedRow()))
	v.apply(ctx, effect{scroll: true})
}

func (v *view) zoomed(ctx app.Context) { v.urlLater(ctx) }

func (v *view) onZoomIn(ctx app.Context, _ app.Event)  { v.zoomCommand(CmdZoomIn); v.zoomed(ctx) }
func (v *view) onZoomOut(ctx app.Context, _ app.Event) { v.zoomCommand(CmdZoomOut); v.zoomed(ctx) }
func (v *view) onZoomReset(ctx app.Context, _ app.Event) {
	v.zoomCommand(CmdZoomReset)
	v.zoomed(ctx)
}

func (v *view) onMiniDown(ctx app.Context, e app.Event) {
	if x := relX(e.Value, v.id("minimap")); x >= 0 {
		v.miniDrag = true
		v.win = v.win.MoveTo(x)
		v.zoomed(ctx)
	}
}

func (v *view) onMiniMove(ctx app.Context, e app.Event) {
	if !v.miniDrag || int(number(e.Value, "buttons"))&1 == 0 {
		v.miniDrag = false
		ctx.PreventUpdate()
		return
	}
	if x := relX(e.Value, v.id("minimap")); x >= 0 {
		v.win = v.win.MoveTo(x)
		v.zoomed(ctx)
	}
}

func (v *view) onMiniUp(ctx app.Context, _ app.Event) {
	if !v.miniDrag {
		ctx.PreventUpdate()
	}
	v.miniDrag = false
}

// Dragging across the ruler selects the window to zoom to.
func (v *view) onRulerDown(ctx app.Context, e app.Event) {
	v.rulerFrom = relX(e.Value, v.id("ruler"))
	ctx.PreventUpdate()
}

func (v *view) onRulerUp(ctx app.Context, e app.Event) {
	from := v.rulerFrom
	v.rulerFrom = -1
	to := relX(e.Value, v.id("ruler"))
	if from < 0 || to < 0 || math.Abs(to-from)*math.Max(v.trackPx, 1) < 4 {
		ctx.PreventUpdate()
		return
	}
	v.win = v.win.Select(from, to)
	v.zoomed(ctx)
}

// onWheel zooms around the pointer on Ctrl, Alt or Meta + wheel over the
// waterfall or the minimap. It runs in the browser's dispatch (see
// listenTools) and reports whether it used the event.
func (v *view) wheel(e app.Value) (used bool, factor, at float64) {
	if v.traceID == "" || len(v.rows) == 0 {
		return false, 0, 0
	}
	if !boolean(e, "ctrlKey") && !boolean(e, "altKey") && !boolean(e, "metaKey") {
		return false, 0, 0
	}
	if !within(e, v.id("grid")) && !within(e, v.id("minimap")) {
		return false, 0, 0
	}
	dy := number(e, "deltaY")
	if dy == 0 {
		return false, 0, 0
	}
	at = relX(e, v.id("ruler"))
	if at < 0 {
		at = 0.5
	}
	return true, math.Exp(math.Max(-1, math.Min(1, dy*0.002))), at
}

// listenTools adds the window listeners of the tools: modified wheel to
// zoom (passive false, so that the browser's page zoom is cancelled) and
// drag and drop of files to import. It returns their remover.
func (v *view) listenTools(ctx app.Context) func() {
	offWheel := listenWith("wheel", map[string]any{"passive": false}, func(e app.Value) {
		used, factor, at := v.wheel(e)
		if !used {
			return
		}
		preventDefault(e)
		ctx.Dispatch(func(ctx app.Context) {
			v.win = v.win.Zoom(factor, at)
			v.zoomed(ctx)
		})
	})
	hasFiles := func(e app.Value) bool {
		types := prop(prop(e, "dataTransfer"), "types")
		if !isObject(types) {
			return false
		}
		v, ok := call(types, "includes", "Files")
		return ok && v.Type() == app.TypeBoolean && v.Bool()
	}
	offOver := listen("dragover", func(e app.Value) {
		if !hasFiles(e) {
			return
		}
		preventDefault(e)
		if !v.dropping {
			ctx.Dispatch(func(app.Context) { v.dropping = true })
		}
	})
	offLeave := listen("dragleave", func(e app.Value) {
		if isObject(prop(e, "relatedTarget")) {
			return
		}
		ctx.Dispatch(func(app.Context) { v.dropping = false })
	})
	offDrop := listen("drop", func(e app.Value) {
		if !hasFiles(e) {
			return
		}
		preventDefault(e)
		files := prop(prop(e, "dataTransfer"), "files")
		var file app.Value
		if isObject(files) && number(files, "length") > 0 {
			file = files.Index(0)
		}
		ctx.Dispatch(func(ctx app.Context) {
			v.dropping = false
			if file != nil {
				v.importFile(ctx, file)
			}
		})
	})
	return func() { offWheel(); offOver(); offLeave(); offDrop() }
}

func (v *view) onImportFile(ctx app.Context, _ app.Event) {
	input := ctx.JSSrc()
	files := prop(input, "files")
	if !isObject(files) || number(files, "length") < 1 {
		return
	}
	v.importFile(ctx, files.Index(0))
	// Let the same file be picked again.
	input.Set("value", "")
}

// importFile reads, checks and imports a file: nothing is written unless
// the whole file is good.
func (v *view) importFile(ctx app.Context, file app.Value) {
	src, ok := v.store.(*Sources)
	if !ok || v.importPhase != "" {
		return
	}
	name := str(file, "name")
	size := number(file, "size")
	v.importPhase, v.importDone, v.importErr, v.importNote = "read", 0, "", ""
	ctx.Async(func() {
		t0 := time.Now()
		fail := func(err error) {
			ctx.Dispatch(func(app.Context) {
				v.importPhase, v.importErr = "", fmt.Sprintf("%s: nothing imported: %v", name, err)
			})
		}
		data, err := readFile(file)
		if err != nil {
			fail(err)
			return
		}
		var last time.Time
		report := func(phase string, done float64) {
			if time.Since(last) < 100*time.Millisecond && done < 1 {
				return
			}
			last = time.Now()
			ctx.Dispatch(func(app.Context) { v.importPhase, v.importDone = phase, done })
		}
		spans, err := transfer.Decode(bytes.NewReader(data), func(n int64) {
			report("check", 0.5*float64(n)/math.Max(size, 1))
		})
		if err != nil {
			fail(err)
			return
		}
		c, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		err = src.Import(c, spans, func(n int) { report("write", 0.5+0.5*float64(n)/float64(len(spans))) })
		if err != nil {
			fail(err)
			return
		}
		note := fmt.Sprintf("Imported %s in %s from %s (%s)", plural(len(spans), "span"), plural(countTraces(spans), "trace"),
			name, time.Since(t0).Round(time.Millisecond))
		ctx.Dispatch(func(ctx app.Context) {
			v.importPhase, v.importNote = "", note
			v.loadAll(ctx, true)
		})
	})
}

func countTraces(spans []span.Span) int {
	seen := map[string]bool{}
	for i := range spans {
		seen[spans[i].TraceID] = true
	}
	return len(seen)
}

func (v *view) onExportSubtree(ctx app.Context, _ app.Event) {
	v.exportSubtree = boolean(ctx.JSSrc(), "checked")
}

func (v *view) onExportOTLP(ctx app.Context, _ app.Event) {
	v.export(transfer.OTLPJSON, "otlp.json")
}

func (v *view) onExportChrome(ctx app.Context, _ app.Event) {
	v.export(transfer.ChromeTrace, "chrome-trace.json")
}

func (v *view) export(enc func([]span.Span) ([]byte, error), suffix string) {
	spans := v.exportSpans()
	if len(spans) == 0 {
		return
	}
	b, err := enc(spans)
	if err != nil {
		v.exportNote = err.Error()
		return
	}
	name := "trace-" + attrID(v.traceID)
	if len(spans) < len(v.rows) {
		name += "-span-" + attrID(spans[0].SpanID)
	}
	name += "." + suffix
	if download(name, "application/json", b) {
		v.exportNote = fmt.Sprintf("%s, %s", plural(len(spans), "span"), name)
	}
}

func (v *view) onCompare(ctx app.Context, _ app.Event) {
	id := str(ctx.JSSrc(), "value")
	if id == "" || v.store == nil {
		v.setBaseline("", nil)
		return
	}
	store, cur := v.store, v.traceID
	ctx.Async(func() {
		c, cancel := context.WithTimeout(context.Background(), readTimeout)
		defer cancel()
		recs, err := store.Trace(c, id)
		ctx.Dispatch(func(app.Context) {
			if cur != v.traceID {
				return
			}
			if err != nil {
				v.baseErr = err.Error()
				return
			}
			v.setBaseline(id, recs)
		})
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
