package ui

import (
	"cmp"
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
)

// memberText is how a member starts on a screen 80 columns wide: the
// email's first 15 characters (the synthetic ones are unique that far,
// "member6261@memb"), or the phone for a member without one.
func memberText(p client.Profile) string {
	if len(p.Email) > 15 {
		return p.Email[:15]
	}
	return cmp.Or(p.Email, p.PhoneNumber)
}

// wantRowsOnScreen fails unless the rows on screen, top to bottom, are
// members, in order.
func wantRowsOnScreen(t *testing.T, a *App, members []client.Profile) {
	t.Helper()
	for i, p := range members {
		if line := rowLine(t, a, i); !strings.Contains(line, " "+memberText(p)) || !strings.Contains(line, p.PhoneNumber) {
			t.Fatalf("screen row %d is %q, want %s:\n%s", i, line, memberText(p), screen(a))
		}
	}
}

// reversed is the profiles in the other order.
func reversed(ps []client.Profile) []client.Profile {
	out := make([]client.Profile, len(ps))
	for i, p := range ps {
		out[len(ps)-1-i] = p
	}
	return out
}

// TestMembersEndOfABigList: on a list of 100,000 members, the count is on
// screen; G (end) shows the list's newest members, as the reversed order's
// first page reads them, at rows 99,982–100,000, the cursor on the last;
// k (up) across the page boundary loads the page above and numbers it on;
// g (home) comes back to the first member.
func TestMembersEndOfABigList(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 100,000 members")
	}
	a, id := membersApp(t, 80, 24, 100_000)
	v := membersOf(t, a)
	visible := v.visibleRows()
	wantScreen(t, a, "rows 1–"+memberCount(visible)+" of 100,000")
	newest := lastMembers(t, a, id, 2*membersPageSize) // newest first
	oldest := firstMembers(t, a, id, visible)

	// The 1 s budget is measured by BenchmarkMembersEnd (BENCHMARKS.md),
	// never asserted on a clock here.
	typeAndWait(t, a, "G")
	wantScreen(t, a, "rows "+memberCount(100_000-visible+1)+"–100,000 of 100,000")
	wantRowsOnScreen(t, a, reversed(newest[:visible]))
	if line := selectedLine(a); !strings.Contains(line, memberText(newest[0])) {
		t.Fatalf("the cursor is on %q, want the last member %s", line, memberText(newest[0]))
	}
	if len(v.all.rows) != membersPageSize || !v.all.fromEnd {
		t.Fatalf("%d rows kept from the end (%t) after G", len(v.all.rows), v.all.fromEnd)
	}

	// Up a page and one: the member above the end's page is the 101st
	// newest, row 99,900, come through the reversed order's links.next.
	for range membersPageSize {
		typeAndWait(t, a, "k")
	}
	if line := selectedLine(a); !strings.Contains(line, memberText(newest[membersPageSize])) {
		t.Fatalf("the cursor is on %q, want member 99,900 %s:\n%s", line, memberText(newest[membersPageSize]), screen(a))
	}
	wantScreen(t, a, "rows "+memberCount(100_000-membersPageSize)+"–"+memberCount(100_000-membersPageSize+visible-1)+" of 100,000")
	wantRowsOnScreen(t, a, reversed(newest[membersPageSize-visible+1:membersPageSize+1]))
	if len(v.all.rows) != 2*membersPageSize {
		t.Errorf("%d rows kept, want the end's two pages", len(v.all.rows))
	}

	typeAndWait(t, a, "g")
	wantScreen(t, a, "rows 1–"+memberCount(visible)+" of 100,000")
	wantRowsOnScreen(t, a, oldest)
	if line := selectedLine(a); !strings.Contains(line, memberText(oldest[0])) {
		t.Errorf("the cursor is on %q, want the first member %s", line, memberText(oldest[0]))
	}
	if v.all.fromEnd || len(v.all.rows) != membersPageSize {
		t.Errorf("after g: from the end %t, %d rows kept", v.all.fromEnd, len(v.all.rows))
	}
}

// TestMembersKeysWithACount presses each table key from the top of a
// counted 250-member list on a 25-row window: end and G jump to the real
// end, home and g come back.
func TestMembersKeysWithACount(t *testing.T) {
	tests := []struct {
		name string
		keys []tea.KeyPressMsg
		want string
	}{
		{"the count", nil, "rows 1–25 of 250"},
		{"end jumps to the last member", []tea.KeyPressMsg{{Code: tea.KeyEnd}}, "rows 226–250 of 250"},
		{"G is end", []tea.KeyPressMsg{{Code: 'G', Text: "G"}}, "rows 226–250 of 250"},
		{"end, then up a screen", []tea.KeyPressMsg{{Code: tea.KeyEnd}, {Code: tea.KeyPgUp}}, "rows 225–249 of 250"},
		{"end, then up past the end's page", []tea.KeyPressMsg{{Code: tea.KeyEnd}, {Code: tea.KeyPgUp}, {Code: tea.KeyPgUp}, {Code: tea.KeyPgUp}, {Code: tea.KeyPgUp}, {Code: tea.KeyPgUp}}, "rows 125–149 of 250"},
		{"end, end stays", []tea.KeyPressMsg{{Code: tea.KeyEnd}, {Code: tea.KeyEnd}}, "rows 226–250 of 250"},
		{"home after end", []tea.KeyPressMsg{{Code: tea.KeyEnd}, {Code: tea.KeyHome}}, "rows 1–25 of 250"},
		{"g is home", []tea.KeyPressMsg{{Code: tea.KeyEnd}, {Code: 'g', Text: "g"}}, "rows 1–25 of 250"},
		{"down stays on the first screen", []tea.KeyPressMsg{{Code: tea.KeyDown}}, "rows 1–25 of 250"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, id := membersApp(t, 100, 30, 250)
			for _, k := range tt.keys {
				sendAndWait(t, a, k)
			}
			wantScreen(t, a, tt.want)
			checkWindow(t, a, membersOf(t, a), allMemberEmails(t, a, id))
		})
	}
}

