package ui

// window is a cursor over a list of rows and the part of the list on
// screen: the members table, the list picker and History scroll with it.
// It holds no rows, only how many there are, the selected one and the
// first on screen. The cursor is always a row of the list (0 when it is
// empty), and the screen moves only as far as needed to show it: moves
// and scroll are done in Update, span in View.
type window struct {
	// count is how many rows the list has.
	count int
	// cursor is the selected row: 0 ≤ cursor < count, 0 when empty.
	cursor int
	// offset is the first row on screen as last scrolled.
	offset int
}

// setCount says the list now has n rows (added or dropped at its end, or
// filtered): the cursor stays on its row, or on the last one left.
func (w *window) setCount(n int) {
	w.count = max(n, 0)
	w.moveTo(w.cursor)
}

// addedAtStart says n rows were put before the first: the cursor and the
// screen stay on the rows they were on.
func (w *window) addedAtStart(n int) {
	w.count += n
	w.cursor += n
	w.offset += n
}

// droppedFromStart says the first n rows were dropped (none of them the
// cursor's): the cursor and the screen stay on the rows they were on.
func (w *window) droppedFromStart(n int) {
	n = min(n, w.count)
	w.count -= n
	w.cursor = max(w.cursor-n, 0)
	w.offset = max(w.offset-n, 0)
}

// moveTo puts the cursor on row i, or the nearest row there is.
func (w *window) moveTo(i int) { w.cursor = max(0, min(i, w.count-1)) }

// moveBy moves the cursor by n rows (up when n < 0): one for the arrows,
// a screen's height for page up and down.
func (w *window) moveBy(n int) { w.moveTo(w.cursor + n) }

// toFirst puts the cursor on the first row.
func (w *window) toFirst() { w.moveTo(0) }

// toLast puts the cursor on the last row.
func (w *window) toLast() { w.moveTo(w.count - 1) }

// span is the rows on a screen height rows high, [start, end): from the
// offset, moved just enough to show the cursor (the screen may have shrunk
// since the last scroll), and a screen's worth when the list has that many.
func (w window) span(height int) (start, end int) {
	height = max(height, 1)
	start = min(w.offset, w.cursor)
	if w.cursor >= start+height {
		start = w.cursor - height + 1
	}
	start = max(0, min(start, w.count-height))
	return start, min(start+height, w.count)
}

// scroll moves the screen just enough for the cursor to be on it, on a
// screen height rows high.
func (w *window) scroll(height int) { w.offset, _ = w.span(height) }

// nearEnd reports whether the cursor is within margin rows of the last.
func (w window) nearEnd(margin int) bool { return w.cursor >= w.count-margin }

// nearStart reports whether the cursor is within margin rows of the first.
func (w window) nearStart(margin int) bool { return w.cursor < margin }
