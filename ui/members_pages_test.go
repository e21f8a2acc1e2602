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
	if rows.seen != 40 || rows.topKept() || rows.before() != "page0" {
		t.Errorf("seen %d, top kept %t, before %q", rows.seen, rows.topKept(), rows.before())
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
	if next, _ := rows.around(fetchNext); next != "page3" || rows.done() {
		t.Errorf("after dropping the last page: next %q, done %t", next, rows.done())
	}

	// Home: the list's first page again, alone.
	rows.restart(pageRows(0, 10), link(1))
	wantRows(t, &rows, 0, 10, 0)
	if rows.win.offset != 0 || !rows.topKept() {
		t.Errorf("after restart: offset %d, top kept %t", rows.win.offset, rows.topKept())
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
				rows.pages[len(rows.pages)-1].after = ""
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
	if start, end := rows.win.span(5); start != 0 || end != 0 || !rows.done() {
		t.Errorf("an empty list: span [%d, %d), done %t", start, end, rows.done())
	}
}

// The synthetic list from the end: 95 members of pages of 10 read newest
// first, as the reversed order's pages would bring them. Page num of that
// order holds members listSize-10*(num+1) … listSize-10*num-1, shown in the
// list's order; its links are "desc<num±1>".
const listSize = 95

// endPage is page num of the reversed order as the view keeps it: its rows
// in the list's order, before = its links.next (older), after = its
// links.prev (newer; "" for page 0, the newest members).
func endPage(num int) (rows []memberRow, before, after string) {
	hi := listSize - 10*num
	lo := max(hi-10, 0)
	for i := lo; i < hi; i++ {
		rows = append(rows, memberRow{id: fmt.Sprintf("m%d", i)})
	}
	if lo > 0 {
		before = fmt.Sprintf("desc%d", num+1)
	}
	if num > 0 {
		after = fmt.Sprintf("desc%d", num-1)
	}
	return rows, before, after
}

// wantFromEnd fails unless rows keeps members first… first+n-1, numbered
// so (start), and the cursor is on member cursor.
func wantFromEnd(t *testing.T, rows *memberRows, first, n, cursor int) {
	t.Helper()
	if got, ok := rows.start(); !ok || got != first || len(rows.rows) != n || rows.win.count != n {
		t.Fatalf("start %d (%t), %d rows (window of %d), want start %d, %d rows", got, ok, len(rows.rows), rows.win.count, first, n)
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

// TestMemberRowsFromTheEnd walks a counted list up from its end, keeping
// 3 pages: the end's page is numbered total-10…total-1 with the cursor on
// the last member, pages come above through links.next of the reversed
// order and drop from the bottom, come back below through its links.prev,
// and the walk's top (a short page, 5 rows) is member 0. No SQLite.
func TestMemberRowsFromTheEnd(t *testing.T) {
	rows := memberRows{total: listSize, counted: true}
	rows.add(pageRows(0, 10), 0, "", link(1)) // the list's first page, from the start
	r, before, _ := endPage(0)
	rows.restartFromEnd(r, before)
	wantFromEnd(t, &rows, 85, 10, 94)
	if !rows.fromEnd || !rows.done() || rows.topKept() || rows.seen != 10 {
		t.Fatalf("from the end: fromEnd %t, done %t, top kept %t, seen %d", rows.fromEnd, rows.done(), rows.topKept(), rows.seen)
	}
	if dir, ok := rows.wanted(5); ok {
		t.Errorf("wanted(5) = %v at the list's last member", dir)
	}
	rows.win.moveTo(3)
	if dir, ok := rows.wanted(5); !ok || dir != fetchPrev {
		t.Fatalf("wanted(5) = %v, %t near the top kept; want the page above", dir, ok)
	}
	if link, num := rows.around(fetchPrev); link != "desc1" || num != 1 {
		t.Fatalf("the page above is %q (%d), want desc1 (1)", link, num)
	}
	if link, _ := rows.around(fetchNext); link != "" {
		t.Errorf("a page below the list's end: %q", link)
	}

	// Up, page by page, keeping 3: the bottom pages drop.
	for num := 1; num <= 5; num++ {
		r, before, after := endPage(num)
		rows.prepend(r, num, before, after)
		rows.win.moveTo(2)
		rows.win.scroll(5)
		rows.trim(3, false)
		rows.reconcile()
	}
	wantFromEnd(t, &rows, 35, 30, 37)
	if rows.after != 30 || rows.done() || !rows.counted {
		t.Fatalf("after %d (want 30), done %t, counted %t", rows.after, rows.done(), rows.counted)
	}
	// Below: the page dropped last comes back through the bottom page's
	// links.prev, as page 2 of the walk.
	if link, num := rows.around(fetchNext); link != "desc2" || num != 2 {
		t.Fatalf("the page below is %q (%d), want desc2 (2)", link, num)
	}
	rows.win.moveTo(len(rows.rows) - 1)
	rows.win.scroll(5)
	r, before, after := endPage(2)
	rows.add(r, 2, before, after)
	rows.trim(3, true)
	wantFromEnd(t, &rows, 45, 30, 64)
	if rows.after != 20 {
		t.Errorf("after %d, want 20", rows.after)
	}

	// Up to the top: page 9 has the list's first 5 members, no link above.
	rows.win.moveTo(0)
	rows.win.scroll(5)
	for num := 5; num <= 9; num++ {
		r, before, after := endPage(num)
		rows.prepend(r, num, before, after)
		rows.win.moveTo(0)
		rows.win.scroll(5)
		rows.trim(3, false)
		rows.reconcile()
	}
	wantFromEnd(t, &rows, 0, 25, 0)
	if !rows.topKept() || rows.total != listSize || !rows.counted {
		t.Errorf("at the top: top kept %t, total %d, counted %t", rows.topKept(), rows.total, rows.counted)
	}
	if _, ok := rows.wanted(5); ok {
		t.Error("a page wanted at the list's first member")
	}

	// Home: the list's first page, from the start again.
	rows.restart(pageRows(0, 10), link(1))
	wantRows(t, &rows, 0, 10, 0)
	if rows.fromEnd || rows.seen != 10 {
		t.Errorf("after home: fromEnd %t, seen %d", rows.fromEnd, rows.seen)
	}
}

// TestMemberRowsReconcile: a count the walks prove wrong is not shown. A
// walk that reaches the other end knows the list's length; one that finds
// more rows than counted sets the count aside (and from the end numbers
// its rows from the end), until it reaches the other end.
func TestMemberRowsReconcile(t *testing.T) {
	t.Run("from the start, the end reached", func(t *testing.T) {
		rows := memberRows{}
		rows.add(pageRows(0, 10), 0, "", link(1))
		rows.setTotal(40)
		rows.add(pageRows(1, 7), 1, link(0), "")
		rows.reconcile()
		if !rows.counted || rows.total != 17 {
			t.Errorf("counted %t, total %d; want the 17 the walk saw", rows.counted, rows.total)
		}
	})
	t.Run("from the start, more than counted", func(t *testing.T) {
		rows := memberRows{}
		rows.add(pageRows(0, 10), 0, "", link(1))
		rows.setTotal(15)
		rows.add(pageRows(1, 10), 1, link(0), link(2))
		rows.reconcile()
		if rows.counted || !rows.stale {
			t.Errorf("counted %t, stale %t with 20 rows of 15", rows.counted, rows.stale)
		}
		rows.add(pageRows(2, 3), 2, link(1), "")
		rows.reconcile()
		if !rows.counted || rows.stale || rows.total != 23 {
			t.Errorf("at the end: counted %t, stale %t, total %d; want 23", rows.counted, rows.stale, rows.total)
		}
	})
	t.Run("from the end, fewer than counted", func(t *testing.T) {
		rows := memberRows{total: listSize + 20, counted: true}
		for num := 0; num <= 9; num++ {
			r, before, after := endPage(num)
			if num == 0 {
				rows.restartFromEnd(r, before)
			} else {
				rows.prepend(r, num, before, after)
			}
			rows.reconcile()
		}
		wantFromEnd(t, &rows, 0, listSize, 94)
		if rows.total != listSize {
			t.Errorf("total %d at the top, want %d", rows.total, listSize)
		}
	})
	t.Run("from the end, more than counted", func(t *testing.T) {
		rows := memberRows{total: 15, counted: true}
		r, before, _ := endPage(0)
		rows.restartFromEnd(r, before)
		r, before, after := endPage(1)
		rows.prepend(r, 1, before, after)
		rows.reconcile()
		if _, ok := rows.start(); ok || rows.counted {
			t.Errorf("20 rows from the end of 15 are numbered from the start (counted %t)", rows.counted)
		}
	})
}
