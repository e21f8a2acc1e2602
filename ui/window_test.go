package ui

import "testing"

// TestWindowMoves moves the cursor of a list of 10 rows on a screen of 4
// and reads where it and the screen end up.
func TestWindowMoves(t *testing.T) {
	tests := []struct {
		name       string
		count      int
		moves      func(w *window)
		cursor     int
		start, end int
		// fromCursor and fromOffset are where the cursor and the screen
		// start (scrolled to show the cursor).
		fromCursor, fromOffset int
	}{
		{name: "down inside the screen", count: 10, moves: func(w *window) { w.moveBy(1) }, cursor: 1, start: 0, end: 4},
		{name: "down off the bottom scrolls one row", count: 10, fromCursor: 3, moves: func(w *window) { w.moveBy(1) }, cursor: 4, start: 1, end: 5},
		{name: "up inside the screen keeps it", count: 10, fromCursor: 5, fromOffset: 2, moves: func(w *window) { w.moveBy(-1) }, cursor: 4, start: 2, end: 6},
		{name: "up off the top scrolls one row", count: 10, fromCursor: 2, fromOffset: 2, moves: func(w *window) { w.moveBy(-1) }, cursor: 1, start: 1, end: 5},
		{name: "up at the first row stays", count: 10, moves: func(w *window) { w.moveBy(-1) }, cursor: 0, start: 0, end: 4},
		{name: "down at the last row stays", count: 10, fromCursor: 9, moves: func(w *window) { w.moveBy(1) }, cursor: 9, start: 6, end: 10},
		{name: "page down", count: 10, moves: func(w *window) { w.moveBy(4) }, cursor: 4, start: 1, end: 5},
		{name: "page down past the end stops at the last", count: 10, fromCursor: 8, moves: func(w *window) { w.moveBy(4) }, cursor: 9, start: 6, end: 10},
		{name: "page up past the start stops at the first", count: 10, fromCursor: 2, moves: func(w *window) { w.moveBy(-4) }, cursor: 0, start: 0, end: 4},
		{name: "end", count: 10, moves: func(w *window) { w.toLast() }, cursor: 9, start: 6, end: 10},
		{name: "end then home", count: 10, moves: func(w *window) { w.toLast(); w.toFirst() }, cursor: 0, start: 0, end: 4},
		{name: "moveTo beyond the list", count: 10, moves: func(w *window) { w.moveTo(42) }, cursor: 9, start: 6, end: 10},
		{name: "moveTo before the list", count: 10, moves: func(w *window) { w.moveTo(-3) }, cursor: 0, start: 0, end: 4},
		{name: "fewer rows than the screen", count: 3, moves: func(w *window) { w.toLast() }, cursor: 2, start: 0, end: 3},
		{name: "empty: every move stays at 0", count: 0, moves: func(w *window) { w.moveBy(1); w.toLast(); w.moveBy(-4) }, cursor: 0, start: 0, end: 0},
		{name: "one row", count: 1, moves: func(w *window) { w.moveBy(5) }, cursor: 0, start: 0, end: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := window{}
			w.setCount(tt.count)
			w.moveTo(tt.fromCursor)
			w.offset = tt.fromOffset
			w.scroll(4)
			tt.moves(&w)
			w.scroll(4)
			if w.cursor != tt.cursor {
				t.Errorf("cursor %d, want %d", w.cursor, tt.cursor)
			}
			if start, end := w.span(4); start != tt.start || end != tt.end {
				t.Errorf("span [%d, %d), want [%d, %d)", start, end, tt.start, tt.end)
			}
			if w.offset != tt.start {
				t.Errorf("offset %d after scroll, want the span's start %d", w.offset, tt.start)
			}
		})
	}
}

