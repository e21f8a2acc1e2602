package ui

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

// bigListName is the list the members tests load into the sandbox.
const bigListName = "Big Members"

// membersApp returns the UI on the sandbox with a list of n synthetic
// members added, opened the way an agent opens it: m on home, the list's
// name typed into the picker, enter. It returns the list's id. The view
// has the list's member count.
func membersApp(t *testing.T, width, height, n int) (*App, string) {
	t.Helper()
	a, sb := newSandboxApp(t, width, height)
	return a, openBigList(t, a, sb, n)
}

// membersAppUncounted is membersApp on a sandbox whose list counts fail
// (noCounts): the view goes on without one, as before counts existed.
func membersAppUncounted(t *testing.T, width, height, n int) (*App, string) {
	t.Helper()
	sb := sandboxtest.Open(t, sandbox.Options{})
	a := newClientApp(t, width, height, client.Options{BaseURL: "http://sandbox.invalid", Transport: noCounts{sb.Transport()}}, nil)
	return a, openBigList(t, a, sb, n)
}

// noCounts answers every request for a list's member count with a 503,
// and passes the others to next.
type noCounts struct{ next http.RoundTripper }

func (n noCounts) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.Contains(r.URL.Query().Get("additional-fields[list]"), "profile_count") {
		return n.next.RoundTrip(r)
	}
	body := `{"errors":[{"status":"503","code":"unavailable","title":"Unavailable","detail":"counts are off"}]}`
	return &http.Response{StatusCode: http.StatusServiceUnavailable, Status: "503 Service Unavailable", Request: r,
		Header: http.Header{"Content-Type": {"application/vnd.api+json"}}, Body: io.NopCloser(strings.NewReader(body))}, nil
}

// openBigList adds n synthetic members to bigListName and opens the list.
func openBigList(t *testing.T, a *App, sb *sandbox.Sandbox, n int) string {
	t.Helper()
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
	return id
}

// firstMembers reads the list's first n members straight from the API, in
// the view's order (as they joined, oldest first), to compare the screen
// with.
func firstMembers(t *testing.T, a *App, listID string, n int) []client.Profile {
	t.Helper()
	return membersSorted(t, a, listID, n, client.SortJoined)
}

// lastMembers is the list's last n members, newest first: the reversed
// order's first page.
func lastMembers(t *testing.T, a *App, listID string, n int) []client.Profile {
	t.Helper()
	return membersSorted(t, a, listID, n, client.SortJoinedDesc)
}

// membersSorted is the first n members in order sort, page after page.
func membersSorted(t *testing.T, a *App, listID string, n int, sort string) []client.Profile {
	t.Helper()
	var out []client.Profile
	q := client.MembersQuery{PageSize: min(n, client.MaxPageSize), Sort: sort}
	for len(out) < n {
		page, err := a.c.client.Members(context.Background(), listID, q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Profiles...)
		if page.Next == "" {
			break
		}
		q = client.MembersQuery{Next: page.Next}
	}
	return out[:min(n, len(out))]
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
		"rows 1–25 of 250")
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
// 250-member list on a 25-row window and reads the position line, with no
// member count (it failed): end goes to the last row loaded and loads on
// from there, as before counts existed.
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
			a, _ := membersAppUncounted(t, 100, 30, 250)
			for _, k := range tt.keys {
				sendAndWait(t, a, k)
			}
			wantScreen(t, a, tt.want)
			if v := membersOf(t, a); v.all.counted || v.err != nil || strings.Contains(screen(a), "✗") {
				t.Errorf("the failed count reached the view (counted %t, err %v):\n%s", v.all.counted, v.err, screen(a))
			}
		})
	}
}

// TestMembersPrefetchesBeforeTheEnd walks down one row at a time: the
// second page is asked for half a page before the end of the first, and
// the window scrolls with the cursor.
func TestMembersPrefetchesBeforeTheEnd(t *testing.T) {
	a, _ := membersApp(t, 100, 30, 250)
	v := membersOf(t, a)
	for range membersPrefetch - 1 {
		pressAndWait(t, a, tea.KeyDown, 0)
	}
	wantScreen(t, a, "rows 26–50 of 250")
	if len(v.all.rows) != 100 {
		t.Fatalf("%d rows loaded before the margin", len(v.all.rows))
	}
	pressAndWait(t, a, tea.KeyDown, 0)
	wantScreen(t, a, "rows 27–51 of 250")
	if len(v.all.rows) != 200 {
		t.Errorf("%d rows loaded at the margin, want the second page", len(v.all.rows))
	}
}

// TestMembersDropsStaleAnswers: an answer to a request that is no longer
// current changes nothing, whether it is an old number or a page the agent
// stopped waiting for by starting a lookup.
func TestMembersDropsStaleAnswers(t *testing.T) {
	a, id := membersAppUncounted(t, 100, 30, 250)
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
			wantScreen(t, a, "rows 1–25 of 250")
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
		{"sarah@localhost", `✗ the domain "localhost" has no dot yet`},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			a, _ := membersApp(t, 100, 30, 250)
			v := membersOf(t, a)
			seq := v.loading.seq
			typeAndWait(t, a, "/"+tt.typed)
			pressAndWait(t, a, tea.KeyEnter, 0)
			wantScreen(t, a, "find: "+tt.typed, tt.reason, "rows 1–", "of 250")
			if v.loading.seq != seq || v.found != nil || !v.typing {
				t.Errorf("refused input was sent or closed the line (seq %d→%d)", seq, v.loading.seq)
			}
			// Editing clears the refusal; esc leaves with the list intact.
			pressAndWait(t, a, tea.KeyBackspace, 0)
			if v.refusal != "" {
				t.Errorf("refusal kept after an edit: %q", v.refusal)
			}
			pressAndWait(t, a, tea.KeyEscape, 0)
			wantScreen(t, a, "rows 1–25 of 250")
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
	a, _ := membersAppUncounted(t, 100, 30, 250)
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

// TestMembersPageArrivesUnderAnotherView: the agent opens a profile while
// the next page is on its way. The page goes to the members view below
// (the root routes answers to the view that asked), so on coming back the
// rows are there and scrolling goes on loading; before, the answer went to
// the profile, was dropped, and the members view waited for ever.
func TestMembersPageArrivesUnderAnotherView(t *testing.T) {
	a, _ := membersAppUncounted(t, 100, 30, 250)
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