// TestMembersWindowFromTheEnd: from the end of a counted 5,000-member
// list, keeping 3 pages, up a screen at a time to the top and back down:
// never more than 300 rows kept, every row the list's member at its
// number, pages dropped at the bottom fetched again through the reversed
// order's links.prev.
func TestMembersWindowFromTheEnd(t *testing.T) {
	a, v, emails := windowedApp(t, true)
	pressAndWait(t, a, tea.KeyEnd, 0)
	checkWindow(t, a, v, emails)
	wantScreen(t, a, "rows 4,976–5,000 of 5,000", "› "+emails[4999])
	for i := 0; !v.all.topKept() || v.all.win.cursor > 0; i++ {
		if i > 300 {
			t.Fatalf("the top not reached:\n%s", screen(a))
		}
		pressAndWait(t, a, tea.KeyPgUp, 0)
		checkWindow(t, a, v, emails)
	}
	wantScreen(t, a, "rows 1–25 of 5,000", "› "+emails[0])
	if !v.all.fromEnd || v.all.after != 4700 || v.Busy() != "" {
		t.Errorf("at the top: from the end %t, %d rows after those kept (want 4,700), busy %q", v.all.fromEnd, v.all.after, v.Busy())
	}
	for range 20 {
		pressAndWait(t, a, tea.KeyPgDown, 0)
		checkWindow(t, a, v, emails)
	}
	wantScreen(t, a, "rows 477–501 of 5,000", "› "+emails[500])
}

// TestMembersEndDropsALateAnswer: a page asked for before g lands after
// it, and a jump to the end asked for before g lands after g's first page:
// neither reaches the window.
func TestMembersEndDropsALateAnswer(t *testing.T) {
	a, v, emails := windowedApp(t, true)
	_, jump := a.Update(tea.KeyPressMsg{Code: 'G', Text: "G"})
	if jump == nil || !v.loading.running() {
		t.Fatal("G asked for nothing")
	}
	// g before the jump's answer: the rows kept start at the first member,
	// so nothing is fetched, and the jump is abandoned.
	pressAndWait(t, a, tea.KeyHome, 0)
	runCmdFully(t, a, jump, 0)
	checkWindow(t, a, v, emails)
	wantScreen(t, a, "rows 1–25 of 5,000", "› "+emails[0])
	if v.all.fromEnd {
		t.Error("the abandoned jump reached the window")
	}
}

// TestMembersCountFailureKeepsTheView: the count failing changes nothing
// the agent sees but the total: no error, the rows loaded counted, and G
// goes to the last row loaded and loads the next page.
func TestMembersCountFailureKeepsTheView(t *testing.T) {
	a, _ := membersAppUncounted(t, 100, 30, 250)
	v := membersOf(t, a)
	wantScreen(t, a, "rows 1–25 of 100 loaded · …more")
	if v.err != nil || v.all.counted || strings.Contains(screen(a), "✗") {
		t.Fatalf("the count's failure shows (err %v):\n%s", v.err, screen(a))
	}
	typeAndWait(t, a, "G")
	wantScreen(t, a, "rows 76–100 of 200 loaded · …more")
	if v.all.fromEnd {
		t.Error("G read from the end without a count")
	}
}

// TestMembersStaleCount: a count the list no longer matches is caught by
// the walk from the end: at the top, the rows are numbered from 1 and the
// total is what the walk counted, never a row twice or numbered wrong.
func TestMembersStaleCount(t *testing.T) {
	a, id := membersApp(t, 100, 30, 250)
	v := membersOf(t, a)
	v.all.setTotal(300) // as if 50 members had left since Klaviyo counted
	emails := allMemberEmails(t, a, id)
	typeAndWait(t, a, "G")
	wantScreen(t, a, "rows 276–300 of 300") // what the count says, until the walk knows better
	for range 10 {
		pressAndWait(t, a, tea.KeyPgUp, 0)
	}
	wantScreen(t, a, "rows 1–25 of 250", "› "+emails[0])
	checkWindow(t, a, v, emails)
}

// TestMembersContextCancelledOnBack: esc abandons the count too.
func TestMembersContextCancelledOnBack(t *testing.T) {
	a, _ := membersApp(t, 100, 30, 250)
	v := membersOf(t, a)
	v.counting.start(context.Background(), v, func(context.Context) (int, error) { return 0, nil })
	pressAndWait(t, a, tea.KeyEscape, 0)
	if v.counting.running() {
		t.Error("the count still runs after esc")
	}
}
