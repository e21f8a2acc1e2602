package ui

import (
	"context"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/consentdesk/consent/client"
)

// bigListName is the list the members tests load into the sandbox.
const bigListName = "Big Members"

// membersApp returns the UI on the sandbox with a list of n synthetic
// members added, opened the way an agent opens it: m on home, the list's
// name typed into the picker, enter. It returns the list's id.
func membersApp(t *testing.T, width, height, n int) (*App, string) {
	t.Helper()
	a, sb := newSandboxApp(t, width, height)
	id, err := sb.LoadMembers(context.Background(), bigListName, n)
	if err != nil {
		t.Fatal(err)
	}
	typeAndWait(t, a, "m")
	wantScreen(t, a, "members of which list?")
	typeAndWait(t, a, bigListName)
	pressAndWait(t, a, tea.KeyEnter, 0)
	if _, ok := a.current().(*membersView); !ok {
		t.Fatalf("the members view is not on top:\n%s", screen(a))
	}
	return a, id
}

// firstMembers reads the list's first n members straight from the API, to
// compare the screen with.
func firstMembers(t *testing.T, a *App, listID string, n int) []client.Profile {
	t.Helper()
	page, err := a.c.client.Members(context.Background(), listID, client.MembersQuery{PageSize: n})
	if err != nil {
		t.Fatal(err)
	}
	return page.Profiles
}

// membersOf is the members view on top of the app.
func membersOf(t *testing.T, a *App) *membersView {
	t.Helper()
	v, ok := a.current().(*membersView)
	if !ok {
		t.Fatalf("the members view is not on top:\n%s", screen(a))
	}
	return v
}

// selectedLine is the screen line of the cursor's row.
func selectedLine(a *App) string {
	for _, l := range strings.Split(screen(a), "\n") {
		if strings.Contains(l, "› ") {
			return l
		}
	}
	return ""
}

func TestMembersOpensFromHomeWithRegions(t *testing.T) {
	a, id := membersApp(t, 100, 30, 250)
	wantScreen(t, a, "members of Big Members (single opt-in)", "email phone email consent SMS consent joined",
		"rows 1–", "of 100 loaded · …more")
	for _, p := range firstMembers(t, a, id, 5) {
		region := a.c.rules.Analyze(p.PhoneNumber).Region
		wantScreen(t, a, p.Email+" "+p.PhoneNumber+" "+region)
	}
	if !regexp.MustCompile(`\+\d{8,15} (SI|PR|HU|BR|IN|US|GB|DE|FR|CA|AU|NZ|IE|NL|ES|IT|SE) `).MatchString(screen(a)) {
		t.Errorf("no phone with its region:\n%s", screen(a))
	}
	if v := membersOf(t, a); v.Busy() != "" {
		t.Errorf("busy after the first page: %q", v.Busy())
	}
}

// TestMembersKeysMoveTheWindow presses each table key from the top of a
// 250-member list on a 25-row window and reads the position line.
func TestMembersKeysMoveTheWindow(t *testing.T) {
	tests := []struct {
		name string
		keys []tea.KeyPressMsg
		want string
	}{
		{"down stays on the first screen", []tea.KeyPressMsg{{Code: tea.KeyDown}}, "rows 1–25 of 100 loaded"},
		{"ctrl+n is down", []tea.KeyPressMsg{{Code: 'n', Mod: tea.ModCtrl}}, "rows 1–25 of 100 loaded"},
		{"pgdn moves a screen", []tea.KeyPressMsg{{Code: tea.KeyPgDown}}, "rows 2–26 of 100 loaded"},
		{"ctrl+f is pgdn", []tea.KeyPressMsg{{Code: 'f', Mod: tea.ModCtrl}, {Code: 'f', Mod: tea.ModCtrl}}, "rows 27–51 of 200 loaded"},
		{"ctrl+b is pgup", []tea.KeyPressMsg{{Code: tea.KeyPgDown}, {Code: 'b', Mod: tea.ModCtrl}}, "rows 1–25 of 100 loaded"},
		{"pgup comes back", []tea.KeyPressMsg{{Code: tea.KeyPgDown}, {Code: tea.KeyPgDown}, {Code: tea.KeyPgUp}}, "rows 26–50 of 200 loaded"},
		{"end loads the next page", []tea.KeyPressMsg{{Code: tea.KeyEnd}}, "rows 76–100 of 200 loaded · …more"},
		{"G is end", []tea.KeyPressMsg{{Code: 'G', Text: "G"}}, "rows 76–100 of 200 loaded"},
		{"end, end reaches the last page", []tea.KeyPressMsg{{Code: tea.KeyEnd}, {Code: tea.KeyEnd}}, "rows 176–200 of 250 loaded · all loaded"},
		{"home after end", []tea.KeyPressMsg{{Code: tea.KeyEnd}, {Code: tea.KeyHome}}, "rows 1–25 of 200 loaded"},
		{"g is home", []tea.KeyPressMsg{{Code: tea.KeyEnd}, {Code: 'g', Text: "g"}}, "rows 1–25 of 200 loaded"},
		{"up at the top stays", []tea.KeyPressMsg{{Code: tea.KeyUp}, {Code: 'p', Mod: tea.ModCtrl}}, "rows 1–25 of 100 loaded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _ := membersApp(t, 100, 30, 250)
			for _, k := range tt.keys {
				sendAndWait(t, a, k)
			}
			wantScreen(t, a, tt.want)
		})
	}
}

