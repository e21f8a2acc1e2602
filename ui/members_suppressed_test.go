package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
)

// newsletterID is the demo sandbox's single opt-in Newsletter.
const newsletterID = "Y6nRLr"

// newsletterApp returns the UI on the demo sandbox with the Newsletter's
// members open, as an agent opens them (m, the list's name, enter), and the
// list's first page as the API returns it.
func newsletterApp(t *testing.T, width, height int) (*App, []client.Profile) {
	t.Helper()
	a, _ := newSandboxApp(t, width, height)
	typeAndWait(t, a, "m")
	typeAndWait(t, a, "Newsletter")
	pressAndWait(t, a, tea.KeyEnter, 0)
	membersOf(t, a)
	return a, firstMembers(t, a, newsletterID, client.MaxPageSize)
}

// memberIndex is the index of the first profile whose email marketing
// consent matches, failing the test when the demo seed has none early
// enough to be on the first screen.
func memberIndex(t *testing.T, profiles []client.Profile, what string, match func(model.ChannelConsent) bool) int {
	t.Helper()
	for i, p := range profiles {
		if match(p.Subscriptions.Channel(model.EmailMarketing)) {
			return i
		}
	}
	t.Fatalf("no Newsletter member in the first page is %s", what)
	return -1
}

// hardBounced matches a SUBSCRIBED email with a hard bounce.
func hardBounced(c model.ChannelConsent) bool {
	return c.Suppressed() && len(c.Suppressions) == 1 && c.Suppressions[0].Reason == model.ReasonHardBounce
}

// rowLine is the screen line of the i-th row on screen.
func rowLine(t *testing.T, a *App, i int) string {
	t.Helper()
	lines := strings.Split(screen(a), "\n")
	h := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "email consent") })
	if h < 0 || h+1+i >= len(lines) {
		t.Fatalf("no header, or no row %d:\n%s", i, screen(a))
	}
	return lines[h+1+i]
}

// emailConsentCell is what a row's email consent cell says: the row's
// text under the header's "email consent", up to "SMS consent" (the
// header is ASCII, and every character of a row is one cell wide).
func emailConsentCell(t *testing.T, a *App, row string) string {
	t.Helper()
	header := rowLine(t, a, -1)
	from, to := strings.Index(header, "email consent"), strings.Index(header, "SMS consent")
	cells := []rune(row)
	if from < 0 || to < from || to > len(cells) {
		t.Fatalf("row %q does not fit under the header %q", row, header)
	}
	return strings.TrimSpace(string(cells[from:to]))
}

// TestMembersShowSuppressedSubscribers: a member whose email consent is
// SUBSCRIBED but hard-bounced is shown as suppressed, not subscribed, in
// words (and in the bad style), on the cursor's row and the others; wide
// windows say why. A member suppressed on this list alone likewise.
func TestMembersShowSuppressedSubscribers(t *testing.T) {
	tests := []struct {
		width, height int
		reasons       bool
	}{
		{80, 24, false},
		{60, 22, false}, // the hard-bounced member is the 16th as members joined
		{120, 30, true},
		{200, 40, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%dx%d", tt.width, tt.height), func(t *testing.T) {
			a, profiles := newsletterApp(t, tt.width, tt.height)
			i := memberIndex(t, profiles, "hard-bounced", hardBounced)
			if i >= membersOf(t, a).visibleRows() {
				t.Fatalf("the hard-bounced member is row %d, below the first screen", i)
			}
			want := "suppressed"
			if tt.reasons {
				want = "suppressed: hard bounce"
			}
			check := func(where, row string) {
				t.Helper()
				if cell := emailConsentCell(t, a, row); cell != want {
					t.Errorf("%s: %s's email consent is %q, want %q: %q", where, profiles[i].Email, cell, want, row)
				}
			}
			check("row", rowLine(t, a, i))
			bad := membersOf(t, a).paint().bad
			if bad.before != "" && !strings.Contains(a.View().Content, bad.before+"suppressed") {
				t.Errorf("the suppressed word is not in the bad style:\n%q", a.View().Content)
			}
			for range i {
				pressAndWait(t, a, tea.KeyDown, 0)
			}
			check("cursor row", selectedLine(a))

			j := memberIndex(t, profiles, "suppressed on the Newsletter only", func(c model.ChannelConsent) bool {
				return c.Consent == model.Subscribed && c.CanReceive && len(c.ListSuppressions) > 0 && c.ListSuppressions[0].ListID == newsletterID
			})
			for range j - i {
				pressAndWait(t, a, tea.KeyDown, 0)
			}
			want = "suppressed"
			if tt.reasons {
				want = "suppressed on this list"
			}
			if row := selectedLine(a); emailConsentCell(t, a, row) != want {
				t.Errorf("%s (suppressed on the list): email consent is %q, want %q: %q", profiles[j].Email, emailConsentCell(t, a, row), want, row)
			}
		})
	}
}

// TestMembersConsentChanged: after an unsubscribe, ConsentChanged puts the
// profile's new consent in its rows, in the lookup's answer and in the
// list behind it, keeping the join date; a profile not shown, or read
// without subscriptions, changes nothing.
func TestMembersConsentChanged(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {60, 20}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			a, profiles := newsletterApp(t, size[0], size[1])
			v := membersOf(t, a)
			i := memberIndex(t, profiles, "subscribed and able to receive", func(c model.ChannelConsent) bool {
				return c.Consent == model.Subscribed && c.CanReceive && len(c.ListSuppressions) == 0
			})
			p := profiles[i]
			joined := "" // the joined column, when there is room for it
			if strings.Contains(rowLine(t, a, -1), "joined") {
				joined = p.JoinedGroupAt[:10]
			}
			if row := rowLine(t, a, i); emailConsentCell(t, a, row) != "subscribed" {
				t.Fatalf("%s's row before: %q", p.Email, row)
			}
			// Look the member up, then unsubscribe them in Klaviyo.
			typeAndWait(t, a, "/"+p.Email)
			pressAndWait(t, a, tea.KeyEnter, 0)
			wantScreen(t, a, "lookup: email "+p.Email, "rows 1–1 of 1 loaded")
			req, problems := model.ConsentRequest{Email: p.Email, Channels: []model.Channel{model.EmailMarketing}}.Check(a.c.rules)
			if len(problems) > 0 {
				t.Fatal(problems)
			}
			ctx := context.Background()
			if _, err := a.c.client.Unsubscribe(ctx, req); err != nil {
				t.Fatal(err)
			}
			after, err := a.c.client.Profile(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			before := screen(a)
			v.ConsentChanged(client.Profile{ID: "01NOTSHOWN", Email: "not.shown@example.com", Subscriptions: after.Subscriptions})
			v.ConsentChanged(client.Profile{ID: p.ID, Email: p.Email})
			if screen(a) != before {
				t.Errorf("a profile not shown, or without subscriptions, changed the screen:\n%s", screen(a))
			}
			v.ConsentChanged(after)
			if row := selectedLine(a); emailConsentCell(t, a, row) != "unsubscribed" || !strings.Contains(row, joined) {
				t.Errorf("the lookup's row after ConsentChanged: %q", row)
			}
			pressAndWait(t, a, tea.KeyEscape, 0)
			if row := rowLine(t, a, i); emailConsentCell(t, a, row) != "unsubscribed" || !strings.Contains(row, joined) {
				t.Errorf("the list's row after ConsentChanged: %q", row)
			}
		})
	}
}
