package ui

import "github.com/consentdesk/consent/client"

// memberPage is what the rows kept remember of one page: how many rows it
// brought and its links, so that a page dropped from either end of the
// window can be fetched again, and its number in the walk (0: the list's
// first page), so that a page fetched again is read as the same page.
type memberPage struct {
	n          int
	num        int
	prev, next string
}

// memberRows is one set of rows being paged through: the whole list, or
// the answer to a lookup. It keeps a window of whole pages (see trim), and
// its cursor and screen over them (win), so that leaving a lookup puts the
// agent back where they were.
type memberRows struct {
	// query is the lookup's filter; zero for the whole list.
	query client.MembersQuery
	// rows is the window of rows kept, pages the pages they came in, in
	// order; first is the row number (from 0) in the list of rows[0].
	rows  []memberRow
	pages []memberPage
	first int
	// seen is how many rows of the list have been loaded: the furthest
	// row number reached, whether or not it is still kept.
	seen int
	// next is links.next of the last page kept; done is set when the last
	// page kept came without one (the list's end).
	next string
	done bool
	// win is the cursor and the screen over rows (indexes into rows).
	win window
	// phoneWidth is the widest phone cell loaded so far, reasonWidth the
	// widest email suppression reason, smsWidth the widest SMS consent.
	phoneWidth, reasonWidth, smsWidth int
	// walk is every page read of these rows, by number: a link to a page
	// read as another, or past client.MaxMemberPages, is not followed.
	walk *client.PageWalk
}

// pageWalk is the rows' walk through pages, started on first use.
func (t *memberRows) pageWalk() *client.PageWalk {
	if t.walk == nil {
		t.walk = client.NewPageWalk("members", client.MaxMemberPages)
	}
	return t.walk
}

// around is which page a fetch in direction dir reads: its link ("" for
// the list's first page) and its number in the walk.
func (t *memberRows) around(dir memberFetch) (link string, num int) {
	switch {
	case dir == fetchNext && len(t.pages) > 0:
		return t.next, t.pages[len(t.pages)-1].num + 1
	case dir == fetchPrev && len(t.pages) > 0:
		return t.prev(), t.pages[0].num - 1
	}
	return "", 0
}

// add appends page num's rows after those kept.
func (t *memberRows) add(rows []memberRow, num int, prev, next string) {
	t.rows = append(t.rows, rows...)
	t.pages = append(t.pages, memberPage{n: len(rows), num: num, prev: prev, next: next})
	t.widen(rows)
	t.next, t.done = next, next == ""
	t.seen = max(t.seen, t.first+len(t.rows))
	t.win.setCount(len(t.rows))
}

// prepend puts page num's rows before those kept, keeping the cursor and
// the screen on the same rows.
func (t *memberRows) prepend(rows []memberRow, num int, prev, next string) {
	t.rows = append(rows[:len(rows):len(rows)], t.rows...)
	t.pages = append([]memberPage{{n: len(rows), num: num, prev: prev, next: next}}, t.pages...)
	t.widen(rows)
	t.first = max(t.first-len(rows), 0)
	if prev == "" { // the list's first page, whatever was counted
		t.first = 0
	}
	t.win.addedAtStart(len(rows))
	t.seen = max(t.seen, t.first+len(t.rows))
}

// restart replaces the rows kept with the list's first page.
func (t *memberRows) restart(rows []memberRow, next string) {
	clear(t.rows)
	t.rows, t.pages, t.first = t.rows[:0], t.pages[:0], 0
	t.win = window{}
	t.add(rows, 0, "", next)
}

// widen grows the phone and consent columns for the rows of a new page.
func (t *memberRows) widen(rows []memberRow) {
	for i := range rows {
		t.phoneWidth = max(t.phoneWidth, rows[i].phoneWidth())
		t.reasonWidth = max(t.reasonWidth, int(rows[i].emailReasonWidth))
		t.smsWidth = max(t.smsWidth, len(rows[i].smsConsent.label()))
	}
}

// trim drops whole pages from the end away from the cursor (the front
// after an append, the back after a prepend) until at most keep pages are
// kept, never a page with the cursor or the screen's rows in it. A page
// dropped from the front is fetched again through the links.prev of the
// new first page, one from the back through the links.next of the new last
// page.
func (t *memberRows) trim(keep int, front bool) {
	for len(t.pages) > keep {
		if front {
			n := t.pages[0].n
			if min(t.win.cursor, t.win.offset) < n {
				return
			}
			k := copy(t.rows, t.rows[n:])
			clear(t.rows[k:]) // let the dropped rows' strings go
			t.rows = t.rows[:k]
			t.pages = append(t.pages[:0], t.pages[1:]...)
			t.first += n
			t.win.droppedFromStart(n)
			continue
		}
		last := t.pages[len(t.pages)-1]
		k := len(t.rows) - last.n
		if t.win.cursor >= k || t.win.offset >= k {
			return
		}
		clear(t.rows[k:])
		t.rows = t.rows[:k]
		t.win.setCount(k)
		t.pages = t.pages[:len(t.pages)-1]
		t.next = t.pages[len(t.pages)-1].next
		t.done = t.next == ""
	}
}

// prev is links.prev of the first page kept: "" when it is the list's
// first page (or Klaviyo sent no link).
func (t *memberRows) prev() string {
	if len(t.pages) == 0 {
		return ""
	}
	return t.pages[0].prev
}

// wanted is the page to fetch with the cursor where it is: the next when
// the cursor is within margin rows of the last row kept and the list goes
// on, the previous when it is within margin of the first and earlier pages
// were dropped; with both (few rows kept), the nearer end first.
func (t *memberRows) wanted(margin int) (dir memberFetch, ok bool) {
	down := !t.done && t.win.nearEnd(margin)
	up := t.prev() != "" && t.win.nearStart(margin)
	switch {
	case down && up:
		if t.win.cursor < len(t.rows)-t.win.cursor {
			return fetchPrev, true
		}
		return fetchNext, true
	case down:
		return fetchNext, true
	case up:
		return fetchPrev, true
	}
	return 0, false
}

// dropped reports whether rows before those kept were loaded and dropped.
func (t *memberRows) dropped() bool { return t.first > 0 || t.prev() != "" }

// selected is the cursor's row; ok is false when no row is kept.
func (t *memberRows) selected() (r *memberRow, ok bool) {
	if len(t.rows) == 0 {
		return nil, false
	}
	return &t.rows[t.win.cursor], true
}