// TestMembersPrefetchesBeforeTheEnd walks down one row at a time: the
// second page is asked for half a page before the end of the first, and
// the window scrolls with the cursor.
func TestMembersPrefetchesBeforeTheEnd(t *testing.T) {
	a, _ := membersApp(t, 100, 30, 250)
	for range membersPrefetch - 1 {
		pressAndWait(t, a, tea.KeyDown, 0)
	}
	wantScreen(t, a, "rows 26–50 of 100 loaded · …more")
	pressAndWait(t, a, tea.KeyDown, 0)
	wantScreen(t, a, "rows 27–51 of 200 loaded · …more")
}

// TestMembersDropsStaleAnswers: an answer to a request that is no longer
// current changes nothing, whether it is an old number or a page the agent
// stopped waiting for by starting a lookup.
func TestMembersDropsStaleAnswers(t *testing.T) {
	a, id := membersApp(t, 100, 30, 250)
	v := membersOf(t, a)
	before := screen(a)
	stale := answerTo(v, &v.loading, v.loading.seq-1, membersPage{rows: []memberRow{{id: "STALE", email: "stale@example.com"}}}, nil)
	sendAndWait(t, a, stale)
	stale.seq = v.loading.seq // the current number, but its answer already arrived
	sendAndWait(t, a, stale)
	if got := screen(a); got != before || len(v.all.rows) != 100 {
		t.Errorf("a stale page changed the view (%d rows):\n%s", len(v.all.rows), got)
	}

	// End asks for page 2; the agent starts a lookup before it arrives.
	_, page2 := a.Update(tea.KeyPressMsg{Code: tea.KeyEnd})
	if v.Busy() != "loading members" {
		t.Fatalf("Busy() = %q while page 2 loads", v.Busy())
	}
	want := firstMembers(t, a, id, 1)[0]
	typeAndWait(t, a, "/"+want.Email)
	pressAndWait(t, a, tea.KeyEnter, 0)
	runCmdFully(t, a, page2, 0) // page 2 lands late
	wantScreen(t, a, "lookup: email "+want.Email, "rows 1–1 of 1 loaded · all loaded")
	if len(v.all.rows) != 100 {
		t.Errorf("the late page was added: %d rows", len(v.all.rows))
	}
	// Leaving the lookup restores the list where it was and asks for page
	// 2 again.
	pressAndWait(t, a, tea.KeyEscape, 0)
	wantScreen(t, a, "rows 76–100 of 200 loaded")
}

func TestMembersLookup(t *testing.T) {
	tests := []struct {
		name  string
		typed func(p client.Profile) string
		wants func(p client.Profile) []string
	}{
		{"email hit", func(p client.Profile) string { return p.Email },
			func(p client.Profile) []string {
				return []string{"lookup: email " + p.Email, "› " + p.Email, "rows 1–1 of 1 loaded · all loaded"}
			}},
		{"phone hit, typed with spaces", func(p client.Profile) string { return p.PhoneNumber[:4] + " " + p.PhoneNumber[4:] },
			func(p client.Profile) []string {
				return []string{"lookup: phone " + p.PhoneNumber, "› " + p.Email, "rows 1–1 of 1 loaded · all loaded"}
			}},
		{"email miss", func(client.Profile) string { return "nobody.here@example.com" },
			func(client.Profile) []string {
				return []string{"no member of Big Members has email nobody.here@example.com", "0 loaded · all loaded"}
			}},
		{"phone miss", func(client.Profile) string { return "+1 201 555 0123" },
			func(client.Profile) []string {
				return []string{"no member of Big Members has phone +12015550123", "0 loaded · all loaded"}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, id := membersApp(t, 100, 30, 250)
			p := firstMembers(t, a, id, 3)[2]
			pressAndWait(t, a, tea.KeyDown, 0)
			typeAndWait(t, a, "/")
			if v := membersOf(t, a); !v.CapturesText() || !v.EscIsMine() {
				t.Fatal("the lookup line does not take text and esc")
			}
			typeAndWait(t, a, tt.typed(p))
			pressAndWait(t, a, tea.KeyEnter, 0)
			wantScreen(t, a, tt.wants(p)...)
			// esc: the full list, the cursor where it was.
			pressAndWait(t, a, tea.KeyEscape, 0)
			wantScreen(t, a, "rows 1–25 of 100 loaded · …more")
			if got := selectedLine(a); !strings.Contains(got, firstMembers(t, a, id, 2)[1].Email) {
				t.Errorf("cursor not restored to the second row: %q", got)
			}
			if _, ok := a.current().(*membersView); !ok {
				t.Error("esc in lookup mode left the view")
			}
		})
	}
}

