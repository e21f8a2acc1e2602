package ui

import "github.com/consentdesk/consent/client"

// memberPage is what the rows kept remember of one page: how many rows it
// brought and its links in screen order (before: the page above it, after:
// the page below), so that a page dropped from either end of the window
// can be fetched again, and its number in its walk (0: the walk's first
// page), so that a page fetched again is read as the same page.
//
// A page of the list's order (oldest first) has before = links.prev and
// after = links.next; a page of the reversed order (newest first), read
// from the end, is shown reversed, so before = its links.next (older
// members) and after = its links.prev (newer ones).
type memberPage struct {
	n             int
	num           int
	before, after string
}

// memberRows is one set of rows being paged through: the whole list, or
// the answer to a lookup. It keeps a window of whole pages (see trim), and
// its cursor and screen over them (win), so that leaving a lookup puts the
// agent back where they were.
//
// The window is read from one end of the list: from its start (the
// list's order, oldest member first: row numbers count from the first
// page, exactly), or, after the end key, from its end (the reversed
// order: the rows below the window are counted from the newest member,
// exactly, and a row's number is the list's count less that). The two
// walks never mix: switching ends drops every row kept and starts the
// other walk, so a member is never shown twice, and each walk's own count
// of rows is exact whatever the list did meanwhile. The count (Klaviyo's
// profile_count, cached for five minutes) is only used to say "of N" and
// to number the rows of a walk from the end; reconcile checks it against
// what the walks see (see there).
type memberRows struct {
	// query is the lookup's filter, or the whole list's sort and
	// fields; the walk from the end asks for the reverse of its sort.
	query client.MembersQuery
	// rows is the window of rows kept, pages the pages they came in, in
	// screen order.
	rows  []memberRow
	pages []memberPage
	// fromEnd is set when the pages kept are the reversed order's.
	fromEnd bool
	// first is, from the start, how many rows of the list come before
	// rows[0]; after is, from the end, how many come after the last row
	// kept. Each is exact, counted by its walk.
	first, after int
	// total is the list's member count when counted is set; stale when a
	// count was set aside as the list's changes since proved it wrong.
	total          int
	counted, stale bool
	// seen is how many rows of the list this walk has loaded: the furthest
	// it reached from its end, whether or not still kept.
	seen int
	// win is the cursor and the screen over rows (indexes into rows).
	win window
	// phoneWidth is the widest phone cell loaded so far, reasonWidth the
	// widest email suppression reason, smsWidth the widest SMS consent;
	// emailWidth and nameWidth the widest address and name.
	phoneWidth, reasonWidth, smsWidth int
	emailWidth, nameWidth             int
	// walks are every page read of these rows, by number, from the start
	// [0] and from the end [1]: a link to a page read as another, or past
	// client.MaxMemberPages, is not followed.
	walks [2]*client.PageWalk
}

// pageWalk is the walk from the start, or from the end when fromEnd,
// started on first use.
func (t *memberRows) pageWalk(fromEnd bool) *client.PageWalk {
	i := 0
	if fromEnd {
		i = 1
	}
	if t.walks[i] == nil {
		t.walks[i] = client.NewPageWalk("members", client.MaxMemberPages)
	}
	return t.walks[i]
}

// step is how page numbers go down the screen: up from the start, down
// from the end (page 0 is the newest members, at the bottom).
func (t *memberRows) step() int {
	if t.fromEnd {
		return -1
	}
	return 1
}

// around is which page a fetch in direction dir reads: its link ("" for
// a walk's first page) and its number in the walk.
func (t *memberRows) around(dir memberFetch) (link string, num int) {
	switch {
	case dir == fetchNext && len(t.pages) > 0:
		last := t.pages[len(t.pages)-1]
		return last.after, last.num + t.step()
	case dir == fetchPrev && len(t.pages) > 0:
		return t.pages[0].before, t.pages[0].num - t.step()
	}
	return "", 0
}

// add appends page num's rows after those kept.
func (t *memberRows) add(rows []memberRow, num int, before, after string) {
	t.rows = append(t.rows, rows...)
	t.pages = append(t.pages, memberPage{n: len(rows), num: num, before: before, after: after})
	t.widen(rows)
	if t.fromEnd {
		t.after = max(t.after-len(rows), 0)
		if after == "" { // the list's newest members, whatever was counted
			t.after = 0
		}
	}
	t.win.setCount(len(t.rows))
	t.see()
}

// prepend puts page num's rows before those kept, keeping the cursor and
// the screen on the same rows.
func (t *memberRows) prepend(rows []memberRow, num int, before, after string) {
	t.rows = append(rows[:len(rows):len(rows)], t.rows...)
	t.pages = append([]memberPage{{n: len(rows), num: num, before: before, after: after}}, t.pages...)
	t.widen(rows)
	if !t.fromEnd {
		t.first = max(t.first-len(rows), 0)
		if before == "" { // the list's first page, whatever was counted
			t.first = 0
		}
	}
	t.win.addedAtStart(len(rows))
	t.see()
}

