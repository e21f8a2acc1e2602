package ui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/internal/screentest"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
)

// Seeded demo profiles the tests rely on (the demo seed is deterministic).
const (
	// walkerPhone is James Walker's: SMS marketing and transactional
	// SUBSCRIBED, email UNSUBSCRIBED after a spam complaint.
	walkerPhone = "+1 617 547 5595"
	walkerE164  = "+16175475595"
	walkerID    = "01H834PHERBNZF1Y0NR55XHXMN"
	// fischerEmail is Lukas Fischer's: a German number, email SUBSCRIBED
	// through the API with a custom method detail.
	fischerEmail = "lukas.fischer@example.org"
)

// checkFor opens the check view, types input and presses enter.
func checkFor(t *testing.T, a *App, input string) {
	t.Helper()
	typeAndWait(t, a, "c")
	typeAndWait(t, a, input)
	pressAndWait(t, a, tea.KeyEnter, 0)
}

// historyEntries is the app's history, failing the test on an error.
func historyEntries(t *testing.T, a *App) []HistoryEntry {
	t.Helper()
	entries, err := a.c.history.Entries()
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// wantFits fails when the screen has more lines than height or a line
// wider than width.
func wantFits(t *testing.T, a *App, width, height int) {
	t.Helper()
	lines := strings.Split(screen(a), "\n")
	if len(lines) > height {
		t.Errorf("%dx%d: %d lines:\n%s", width, height, len(lines), screen(a))
	}
	for _, l := range lines {
		if w := lipgloss.Width(l); w > width {
			t.Errorf("%dx%d: line %q is %d wide", width, height, l, w)
		}
	}
}

// wantNotOnScreen fails when any of unwanted is on the screen.
func wantNotOnScreen(t *testing.T, a *App, unwanted ...string) {
	t.Helper()
	flat := screentest.Flat(screen(a))
	for _, u := range unwanted {
		if strings.Contains(flat, u) {
			t.Errorf("screen has %q:\n%s", u, screen(a))
		}
	}
}

// TestCheckPhoneShowsConsentCard: a seeded US number with consent: its card, every channel's facts, and the card's keys in the footer.
func TestCheckPhoneShowsConsentCard(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	checkFor(t, a, walkerPhone)
	wantScreen(t, a,
		"> "+walkerPhone, // the input is kept
		"✓ SMS consent can be recorded",
		"James Walker · "+walkerID,
		"james.walker@mail.example.com · +1 617-547-5595 · United States (US)",
		"Email marketing UNSUBSCRIBED · ✗ cannot receive · 2024-05-20 19:46 UTC",
		"method SPAM_COMPLAINT",
		"suppressed: SPAM_COMPLAINT since 2024-05-20",
		"SMS marketing SUBSCRIBED · ✓ can receive · 2024-05-05 04:52 UTC method TEXT · detail JOIN",
		"SMS transactional SUBSCRIBED · ✓ can receive · 2024-05-05 04:52 UTC method TEXT · detail JOIN",
		"enter look up • tab card: lists, unsubscribe, profile • esc back • ctrl+c quit",
	)
	wantNotOnScreen(t, a, "On 3 lists") // lists only on request
	wantFits(t, a, 80, 24)
}

// TestCheckSlovenianNumberRefusedForSMSAndNotFound: +386 is refused for SMS live, and looking it up finds no profile.
func TestCheckSlovenianNumberRefusedForSMSAndNotFound(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	typeAndWait(t, a, "c+386 31 234 567")
	wantScreen(t, a, "+386 31 234 567 · Slovenia (SI) · mobile",
		"✗ Slovenia (+386) is not an SMS country for this account — SMS consent would not be recorded.")
	pressAndWait(t, a, tea.KeyEnter, 0)
	wantScreen(t, a, "> +386 31 234 567", "✗ Slovenia (+386) is not an SMS country", "No profile found for +38631234567.")
	// With nothing found, the input keeps the keys: typing goes on.
	typeAndWait(t, a, "8")
	wantScreen(t, a, "> +386 31 234 5678")
}

// TestCheckEmailLookup: an email is normalised and looked up.
func TestCheckEmailLookup(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	checkFor(t, a, "Lukas.Fischer@Example.ORG")
	wantScreen(t, a, "> Lukas.Fischer@Example.ORG",
		"✓ Lukas.Fischer@example.org", // the domain is normalised for the lookup
		"Lukas Fischer",
		fischerEmail+" · +49 160 33520710 · Germany (DE)",
		"Email marketing SUBSCRIBED · ✓ can receive · 2022-06-30 07:23 UTC",
		"method API · custom detail Support TUI",
		"SMS marketing NEVER_SUBSCRIBED · ✗ cannot receive",
		"SMS transactional NEVER_SUBSCRIBED · ✗ cannot receive")
}

// TestCheckRefusesInvalidInputOnEnter: enter on what cannot be looked up says why, sends nothing, and clears nothing.
func TestCheckRefusesInvalidInputOnEnter(t *testing.T) {
	tests := []struct {
		name, typed, want string
	}{
		{"incomplete number", "+1 201 555", "✗ Not looked up: incomplete: +1 201 555 so far, finish the number."},
		{"letters", "+1 call", `✗ Not looked up: letters are not part of a phone number: remove "call"`},
		{"no country code", "201 555 0123", "✗ Not looked up: start with + and the country code"},
		{"bad email", "sarah@localhost", `✗ Not looked up: the domain "localhost" has no dot yet`},
		{"empty", "", "✗ Type a phone number (with + and the country code) or an email address."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _ := newSandboxApp(t, 80, 24)
			checkFor(t, a, tt.typed)
			wantScreen(t, a, "> "+tt.typed, tt.want)
			if b := a.busy(); b != "" {
				t.Errorf("refused input started %q", b)
			}
			wantNotOnScreen(t, a, "Looking up", "No profile found")
			// Typing on clears the refusal, never the input.
			typeAndWait(t, a, "9")
			wantScreen(t, a, "> "+tt.typed+"9")
			wantNotOnScreen(t, a, tt.want)
		})
	}
}