// TestMembersLookupRefusesInvalidInput: what is neither an email nor a
// valid phone number is refused, with the reason, and stays typed.
func TestMembersLookupRefusesInvalidInput(t *testing.T) {
	tests := []struct{ typed, reason string }{
		{"+386 31", "✗ "},
		{"+1 call me", `✗ letters are not part of a phone number`},
		{"sarah@localhost", `✗ the domain "localhost" needs a dot`},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			a, _ := membersApp(t, 100, 30, 250)
			v := membersOf(t, a)
			seq := v.loading.seq
			typeAndWait(t, a, "/"+tt.typed)
			pressAndWait(t, a, tea.KeyEnter, 0)
			wantScreen(t, a, "find: "+tt.typed, tt.reason, "rows 1–", "of 100 loaded")
			if v.loading.seq != seq || v.found != nil || !v.typing {
				t.Errorf("refused input was sent or closed the line (seq %d→%d)", seq, v.loading.seq)
			}
			// Editing clears the refusal; esc leaves with the list intact.
			pressAndWait(t, a, tea.KeyBackspace, 0)
			if v.refusal != "" {
				t.Errorf("refusal kept after an edit: %q", v.refusal)
			}
			pressAndWait(t, a, tea.KeyEscape, 0)
			wantScreen(t, a, "rows 1–25 of 100 loaded")
			if v.CapturesText() || strings.Contains(screen(a), "find:") {
				t.Errorf("esc left the lookup line open:\n%s", screen(a))
			}
		})
	}
}

func TestMembersEnterOpensProfile(t *testing.T) {
	a, _ := membersApp(t, 100, 30, 250)
	pressAndWait(t, a, tea.KeyDown, 0)
	pressAndWait(t, a, tea.KeyEnter, 0)
	if _, ok := a.current().(*profileView); !ok {
		t.Fatalf("enter did not open the profile view:\n%s", screen(a))
	}
	if strings.Contains(screen(a), "members of Big Members") {
		t.Errorf("the status line still names the members view:\n%s", screen(a))
	}
	// esc comes back to the members, cursor kept.
	pressAndWait(t, a, tea.KeyEscape, 0)
	membersOf(t, a)
	wantScreen(t, a, "members of Big Members")
}

// TestMembersEscWhileLoadingGoesBack: esc while a page loads cancels it and
// leaves the view.
func TestMembersEscWhileLoadingGoesBack(t *testing.T) {
	a, _ := membersApp(t, 100, 30, 250)
	v := membersOf(t, a)
	_, page2 := a.Update(tea.KeyPressMsg{Code: tea.KeyEnd})
	if !v.EscIsMine() {
		t.Fatal("esc is not the view's while a page loads")
	}
	pressAndWait(t, a, tea.KeyEscape, 0)
	if v.loading.running() {
		t.Error("the request was not stopped")
	}
	runCmdFully(t, a, page2, 0)
	wantScreen(t, a, "What would you like to do?")
}

