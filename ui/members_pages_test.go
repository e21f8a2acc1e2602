package ui

import (
	"fmt"
	"testing"
)

// pageRows is page num of a synthetic list, size rows whose ids say their
// place in the list ("m250" is member 250, from 0).
func pageRows(num, size int) []memberRow {
	rows := make([]memberRow, size)
	for i := range rows {
		rows[i] = memberRow{id: fmt.Sprintf("m%d", num*size+i)}
	}
	return rows
}

// link is the link to page num.
func link(num int) string {
	if num < 0 {
		return ""
	}
	return fmt.Sprintf("page%d", num)
}

// addPage appends page num (of 10 rows) as a fetch of the next page would.
func addPage(t *memberRows, num int) {
	t.add(pageRows(num, 10), num, link(num-1), link(num+1))
}

// wantRows fails unless t keeps the rows of members first… first+n-1 and
// the cursor is on member cursor.
func wantRows(t *testing.T, rows *memberRows, first, n, cursor int) {
	t.Helper()
	if rows.first != first || len(rows.rows) != n || rows.win.count != n {
		t.Fatalf("first %d, %d rows (window of %d), want first %d, %d rows", rows.first, len(rows.rows), rows.win.count, first, n)
	}
	for i, r := range rows.rows {
		if want := fmt.Sprintf("m%d", first+i); r.id != want {
			t.Fatalf("row %d is %s, want %s", i, r.id, want)
		}
	}
	if r, ok := rows.selected(); !ok || r.id != fmt.Sprintf("m%d", cursor) {
		t.Fatalf("the cursor is on %v, want m%d", r, cursor)
	}
}

// TestMemberRowsKeepABoundedWindow pages down a list of 10-row pages
// keeping 3: pages drop from the front, never the cursor's or the
// screen's, and come back in front through links.prev.
func TestMemberRowsKeepABoundedWindow(t *testing.T) {
	var rows memberRows
	for num := range 3 {
		addPage(&rows, num)
		rows.trim(3, true)
	}
	wantRows(t, &rows, 0, 30, 0)
	if link, num := rows.around(fetchNext); link != "page3" || num != 3 {
		t.Errorf("the next page is %q (%d), want page3 (3)", link, num)
	}
	if _, ok := rows.wanted(5); ok {
		t.Error("a page is wanted with the cursor at the top of the list's first pages")
	}

	// The cursor on the first page: a fourth page cannot drop it.
	addPage(&rows, 3)
	rows.trim(3, true)
	wantRows(t, &rows, 0, 40, 0)

	// Down to member 25, the screen from member 21: the first two pages go.
	rows.win.moveTo(25)
	rows.win.scroll(5)
	rows.trim(3, true)
	wantRows(t, &rows, 10, 30, 25)
	if rows.win.cursor != 15 || rows.win.offset != 11 {
		t.Errorf("cursor %d offset %d in the rows kept, want 15 and 11", rows.win.cursor, rows.win.offset)
	}
	if rows.seen != 40 || !rows.dropped() || rows.prev() != "page0" {
		t.Errorf("seen %d, dropped %t, prev %q", rows.seen, rows.dropped(), rows.prev())
	}

	// Back up near the top of what is kept: the page before is wanted,
	// and comes in front, the cursor on the same member.
	rows.win.moveTo(2)
	rows.win.scroll(5)
	if dir, ok := rows.wanted(5); !ok || dir != fetchPrev {
		t.Fatalf("wanted(5) = %v, %t; want the previous page", dir, ok)
	}
	if link, num := rows.around(fetchPrev); link != "page0" || num != 0 {
		t.Errorf("the previous page is %q (%d), want page0 (0)", link, num)
	}
	rows.prepend(pageRows(0, 10), 0, "", link(1))
	rows.trim(3, false)
	wantRows(t, &rows, 0, 30, 12)
	if rows.next != "page3" || rows.done {
		t.Errorf("after dropping the last page: next %q, done %t", rows.next, rows.done)
	}

	// Home: the list's first page again, alone.
	rows.restart(pageRows(0, 10), link(1))
	wantRows(t, &rows, 0, 10, 0)
	if rows.win.offset != 0 || rows.dropped() {
		t.Errorf("after restart: offset %d, dropped %t", rows.win.offset, rows.dropped())
	}
}

// TestMemberRowsWanted: which page the rows want for where the cursor is.
func TestMemberRowsWanted(t *testing.T) {
	tests := []struct {
		name   string
		pages  []int // the pages kept, in order
		last   bool  // the last one is the list's end
		cursor int   // in the rows kept
		margin int
		want   memberFetch
		wanted bool
	}{
		{"top of the list", []int{0, 1, 2}, false, 3, 5, 0, false},
		{"middle", []int{4, 5, 6}, false, 15, 5, 0, false},
		{"near the end", []int{0, 1, 2}, false, 27, 5, fetchNext, true},
		{"near the end of the list", []int{0, 1, 2}, true, 29, 5, 0, false},
		{"near the first kept, pages dropped", []int{4, 5, 6}, false, 2, 5, fetchPrev, true},
		{"near both ends: the top is nearer", []int{4}, false, 2, 10, fetchPrev, true},
		{"near both ends: the end is nearer", []int{4}, false, 8, 10, fetchNext, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rows memberRows
			for _, num := range tt.pages {
				addPage(&rows, num)
			}
			if tt.last {
				rows.next, rows.done = "", true
			}
			rows.win.moveTo(tt.cursor)
			dir, ok := rows.wanted(tt.margin)
			if ok != tt.wanted || (ok && dir != tt.want) {
				t.Errorf("wanted(%d) = %v, %t; want %v, %t", tt.margin, dir, ok, tt.want, tt.wanted)
			}
		})
	}
}

// TestMemberRowsEmpty: no rows kept, nothing selected, the first page
// wanted.
func TestMemberRowsEmpty(t *testing.T) {
	var rows memberRows
	if _, ok := rows.selected(); ok {
		t.Error("a row selected with none kept")
	}
	if dir, ok := rows.wanted(5); !ok || dir != fetchNext {
		t.Errorf("wanted(5) = %v, %t; want the first page", dir, ok)
	}
	if link, num := rows.around(fetchNext); link != "" || num != 0 {
		t.Errorf("the first page is %q (%d)", link, num)
	}
	rows.add(nil, 0, "", "")
	if start, end := rows.win.span(5); start != 0 || end != 0 || !rows.done {
		t.Errorf("an empty list: span [%d, %d), done %t", start, end, rows.done)
	}
}
