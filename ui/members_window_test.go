package ui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
)

// allMemberEmails pages through the whole list straight from the API, in
// the view's order, to compare the window with.
func allMemberEmails(t *testing.T, a *App, listID string) []string {
	t.Helper()
	var out []string
	q := client.MembersQuery{PageSize: client.MaxPageSize, Sort: client.SortJoined}
	for {
		page, err := a.c.client.Members(context.Background(), listID, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page.Profiles {
			out = append(out, p.Email)
		}
		if page.Next == "" {
			return out
		}
		q = client.MembersQuery{Next: page.Next}
	}
}

// windowedApp is a 5,000-member list opened on a 25-row window, with the
// view keeping at most 3 pages; counted says whether the view has the
// list's member count (without, it failed).
func windowedApp(t *testing.T, counted bool) (*App, *membersView, []string) {
	t.Helper()
	open := membersAppUncounted
	if counted {
		open = membersApp
	}
	a, id := open(t, 100, 30, 5000)
	v := membersOf(t, a)
	v.keptPages = 3
	return a, v, allMemberEmails(t, a, id)
}

// checkWindow asserts the view keeps at most 3 pages, that every row kept
// is the list's member at its place, and that the cursor's row is on
// screen with its number in the position line.
func checkWindow(t *testing.T, a *App, v *membersView, emails []string) {
	t.Helper()
	w := &v.all
	if len(w.rows) > 3*membersPageSize || len(w.pages) > 3 {
		t.Fatalf("%d rows in %d pages kept, want at most 300 in 3", len(w.rows), len(w.pages))
	}
	n := 0
	for i, p := range w.pages {
		n += p.n
		if i > 0 && p.before == "" {
			t.Errorf("page %d kept has no link before it", i)
		}
	}
	if n != len(w.rows) {
		t.Fatalf("pages hold %d rows, %d kept", n, len(w.rows))
	}
	first, ok := w.start()
	if !ok || first < 0 || first+len(w.rows) > len(emails) {
		t.Fatalf("the rows kept are numbered from %d (%t), %d of them", first, ok, len(w.rows))
	}
	for i, r := range w.rows {
		if r.email != emails[first+i] {
			t.Fatalf("row %d kept (member %d) is %s, want %s", i, first+i+1, r.email, emails[first+i])
		}
	}
	if got := selectedLine(a); !strings.Contains(got, w.rows[w.win.cursor].email) {
		t.Fatalf("the cursor's row %q is not %s", got, w.rows[w.win.cursor].email)
	}
	start, end := w.win.span(v.visibleRows())
	if !strings.Contains(screen(a), "rows "+memberCount(first+start+1)+"–"+memberCount(first+end)+" ") {
		t.Fatalf("position line does not say rows %d–%d:\n%s", first+start+1, first+end, screen(a))
	}
}

// TestMembersKeepABoundedWindow scrolls a 5,000-member list to the end
// and back to the top, a screen at a time, with the view keeping 3 pages:
// never more than 300 rows are kept, pages dropped at the top are fetched
// again through links.prev on the way back, and the rows are the list's
// members in order all the way.
func TestMembersKeepABoundedWindow(t *testing.T) {
	a, v, emails := windowedApp(t, true)
	if len(emails) != 5000 {
		t.Fatalf("the API has %d members", len(emails))
	}
	for i := 0; !v.all.done() || v.all.win.cursor < len(v.all.rows)-1; i++ {
		if i > 300 {
			t.Fatalf("the end not reached:\n%s", screen(a))
		}
		pressAndWait(t, a, tea.KeyPgDown, 0)
		checkWindow(t, a, v, emails)
	}
	wantScreen(t, a, "rows 4,976–5,000 of 5,000", "› "+emails[4999])
	if v.all.first != 4700 {
		t.Errorf("first row kept is member %d, want 4,701", v.all.first+1)
	}

	for i := 0; v.all.first+v.all.win.cursor > 0; i++ {
		if i > 300 {
			t.Fatalf("the top not reached:\n%s", screen(a))
		}
		pressAndWait(t, a, tea.KeyPgUp, 0)
		checkWindow(t, a, v, emails)
	}
	wantScreen(t, a, "rows 1–25 of 5,000")
	if v.all.first != 0 || v.all.before() != "" || v.Busy() != "" {
		t.Errorf("at the top: first %d, before %q, busy %q", v.all.first, v.all.before(), v.Busy())
	}
	for i, l := range strings.Split(screen(a), "\n")[3:28] {
		if !strings.Contains(l, emails[i]) {
			t.Errorf("screen row %d is %q, want %s", i+1, l, emails[i])
		}
	}
	// Back down: the pages dropped at the back come again through
	// links.next.
	for range 20 {
		pressAndWait(t, a, tea.KeyPgDown, 0)
		checkWindow(t, a, v, emails)
	}
	wantScreen(t, a, "rows 477–501 of 5,000", "› "+emails[500])
}

// TestMembersHomeStartsAgainFromTheTop: a lookup works with pages
// dropped; home after the first pages were dropped fetches the list's
// first page again; end goes to the last row kept and on from there.
func TestMembersHomeStartsAgainFromTheTop(t *testing.T) {
	a, v, emails := windowedApp(t, false)
	for range 10 {
		pressAndWait(t, a, tea.KeyEnd, 0)
		checkWindow(t, a, v, emails)
	}
	wantScreen(t, a, "rows 976–1,000 · 300 kept of 1,100 loaded · …more", "› "+emails[999])
	// A lookup of a member whose page was dropped is Klaviyo's, and esc
	// puts the window back as it was.
	typeAndWait(t, a, "/"+emails[3])
	pressAndWait(t, a, tea.KeyEnter, 0)
	wantScreen(t, a, "lookup: email "+emails[3], "› "+emails[3], "rows 1–1 of 1 loaded · all loaded")
	pressAndWait(t, a, tea.KeyEscape, 0)
	checkWindow(t, a, v, emails)
	wantScreen(t, a, "rows 976–1,000 · 300 kept of 1,100 loaded · …more", "› "+emails[999])
	pressAndWait(t, a, tea.KeyHome, 0)
	checkWindow(t, a, v, emails)
	wantScreen(t, a, "rows 1–25 · 100 kept of 1,100 loaded · …more", "› "+emails[0])
	pressAndWait(t, a, tea.KeyEnd, 0)
	checkWindow(t, a, v, emails)
	wantScreen(t, a, "rows 76–100 · 200 kept of 1,100 loaded · …more", "› "+emails[99])
}

// TestMembersWindowDropsStaleAnswers: answers out of order never reach
// the window. A page asked for before the agent pressed home lands after
// the first page; old numbers, for either end, are dropped.
func TestMembersWindowDropsStaleAnswers(t *testing.T) {
	a, v, emails := windowedApp(t, false)
	for range 10 {
		pressAndWait(t, a, tea.KeyEnd, 0)
	}
	// Up to the top of the rows kept: the page before is asked for…
	for v.all.win.cursor >= v.margin()+v.visibleRows() {
		pressAndWait(t, a, tea.KeyPgUp, 0)
	}
	_, prevPage := a.Update(tea.KeyPressMsg{Code: tea.KeyPgUp})
	if prevPage == nil || !v.loading.running() {
		t.Fatal("the previous page was not asked for")
	}
	stale := v.loading.seq
	for _, dir := range []memberFetch{fetchNext, fetchPrev, fetchFirst} {
		sendAndWait(t, a, answerTo(v, &v.loading, stale-1, membersPage{dir: dir, rows: []memberRow{{id: "STALE", email: "stale@example.com"}}, before: "x", after: "y"}, nil))
	}
	checkWindow(t, a, v, emails)
	// …home is pressed before it lands, and it lands after the first page.
	pressAndWait(t, a, tea.KeyHome, 0)
	runCmdFully(t, a, prevPage, 0)
	checkWindow(t, a, v, emails)
	wantScreen(t, a, "rows 1–25 · 100 kept of 1,100 loaded · …more", "› "+emails[0])
	if v.all.first != 0 || len(v.all.rows) != 100 {
		t.Errorf("the late page changed the window: first %d, %d rows", v.all.first, len(v.all.rows))
	}
}

// TestMembersWindowErrorKeepsRows: a failed previous page keeps the rows
// and r asks for it again.
func TestMembersWindowErrorKeepsRows(t *testing.T) {
	a, v, emails := windowedApp(t, false)
	for range 10 {
		pressAndWait(t, a, tea.KeyEnd, 0)
	}
	for !v.loading.running() {
		_, cmd := a.Update(tea.KeyPressMsg{Code: tea.KeyPgUp})
		if !v.loading.running() {
			runCmdFully(t, a, cmd, 0)
		}
	}
	first := v.all.first
	sendAndWait(t, a, answerTo(v, &v.loading, v.loading.seq, membersPage{dir: fetchPrev}, errString("Klaviyo answered 503")))
	wantScreen(t, a, "✗ Klaviyo answered 503", "300 kept of 1,100 loaded")
	if v.all.first != first {
		t.Errorf("the failure moved the window: first %d, was %d", v.all.first, first)
	}
	typeAndWait(t, a, "r")
	checkWindow(t, a, v, emails)
	if v.all.first != first-membersPageSize || v.err != nil {
		t.Errorf("retry: first %d, want %d (err %v)", v.all.first, first-membersPageSize, v.err)
	}
}
