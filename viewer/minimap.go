package viewer

// MiniRect is a run of minimap pixels covered by bars, in canvas pixels.
type MiniRect struct {
	X, Y, W, H int
	// Err is true for a run drawn over error spans.
	Err bool
}

// MinimapRects draws every row of a trace (visible or folded) on a
// cols × lines pixel grid: rows are spread over the lines (several rows
// share a line when there are more rows than lines; a row takes several
// lines when there are fewer), each bar covering at least one column, and
// the covered pixels of each line are merged into runs. Error spans get
// runs of their own, drawn after the others. The number of rectangles is
// bounded by the grid, whatever the trace's size: the canvas takes few
// calls.
func MinimapRects(rows []Row, cols, lines int) []MiniRect {
	if len(rows) == 0 || cols <= 0 || lines <= 0 {
		return nil
	}
	lineH := max(1, lines/len(rows))
	n := lines / lineH
	cover := make([]uint8, n*cols) // 1 bar, 2 error bar
	for i := range rows {
		r := &rows[i]
		y := i * n / len(rows)
		x0 := int(r.Offset * float64(cols))
		x1 := int((r.Offset + r.Width) * float64(cols))
		x0 = min(max(x0, 0), cols-1)
		x1 = min(max(x1, x0+1), cols)
		mark := uint8(1)
		if r.Error {
			mark = 2
		}
		line := cover[y*cols : (y+1)*cols]
		for x := x0; x < x1; x++ {
			line[x] = max(line[x], mark)
		}
	}
	var out, errs []MiniRect
	for y := 0; y < n; y++ {
		line := cover[y*cols : (y+1)*cols]
		for x := 0; x < cols; {
			if line[x] == 0 {
				x++
				continue
			}
			s := x
			for x < cols && line[x] != 0 {
				x++
			}
			out = append(out, MiniRect{X: s, Y: y * lineH, W: x - s, H: lineH})
		}
		for x := 0; x < cols; {
			if line[x] != 2 {
				x++
				continue
			}
			s := x
			for x < cols && line[x] == 2 {
				x++
			}
			errs = append(errs, MiniRect{X: s, Y: y * lineH, W: x - s, H: lineH, Err: true})
		}
	}
	return append(out, errs...)
}