// TestCheckListsOnRequest: the lists are fetched only when l (on the card,
// after tab) asks; then the input has the keys again.
func TestCheckListsOnRequest(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	checkFor(t, a, walkerPhone)
	wantNotOnScreen(t, a, "On 3 lists")
	typeAndWait(t, a, "l") // typed: the input has the keys
	wantScreen(t, a, "> "+walkerPhone+"l")
	wantNotOnScreen(t, a, "On 3 lists", "James Walker")
	pressAndWait(t, a, tea.KeyBackspace, 0)
	wantScreen(t, a, "James Walker") // the input says what was looked up again
	pressAndWait(t, a, tea.KeyTab, 0)
	wantScreen(t, a, "enter profile • l lists • u unsubscribe • tab/esc back to typing • ? more keys")
	typeAndWait(t, a, "l")
	wantScreen(t, a, "On 3 lists: Newsletter (Y6nRLr, single opt-in) · SMS Flash Deals (138tNq, single opt-in) · Holiday Gift Guide (hgcHL6, single opt-in)",
		"enter look up • tab card")
	wantFits(t, a, 80, 24)
}

// unsubscribeFromCard goes to the card, opens the unsubscribe and presses
// down downs times on the channels, then enter.
func unsubscribeFromCard(t *testing.T, a *App, downs int) {
	t.Helper()
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, "u")
	for range downs {
		pressAndWait(t, a, tea.KeyDown, 0)
	}
	pressAndWait(t, a, tea.KeyEnter, 0)
}