// TestWindowResizes: a screen that shrinks or grows under the cursor
// keeps it in sight, moving as little as it can; one of no height shows
// the cursor's row.
func TestWindowResizes(t *testing.T) {
	w := window{}
	w.setCount(100)
	w.moveTo(50)
	w.scroll(10) // rows 41–50, the cursor at the bottom
	tests := []struct {
		height     int
		start, end int
	}{
		{10, 41, 51},
		{5, 46, 51},   // shrunk: the cursor stays at the bottom
		{20, 41, 61},  // grown: the top stays
		{200, 0, 100}, // taller than the list: all of it
		{0, 50, 51},   // nothing fits: the cursor's row alone
		{-3, 50, 51},
	}
	for _, tt := range tests {
		if start, end := w.span(tt.height); start != tt.start || end != tt.end {
			t.Errorf("span(%d) = [%d, %d), want [%d, %d)", tt.height, start, end, tt.start, tt.end)
		}
	}
	// span only reads; scroll keeps what it read.
	if w.offset != 41 {
		t.Errorf("span moved the offset to %d", w.offset)
	}
	w.scroll(5)
	if w.offset != 46 {
		t.Errorf("scroll(5): offset %d, want 46", w.offset)
	}
}

// TestWindowCountChanges: the list grows, shrinks (a filter), gets rows
// before its first or loses them: the cursor stays on its row, or on the
// last one left, and the screen on its rows.
func TestWindowCountChanges(t *testing.T) {
	w := window{}
	w.setCount(10)
	w.moveTo(7)
	w.scroll(4) // rows 4–7
	w.setCount(20)
	if w.cursor != 7 || w.offset != 4 {
		t.Errorf("grown: cursor %d offset %d, want 7 and 4", w.cursor, w.offset)
	}
	w.setCount(3)
	if start, end := w.span(4); w.cursor != 2 || start != 0 || end != 3 {
		t.Errorf("filtered to 3: cursor %d, span [%d, %d)", w.cursor, start, end)
	}
	w.setCount(0)
	if start, end := w.span(4); w.cursor != 0 || start != 0 || end != 0 {
		t.Errorf("filtered to none: cursor %d, span [%d, %d)", w.cursor, start, end)
	}
	w.setCount(-1)
	if w.count != 0 {
		t.Errorf("a negative count kept: %d", w.count)
	}

	w = window{}
	w.setCount(100)
	w.moveTo(30)
	w.scroll(10) // rows 21–30
	w.addedAtStart(100)
	if w.count != 200 || w.cursor != 130 || w.offset != 121 {
		t.Errorf("100 rows before: count %d cursor %d offset %d, want 200, 130, 121", w.count, w.cursor, w.offset)
	}
	w.droppedFromStart(100)
	if w.count != 100 || w.cursor != 30 || w.offset != 21 {
		t.Errorf("100 rows dropped: count %d cursor %d offset %d, want 100, 30, 21", w.count, w.cursor, w.offset)
	}
	w.droppedFromStart(500)
	if w.count != 0 || w.cursor != 0 || w.offset != 0 {
		t.Errorf("more dropped than there are: count %d cursor %d offset %d", w.count, w.cursor, w.offset)
	}
}

// TestWindowNearTheEnds is what the members view prefetches by.
func TestWindowNearTheEnds(t *testing.T) {
	w := window{}
	w.setCount(100)
	for _, tt := range []struct {
		cursor          int
		nearStart, near bool
	}{{0, true, false}, {49, true, false}, {50, false, true}, {99, false, true}, {10, true, false}} {
		w.moveTo(tt.cursor)
		if got := w.nearStart(50); got != tt.nearStart {
			t.Errorf("cursor %d: nearStart(50) = %t", tt.cursor, got)
		}
		if got := w.nearEnd(50); got != tt.near {
			t.Errorf("cursor %d: nearEnd(50) = %t", tt.cursor, got)
		}
	}
	var empty window
	if !empty.nearEnd(1) || !empty.nearStart(1) {
		t.Error("an empty list is not near both its ends")
	}
}
