package ui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/client/sandbox"
	"github.com/consentdesk/consent/internal/screentest"
	"github.com/consentdesk/consent/model"
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
		"enter profile • l lists • u unsubscribe • / new check • esc back • ? more keys",
	)
	wantNotOnScreen(t, a, "On 3 lists") // lists only on request
	wantFits(t, a, 80, 24)
}

// TestCheckSlovenianNumberRefusedForSMSAndNotFound: +386 is refused for SMS live, and looking it up finds no profile.
func TestCheckSlovenianNumberRefusedForSMSAndNotFound(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	typeAndWait(t, a, "c+386 31 234 567")
	wantScreen(t, a, "+386 31 234 567 · Slovenia (SI) · MOBILE",
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
		{"incomplete number", "+1 201 555", "✗ Not looked up: keep typing"},
		{"letters", "+1 call", `✗ Not looked up: letters are not part of a phone number: remove "call"`},
		{"no country code", "201 555 0123", "✗ Not looked up: start with + and the country code"},
		{"bad email", "sarah@localhost", `✗ Not looked up: the domain "localhost" needs a dot`},
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

// TestCheckListsOnRequest: the lists are fetched only when l asks.
func TestCheckListsOnRequest(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	checkFor(t, a, walkerPhone)
	wantNotOnScreen(t, a, "On 3 lists")
	typeAndWait(t, a, "l")
	wantScreen(t, a, "On 3 lists: Newsletter (Y6nRLr, single opt-in) · SMS Flash Deals (138tNq, single opt-in) · Holiday Gift Guide (hgcHL6, single opt-in)")
	wantFits(t, a, 80, 24)
}

// TestCheckUnsubscribeAsksFirst: u, choose, y/n: n and esc send nothing; y unsubscribes and the card is read again.
func TestCheckUnsubscribeAsksFirst(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	checkFor(t, a, walkerPhone)

	// u: choose the channel on the card; the first subscribed is offered.
	typeAndWait(t, a, "u")
	wantScreen(t, a, "Unsubscribe which channel?", "› SMS marketing SUBSCRIBED", "↑ up • ↓ down • enter choose channel • esc cancel")
	pressAndWait(t, a, tea.KeyEnter, 0)
	wantScreen(t, a, "Unsubscribe SMS marketing for "+walkerE164+"? y/n", "y yes • n no")

	// n cancels: nothing is sent, nothing recorded.
	typeAndWait(t, a, "n")
	wantScreen(t, a, "Not unsubscribed: nothing was sent.", "SMS marketing SUBSCRIBED · ✓ can receive")
	if e := historyEntries(t, a); len(e) != 0 {
		t.Fatalf("n recorded %+v", e)
	}
	// esc cancels the choice too, and stays on the card.
	typeAndWait(t, a, "u")
	pressAndWait(t, a, tea.KeyEscape, 0)
	wantScreen(t, a, "Not unsubscribed: nothing was sent.", "James Walker")
	typeAndWait(t, a, "u")
	pressAndWait(t, a, tea.KeyEnter, 0)
	pressAndWait(t, a, tea.KeyEscape, 0)
	wantScreen(t, a, "Not unsubscribed: nothing was sent.", "James Walker")
	if e := historyEntries(t, a); len(e) != 0 {
		t.Fatalf("esc recorded %+v", e)
	}

	// y unsubscribes, verifies, and the card is read again.
	typeAndWait(t, a, "u")
	pressAndWait(t, a, tea.KeyEnter, 0)
	typeAndWait(t, a, "y")
	wantScreen(t, a, "✓ SMS marketing: verified UNSUBSCRIBED",
		"SMS marketing UNSUBSCRIBED · ✗ cannot receive",
		"SMS transactional SUBSCRIBED · ✓ can receive") // only the chosen channel
	entries := historyEntries(t, a)
	if len(entries) != 1 {
		t.Fatalf("history = %+v", entries)
	}
	e := entries[0]
	if e.Action != "unsubscribe" || e.State != StateVerified || e.Request.Phone != walkerE164 ||
		len(e.Request.Channels) != 1 || e.Request.Channels[0] != model.SMSMarketing || e.Request.Email != "" {
		t.Errorf("history entry = %+v", e)
	}
	wantFits(t, a, 80, 24)
}

// TestCheckUnsubscribeDownChoosesAnotherChannel: the arrows move between the card's channels.
func TestCheckUnsubscribeDownChoosesAnotherChannel(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	checkFor(t, a, walkerPhone)
	typeAndWait(t, a, "u")
	pressAndWait(t, a, tea.KeyDown, 0)
	wantScreen(t, a, "› SMS transactional")
	pressAndWait(t, a, tea.KeyUp, 0)
	pressAndWait(t, a, tea.KeyUp, 0)
	wantScreen(t, a, "› Email marketing")
	pressAndWait(t, a, tea.KeyEnter, 0)
	wantScreen(t, a, "Unsubscribe Email marketing for james.walker@mail.example.com? y/n")
}

// TestCheckEnterOpensProfile: enter on the card opens the profile; esc returns to the check as it was.
func TestCheckEnterOpensProfile(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	checkFor(t, a, walkerPhone)
	pressAndWait(t, a, tea.KeyEnter, 0)
	wantScreen(t, a, "Consent Desk · profile", "James Walker · "+walkerID, "SMS marketing SUBSCRIBED")
	pressAndWait(t, a, tea.KeyEscape, 0)
	wantScreen(t, a, "Consent Desk · check", "> "+walkerPhone, "James Walker")
}

// TestCheckSlashChecksAnother: / gives the keys back to the input for another check.
func TestCheckSlashChecksAnother(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	checkFor(t, a, walkerPhone)
	typeAndWait(t, a, "/")
	wantScreen(t, a, "enter look up • esc back • ctrl+c quit")
	wantNotOnScreen(t, a, "? more keys")
	for range len(walkerPhone) {
		pressAndWait(t, a, tea.KeyBackspace, 0)
	}
	typeAndWait(t, a, fischerEmail)
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
	typeAndWait(t, a, "?")
	wantScreen(t, a, "enter open profile", "l lists the profile is on", "u unsubscribe a channel", "/ check another", "esc back", "? more keys", "ctrl+c quit")
}

// TestCheckFitsAnySize: every line fits the window, at any size and after a resize.
func TestCheckFitsAnySize(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {60, 20}, {40, 12}, {200, 60}, {20, 5}} {
		a, _ := newSandboxApp(t, size[0], size[1])
		checkFor(t, a, walkerPhone)
		typeAndWait(t, a, "l")
		wantFits(t, a, size[0], size[1])
		typeAndWait(t, a, "u")
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
	pressAndWait(t, a, tea.KeyEnter, 0) // the profile
	typeAndWait(t, a, "u")
	pressAndWait(t, a, tea.KeyEnter, 0)
	typeAndWait(t, a, "y")
	wantScreen(t, a, "Consent Desk · profile", "SMS marketing UNSUBSCRIBED")
	pressAndWait(t, a, tea.KeyEscape, 0)
	wantScreen(t, a, "Consent Desk · check", "SMS marketing UNSUBSCRIBED · ✗ cannot receive")
}