// TestCheckUnsubscribeAsksFirst: tab, u, the channel, where, then a y/N
// naming the person and the scope: n, esc, enter and any other key send
// nothing; y unsubscribes and the card is read again.
func TestCheckUnsubscribeAsksFirst(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	checkFor(t, a, walkerPhone)

	// u: choose the channel on the card; only those with consent to
	// revoke are offered (email is already unsubscribed).
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, "u")
	wantScreen(t, a, "Unsubscribe which channel? (Not offered: Email marketing: already unsubscribed.)",
		"› SMS marketing SUBSCRIBED", "enter choose channel • ↑ up • ↓ down • esc cancel")
	pressAndWait(t, a, tea.KeyEnter, 0)
	wantScreen(t, a, "Unsubscribe SMS marketing where?", "› on the whole account",
		"through list Newsletter (Y6nRLr), taking them off it", "through list SMS Flash Deals (138tNq), taking them off it")
	pressAndWait(t, a, tea.KeyEnter, 0)
	wantScreen(t, a, "Unsubscribe James Walker (+1 617-547-5595) from SMS marketing on the whole account? y/N",
		"y yes • any other key no")

	for i, no := range []tea.KeyPressMsg{{Code: 'n', Text: "n"}, {Code: tea.KeyEscape}, {Code: tea.KeyEnter}, {Code: 'Y', Text: "Y"}, {Code: 'x', Text: "x"}} {
		if i > 0 {
			unsubscribeFromCard(t, a, 0)
			pressAndWait(t, a, tea.KeyEnter, 0) // the whole account
			wantScreen(t, a, "from SMS marketing on the whole account? y/N")
		}
		sendAndWait(t, a, no)
		wantScreen(t, a, "Not unsubscribed: nothing was sent.")
		if e := historyEntries(t, a); len(e) != 0 {
			t.Fatalf("%q recorded %+v", no.String(), e)
		}
		if no.Text != "" && no.Text != "n" { // a letter answers No and is typed on; n only answers
			wantScreen(t, a, "> "+walkerPhone+no.Text)
			pressAndWait(t, a, tea.KeyBackspace, 0)
		}
		wantScreen(t, a, "SMS marketing SUBSCRIBED · ✓ can receive")
	}

	unsubscribeFromCard(t, a, 0)
	pressAndWait(t, a, tea.KeyEnter, 0)
	// y unsubscribes, verifies, and the card is read again.
	typeAndWait(t, a, "y")
	wantScreen(t, a, "✓ SMS marketing: verified UNSUBSCRIBED",
		"SMS marketing UNSUBSCRIBED · ✗ cannot receive",
		"SMS transactional SUBSCRIBED · ✓ can receive") // only the chosen channel
	entries := historyEntries(t, a)
	if len(entries) != 1 {
		t.Fatalf("history = %+v", entries)
	}
	e := entries[0]
	if e.Action != "unsubscribe" || e.State != StateVerified || e.Request.Phone != walkerE164 || e.Request.ListID != "" ||
		len(e.Request.Channels) != 1 || e.Request.Channels[0] != model.SMSMarketing || e.Request.Email != "" {
		t.Errorf("history entry = %+v", e)
	}
	// The input has the keys again.
	wantScreen(t, a, "enter look up • tab card")
	wantFits(t, a, 80, 24)
}

// TestCheckUnsubscribeThroughAList: the scope can be one of the profile's
// lists; the question says so, and the entry goes through that list.
func TestCheckUnsubscribeThroughAList(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	checkFor(t, a, walkerPhone)
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, "u")
	pressAndWait(t, a, tea.KeyDown, 0) // SMS transactional
	pressAndWait(t, a, tea.KeyEnter, 0)
	pressAndWait(t, a, tea.KeyDown, 0) // the first list
	pressAndWait(t, a, tea.KeyEnter, 0)
	wantScreen(t, a, "Unsubscribe James Walker (+1 617-547-5595) from SMS transactional through list Newsletter (Y6nRLr)? Klaviyo takes them off that list as it records the unsubscribe. y/N")
	typeAndWait(t, a, "y")
	wantScreen(t, a, "✓ SMS transactional: verified UNSUBSCRIBED")
	if e := historyEntries(t, a); len(e) != 1 || e[0].Request.ListID != "Y6nRLr" || e[0].Request.Channels[0] != model.SMSTransactional {
		t.Errorf("history = %+v", e)
	}
}

// TestCheckTypingAfterALookupNeverReachesTheCard is the attack of issue 9:
// after a lookup, the next caller's emails typed with enter go to the
// query (each a new lookup), never to the card's unsubscribe, and a paste
// is typed too. Even on the card (after tab), typing goes back to the
// input, a letter that answers a step cancels it, and only y after the
// question (which names the person and scope) unsubscribes.
func TestCheckTypingAfterALookupNeverReachesTheCard(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	checkFor(t, a, walkerPhone)
	wantScreen(t, a, "James Walker")
	for range len(walkerPhone) {
		pressAndWait(t, a, tea.KeyBackspace, 0)
	}
	typeAndWait(t, a, "sue@example.com")
	wantScreen(t, a, "> sue@example.com")
	wantNotOnScreen(t, a, "James Walker", "Unsubscribe")
	pressAndWait(t, a, tea.KeyEnter, 0)
	wantScreen(t, a, "No profile found for sue@example.com.")
	typeAndWait(t, a, "yuki@example.com")
	wantScreen(t, a, "> sue@example.comyuki@example.com")
	sendAndWait(t, a, tea.PasteMsg{Content: " pasted"})
	wantScreen(t, a, "> sue@example.comyuki@example.com pasted")

	// On the card, a letter that is not the card's is typed into the
	// input; u opens the unsubscribe, and the typing that follows cancels
	// it, whatever it is.
	checkAgain := func() {
		for range 40 {
			pressAndWait(t, a, tea.KeyBackspace, 0)
		}
		typeAndWait(t, a, walkerPhone)
		pressAndWait(t, a, tea.KeyEnter, 0)
		wantScreen(t, a, "James Walker")
	}
	checkAgain()
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, "x") // s, y, Y, j and k are the card's now
	wantScreen(t, a, "> "+walkerPhone+"x")
	checkAgain()
	pressAndWait(t, a, tea.KeyTab, 0)
	for _, typed := range []string{"usue@example.com\ryuki", "u\r\rsue", "u\r\rnyuki"} {
		for _, r := range typed {
			if r == '\r' {
				pressAndWait(t, a, tea.KeyEnter, 0)
			} else {
				typeAndWait(t, a, string(r))
			}
		}
		if e := historyEntries(t, a); len(e) != 0 {
			t.Fatalf("typing %q unsubscribed: %+v", typed, e)
		}
		checkAgain()
		pressAndWait(t, a, tea.KeyTab, 0)
	}
}