// see counts the rows kept into seen.
func (t *memberRows) see() {
	if t.fromEnd {
		t.seen = max(t.seen, t.after+len(t.rows))
	} else {
		t.seen = max(t.seen, t.first+len(t.rows))
	}
}

// restart replaces the rows kept with the list's first page, the cursor
// on its first row.
func (t *memberRows) restart(rows []memberRow, after string) {
	t.drop(false)
	t.add(rows, 0, "", after)
}

// restartFromEnd replaces the rows kept with the reversed order's first
// page (the newest members, shown oldest first), the cursor on the last
// row: the list's last member.
func (t *memberRows) restartFromEnd(rows []memberRow, before string) {
	t.drop(true)
	t.add(rows, 0, before, "")
	t.win.toLast()
}

// drop forgets every row kept, to start a walk from the start or (fromEnd)
// the end; seen starts again when the walk changes ends.
func (t *memberRows) drop(fromEnd bool) {
	clear(t.rows)
	t.rows, t.pages, t.first, t.after = t.rows[:0], t.pages[:0], 0, 0
	if t.fromEnd != fromEnd {
		t.seen = 0
	}
	t.fromEnd = fromEnd
	t.win = window{}
}

// widen grows the columns for the rows of a new page.
func (t *memberRows) widen(rows []memberRow) {
	for i := range rows {
		t.phoneWidth = max(t.phoneWidth, rows[i].phoneWidth())
		t.reasonWidth = max(t.reasonWidth, int(rows[i].emailReasonWidth))
		t.smsWidth = max(t.smsWidth, len(rows[i].smsConsent.label()))
		t.emailWidth = max(t.emailWidth, memberTextWidth(rows[i].email))
		t.nameWidth = max(t.nameWidth, memberTextWidth(rows[i].name))
	}
}

// trim drops whole pages from the end away from the cursor (the front
// after an append, the back after a prepend) until at most keep pages are
// kept, never a page with the cursor or the screen's rows in it. A page
// dropped from the front is fetched again through the before link of the
// new first page, one from the back through the after link of the new last
// page, in either walk.
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
			if !t.fromEnd {
				t.first += n
			}
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
		if t.fromEnd {
			t.after += last.n
		}
	}
}

// setTotal takes the list's member count, as Klaviyo counted it.
func (t *memberRows) setTotal(n int) {
	t.total, t.counted = n, true
	t.reconcile()
}

// reconcile checks the count against what the walk saw. A walk that
// reached the other end of the list knows the list's length exactly (its
// rows are counted from its own end): the count becomes that, so that the
// numbers shown are exact even when the list changed since Klaviyo counted
// it (the client reuses a count for five minutes, so asking again would
// not help). A walk that found more rows than counted, before reaching the
// other end, cannot number them from the other end: the count is set
// aside, and the view numbers rows as the walk counts them (from the start
// as before counts existed; from the end as such, "from the end").
func (t *memberRows) reconcile() {
	if !(t.counted || t.stale) || len(t.pages) == 0 {
		return
	}
	n := len(t.rows)
	switch {
	case !t.fromEnd && t.done():
		t.total, t.counted, t.stale = t.first+n, true, false
	case t.fromEnd && t.before() == "":
		t.total, t.counted, t.stale = t.after+n, true, false
	case t.counted && (!t.fromEnd && t.first+n > t.total || t.fromEnd && t.after+n > t.total):
		t.counted, t.stale = false, true
	}
}

// start is the number in the list (from 0) of rows[0]; ok is false when
// it is not known (a walk from the end without a count).
func (t *memberRows) start() (n int, ok bool) {
	switch {
	case !t.fromEnd:
		return t.first, true
	case t.counted:
		return t.total - t.after - len(t.rows), true
	}
	return 0, false
}

// before is the link to the page above the rows kept: "" when they start
// with the list's first member (or Klaviyo sent no link).
func (t *memberRows) before() string {
	if len(t.pages) == 0 {
		return ""
	}
	return t.pages[0].before
}

// done reports whether the rows kept end with the list's last member (the
// last page kept came without a link to a page after it).
func (t *memberRows) done() bool {
	return len(t.pages) > 0 && t.pages[len(t.pages)-1].after == ""
}

// wanted is the page to fetch with the cursor where it is: the next when
// the cursor is within margin rows of the last row kept and the list goes
// on, the previous when it is within margin of the first and the list
// goes on above; with both (few rows kept), the nearer end first. With no
// rows kept yet, the walk's first page.
func (t *memberRows) wanted(margin int) (dir memberFetch, ok bool) {
	down := !t.done() && t.win.nearEnd(margin)
	up := t.before() != "" && t.win.nearStart(margin)
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

// topKept reports whether the rows kept start with the list's first
// member.
func (t *memberRows) topKept() bool {
	return len(t.pages) > 0 && t.before() == "" && (t.fromEnd || t.first == 0)
}

// selected is the cursor's row; ok is false when no row is kept.
func (t *memberRows) selected() (r *memberRow, ok bool) {
	if len(t.rows) == 0 {
		return nil, false
	}
	return &t.rows[t.win.cursor], true
}