// TestMembersFitAnySize resizes the view, in list and lookup mode, and
// checks every line fits.
func TestMembersFitAnySize(t *testing.T) {
	a, _ := membersApp(t, 100, 30, 250)
	check := func(mode string) {
		t.Helper()
		for _, size := range [][2]int{{80, 24}, {40, 12}, {200, 60}, {20, 5}, {120, 40}, {63, 20}} {
			send(t, a, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			lines := strings.Split(screen(a), "\n")
			if len(lines) > size[1] {
				t.Errorf("%s %dx%d: %d lines", mode, size[0], size[1], len(lines))
			}
			for _, l := range lines {
				if w := lipgloss.Width(l); w > size[0] {
					t.Errorf("%s %dx%d: line %q is %d wide", mode, size[0], size[1], l, w)
				}
			}
			if size[1] >= 12 && !strings.Contains(screen(a), "› ") {
				t.Errorf("%s %dx%d: the cursor's row is not on screen:\n%s", mode, size[0], size[1], screen(a))
			}
		}
	}
	pressAndWait(t, a, tea.KeyEnd, 0)
	check("list")
	send(t, a, tea.WindowSizeMsg{Width: 80, Height: 24})
	wantScreen(t, a, "email phone email consent SMS consent joined")
	typeAndWait(t, a, "/+1 call")
	pressAndWait(t, a, tea.KeyEnter, 0)
	check("lookup")
}

func TestMembersErrorKeepsRows(t *testing.T) {
	a, _ := membersApp(t, 100, 30, 250)
	v := membersOf(t, a)
	_, _ = a.Update(tea.KeyPressMsg{Code: tea.KeyEnd})
	sendAndWait(t, a, answerTo(v, &v.loading, v.loading.seq, membersPage{}, errString("Klaviyo answered 503: \x1b[31mtry later")))
	wantScreen(t, a, "✗ Klaviyo answered 503: try later (r retries; the rows loaded are kept)", "rows 77–100 of 100 loaded · …more", "r retry")
	if strings.Contains(screen(a), "\x1b[31m") {
		t.Error("the error reached the screen unsanitised")
	}
	typeAndWait(t, a, "r")
	wantScreen(t, a, "rows 76–100 of 200 loaded")
}

// errString is an error with a fixed message.
type errString string

func (e errString) Error() string { return string(e) }

func TestMemberCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 4210: "4,210", 100000: "100,000", 1234567: "1,234,567"} {
		if got := memberCount(n); got != want {
			t.Errorf("memberCount(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestLayoutMemberColumns(t *testing.T) {
	tests := []struct {
		width, phone, reason, sms int
		want                      memberColumns
	}{
		{200, 17, 0, 0, memberColumns{email: 200 - 2 - 17 - 13 - 12 - 10 - 8, phone: 17, emailConsent: 13, sms: 12, joined: 10, gap: 2}},
		{78, 17, 0, 0, memberColumns{email: 20, phone: 17, emailConsent: 13, sms: 12, joined: 10, gap: 1}},
		{60, 17, 0, 0, memberColumns{email: 13, phone: 17, emailConsent: 13, sms: 12, gap: 1}},
		{20, 17, 0, 0, memberColumns{email: 8, phone: 17, emailConsent: 13, sms: 12, gap: 1}},
		// "suppressed: hard bounce" (23) loaded: the email consent column
		// widens when the email column keeps 30, not otherwise.
		{118, 17, 23, 0, memberColumns{email: 118 - 2 - 17 - 23 - 12 - 10 - 8, phone: 17, emailConsent: 23, sms: 12, joined: 10, gap: 2}},
		{98, 17, 23, 0, memberColumns{email: 98 - 2 - 17 - 13 - 12 - 10 - 8, phone: 17, emailConsent: 13, sms: 12, joined: 10, gap: 2}},
		{78, 17, 23, 0, memberColumns{email: 20, phone: 17, emailConsent: 13, sms: 12, joined: 10, gap: 1}},
		{200, 17, 50, 0, memberColumns{email: 200 - 2 - 17 - 36 - 12 - 10 - 8, phone: 17, emailConsent: 36, sms: 12, joined: 10, gap: 2}},
		// "cannot receive" (14) in the SMS column.
		{118, 17, 0, 14, memberColumns{email: 118 - 2 - 17 - 13 - 14 - 10 - 8, phone: 17, emailConsent: 13, sms: 14, joined: 10, gap: 2}},
		{78, 17, 0, 14, memberColumns{email: 78 - 2 - 17 - 13 - 14 - 3, phone: 17, emailConsent: 13, sms: 14, gap: 1}},
	}
	for _, tt := range tests {
		got := layoutMemberColumns(tt.width, tt.phone, tt.reason, tt.sms)
		if got != tt.want {
			t.Errorf("layoutMemberColumns(%d, %d, %d, %d) = %+v, want %+v", tt.width, tt.phone, tt.reason, tt.sms, got, tt.want)
		}
		if tt.want.joined > 0 && got.total() != tt.width {
			t.Errorf("layoutMemberColumns(%d, ...) is %d wide", tt.width, got.total())
		}
	}
}

// allMemberEmails pages through the whole list straight from the API, to
// compare the window with.
func allMemberEmails(t *testing.T, a *App, listID string) []string {
	t.Helper()
	var out []string
	q := client.MembersQuery{PageSize: client.MaxPageSize}
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
// view keeping at most 3 pages.
func windowedApp(t *testing.T) (*App, *membersView, []string) {
	t.Helper()
	a, id := membersApp(t, 100, 30, 5000)
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
		if i > 0 && p.prev == "" {
			t.Errorf("page %d kept has no prev link", i)
		}
	}
	if n != len(w.rows) {
		t.Fatalf("pages hold %d rows, %d kept", n, len(w.rows))
	}
	for i, r := range w.rows {
		if r.email != emails[w.first+i] {
			t.Fatalf("row %d kept (member %d) is %s, want %s", i, w.first+i+1, r.email, emails[w.first+i])
		}
	}
	if got := selectedLine(a); !strings.Contains(got, w.rows[w.win.cursor].email) {
		t.Fatalf("the cursor's row %q is not %s", got, w.rows[w.win.cursor].email)
	}
	start, end := w.win.span(v.visibleRows())
	if !strings.Contains(screen(a), "rows "+memberCount(w.first+start+1)+"–"+memberCount(w.first+end)+" ") {
		t.Fatalf("position line does not say rows %d–%d:\n%s", w.first+start+1, w.first+end, screen(a))
	}
}

// TestMembersKeepABoundedWindow scrolls a 5,000-member list to the end
// and back to the top, a screen at a time, with the view keeping 3 pages:
// never more than 300 rows are kept, pages dropped at the top are fetched
// again through links.prev on the way back, and the rows are the list's
// members in order all the way.
func TestMembersKeepABoundedWindow(t *testing.T) {
	a, v, emails := windowedApp(t)
	if len(emails) != 5000 {
		t.Fatalf("the API has %d members", len(emails))
	}
	for i := 0; !v.all.done || v.all.win.cursor < len(v.all.rows)-1; i++ {
		if i > 300 {
			t.Fatalf("the end not reached:\n%s", screen(a))
		}
		pressAndWait(t, a, tea.KeyPgDown, 0)
		checkWindow(t, a, v, emails)
	}
	wantScreen(t, a, "rows 4,976–5,000 · 300 kept of 5,000 loaded · all loaded", "› "+emails[4999])
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
	wantScreen(t, a, "rows 1–25 · 300 kept of 5,000 loaded · …more")
	if v.all.first != 0 || v.all.prev() != "" || v.Busy() != "" {
		t.Errorf("at the top: first %d, prev %q, busy %q", v.all.first, v.all.prev(), v.Busy())
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
	wantScreen(t, a, "rows 477–501 · 300 kept of 5,000 loaded · …more", "› "+emails[500])
}

// TestMembersHomeStartsAgainFromTheTop: a lookup works with pages
// dropped; home after the first pages were dropped fetches the list's
// first page again; end goes to the last row kept and on from there.
func TestMembersHomeStartsAgainFromTheTop(t *testing.T) {
	a, v, emails := windowedApp(t)
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
	a, v, emails := windowedApp(t)
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
		sendAndWait(t, a, answerTo(v, &v.loading, stale-1, membersPage{dir: dir, rows: []memberRow{{id: "STALE", email: "stale@example.com"}}, prev: "x", next: "y"}, nil))
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
	a, v, emails := windowedApp(t)
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

// TestMembersPageArrivesUnderAnotherView: the agent opens a profile while
// the next page is on its way. The page goes to the members view below
// (the root routes answers to the view that asked), so on coming back the
// rows are there and scrolling goes on loading; before, the answer went to
// the profile, was dropped, and the members view waited for ever.
func TestMembersPageArrivesUnderAnotherView(t *testing.T) {
	a, _ := membersApp(t, 100, 30, 250)
	v := membersOf(t, a)
	_, page2 := a.Update(tea.KeyPressMsg{Code: tea.KeyEnd})
	if v.Busy() != "loading members" {
		t.Fatalf("Busy() = %q while page 2 loads", v.Busy())
	}
	pressAndWait(t, a, tea.KeyEnter, 0)
	if _, ok := a.current().(*profileView); !ok {
		t.Fatalf("enter did not open the profile:\n%s", screen(a))
	}
	runCmdFully(t, a, page2, 0) // page 2 lands while the profile is on top
	pressAndWait(t, a, tea.KeyEscape, 0)
	if v.Busy() != "" || len(v.all.rows) != 200 {
		t.Fatalf("back on members: Busy() = %q, %d rows", v.Busy(), len(v.all.rows))
	}
	wantScreen(t, a, "rows 76–100 of 200 loaded")
	pressAndWait(t, a, tea.KeyEnd, 0)
	wantScreen(t, a, "of 250 loaded · all loaded")
}