// TestCheckUnsubscribeDownChoosesAnotherChannel: the arrows move between
// the channels that have consent to revoke.
func TestCheckUnsubscribeDownChoosesAnotherChannel(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	checkFor(t, a, walkerPhone)
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, "u")
	pressAndWait(t, a, tea.KeyDown, 0)
	wantScreen(t, a, "› SMS transactional")
	pressAndWait(t, a, tea.KeyUp, 0)
	pressAndWait(t, a, tea.KeyUp, 0)
	wantScreen(t, a, "› SMS marketing") // email is not offered: already unsubscribed
	wantNotOnScreen(t, a, "› Email marketing")
}

// TestCheckNothingToUnsubscribe: a profile with no consent to revoke says
// so, and offers nothing.
func TestCheckNothingToUnsubscribe(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	checkFor(t, a, walkerPhone)
	for _, ch := range []int{0, 0} { // SMS marketing, then SMS transactional
		unsubscribeFromCard(t, a, ch)
		pressAndWait(t, a, tea.KeyEnter, 0)
		typeAndWait(t, a, "y")
	}
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, "u")
	wantScreen(t, a, "Nothing to unsubscribe: Email marketing: already unsubscribed; SMS marketing: already unsubscribed; SMS transactional: already unsubscribed.")
	wantNotOnScreen(t, a, "Unsubscribe which channel?")
}

// TestCheckEnterOpensProfile: tab, enter opens the profile; esc returns to the check as it was.
func TestCheckEnterOpensProfile(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	checkFor(t, a, walkerPhone)
	pressAndWait(t, a, tea.KeyTab, 0)
	pressAndWait(t, a, tea.KeyEnter, 0)
	wantScreen(t, a, "Consent Desk · profile", "James Walker · "+walkerID, "SMS marketing SUBSCRIBED")
	pressAndWait(t, a, tea.KeyEscape, 0)
	wantScreen(t, a, "Consent Desk · check", "> "+walkerPhone, "James Walker")
}

// TestCheckAnotherQueryPutsTheCardAway: editing the input after a lookup
// hides the card (it is not about what the input says), and enter looks
// the new one up.
func TestCheckAnotherQueryPutsTheCardAway(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	checkFor(t, a, walkerPhone)
	for range len(walkerPhone) {
		pressAndWait(t, a, tea.KeyBackspace, 0)
	}
	wantNotOnScreen(t, a, "James Walker", "SMS marketing SUBSCRIBED")
	typeAndWait(t, a, fischerEmail)
	wantScreen(t, a, "enter looks this up (the card of "+walkerE164+" is put away).", "enter look up • esc back • ctrl+c quit")
	pressAndWait(t, a, tea.KeyTab, 0) // no card to go to
	wantScreen(t, a, "The number or email changed since the lookup: enter looks it up first.")
	pressAndWait(t, a, tea.KeyEnter, 0)
	wantScreen(t, a, "Lukas Fischer")
	wantNotOnScreen(t, a, "James Walker")
}

// TestCheckAPIErrorShownVerbatimInputKept: a failed lookup shows Klaviyo's error as it came and keeps the input.
func TestCheckAPIErrorShownVerbatimInputKept(t *testing.T) {
	a := newSandboxAppWith(t, 100, 24, sandbox.Options{FailRate: 1}, nil)
	checkFor(t, a, walkerPhone)
	wantScreen(t, a, "> "+walkerPhone,
		"✗ Klaviyo answered 503 Service Unavailable to GET /api/profiles: The service is temporarily unavailable (injected fault). Try again later.")
	typeAndWait(t, a, "6") // the input still has the keys
	wantScreen(t, a, "> "+walkerPhone+"6")
}

