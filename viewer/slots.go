package viewer

// The waterfall's row slots. go-app diffs children by position, without
// keys, and every DOM call crosses syscall/js. Were the slots drawn in
// row order, a scroll by one row would hand every slot another span and
// patch every attribute of every row. Instead slot s always holds the
// visible row k with k ≡ s (mod pool size), placed at k's offset: a
// scroll patches only the slots whose rows entered the window, and the
// others keep their DOM untouched. The DOM order of the rows is thus a
// rotation of their visual order once scrolled; the row group's aria-owns
// lists them in visual order for assistive technology, and aria-rowindex
// numbers them.

// SlotRow returns the visible row that slot s of a pool of pool slots
// holds when the rendered rows start at first: the k in
// [first, first+pool) with k ≡ s (mod pool). The caller leaves the slot
// empty when k is past the last rendered row.
func SlotRow(first, pool, s int) int {
	if pool <= 0 {
		return first + s
	}
	return first + ((s-first)%pool+pool)%pool
}