// TestCheckAPIErrorSanitised: an error detail carrying terminal escapes is
// shown as text, without them.
func TestCheckAPIErrorSanitised(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.api+json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"errors":[{"id":"x","status":400,"code":"invalid","title":"Invalid input.",` +
			`"detail":"The filter \u001b[2Jis not valid\u202e here.","source":{"parameter":"filter"}}]}`))
	}))
	t.Cleanup(srv.Close)
	a := newClientApp(t, 100, 24, client.Options{BaseURL: srv.URL}, nil)
	checkFor(t, a, "sarah@example.com")
	wantScreen(t, a, "> sarah@example.com", "✗ Klaviyo answered 400 Bad Request to GET /api/profiles: The filter is not valid here. (at filter)")
	if raw := a.View().Content; strings.Contains(raw, "\x1b[2J") || strings.Contains(raw, "\u202e") {
		t.Errorf("the error reached the screen with its escapes: %q", raw)
	}
}

// TestCheckDropsStaleLookups: an answer to a lookup that is no longer
// the current one is dropped.
func TestCheckDropsStaleLookups(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	v := newCheckView(a.c)
	v.SetSize(78, 20)
	v.input.SetValue(fischerEmail)
	v.analyse()
	first := v.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	v.input.SetValue(walkerPhone)
	v.analyse()
	second := v.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	v.Update(first())
	if !strings.Contains(v.View(), "Looking up "+walkerE164) || strings.Contains(v.View(), "Lukas") {
		t.Fatalf("a stale answer was shown:\n%s", v.View())
	}
	v.Update(second())
	if !strings.Contains(v.View(), "James Walker") {
		t.Fatalf("the current answer was not shown:\n%s", v.View())
	}
}

// TestCheckEscCancelsALookup: esc during a lookup cancels it and stays; its late answer is dropped.
func TestCheckEscCancelsALookup(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	typeAndWait(t, a, "c"+walkerPhone)
	_, lookup := a.Update(tea.KeyPressMsg{Code: tea.KeyEnter}) // not run yet
	wantScreen(t, a, "Looking up "+walkerE164+"… (esc cancels)", "esc cancel")
	if a.busy() != "looking up" {
		t.Errorf("busy = %q", a.busy())
	}
	press(t, a, tea.KeyEscape, 0)
	wantScreen(t, a, "Consent Desk · check", "Lookup cancelled.", "> "+walkerPhone)
	runCmdFully(t, a, lookup, 0) // its answer comes late and is dropped
	wantNotOnScreen(t, a, "James Walker")
}

// TestCheckHelpListsEveryCardKey: ? on the card lists every key with its full description.
func TestCheckHelpListsEveryCardKey(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	checkFor(t, a, walkerPhone)
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, "?")
	wantScreen(t, a, "enter open profile", "l lists the profile is on", "u unsubscribe a channel", "tab/esc back to typing", "? more keys", "ctrl+c quit")
}

// TestCheckFitsAnySize: every line fits the window, at any size and after a resize.
func TestCheckFitsAnySize(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {60, 20}, {40, 12}, {200, 60}, {20, 5}} {
		a, _ := newSandboxApp(t, size[0], size[1])
		checkFor(t, a, walkerPhone)
		pressAndWait(t, a, tea.KeyTab, 0)
		typeAndWait(t, a, "l")
		wantFits(t, a, size[0], size[1])
		pressAndWait(t, a, tea.KeyTab, 0)
		typeAndWait(t, a, "u")
		wantFits(t, a, size[0], size[1])
		pressAndWait(t, a, tea.KeyEnter, 0)
		wantFits(t, a, size[0], size[1])
		pressAndWait(t, a, tea.KeyEnter, 0)
		wantFits(t, a, size[0], size[1])
		send(t, a, tea.WindowSizeMsg{Width: size[0] + 30, Height: size[1]})
		wantFits(t, a, size[0]+30, size[1])
	}
}

// TestCheckCardRefreshedAfterTheProfileChangedIt: unsubscribing in the
// profile opened from a check, then going back, shows the check's card as
// Klaviyo now has it, not as it was.
func TestCheckCardRefreshedAfterTheProfileChangedIt(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	checkFor(t, a, walkerPhone)
	wantScreen(t, a, "SMS marketing SUBSCRIBED · ✓ can receive")
	pressAndWait(t, a, tea.KeyTab, 0)
	pressAndWait(t, a, tea.KeyEnter, 0) // the profile
	typeAndWait(t, a, "u")
	pressAndWait(t, a, tea.KeyEnter, 0)
	pressAndWait(t, a, tea.KeyEnter, 0)
	typeAndWait(t, a, "y")
	wantScreen(t, a, "Consent Desk · profile", "SMS marketing UNSUBSCRIBED")
	pressAndWait(t, a, tea.KeyEscape, 0)
	wantScreen(t, a, "Consent Desk · check", "SMS marketing UNSUBSCRIBED · ✗ cannot receive")
}
