package ui

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

// newsletter returns the seeded single opt-in list.
func newsletter() client.List {
	return client.List{ID: "Y6nRLr", Name: "Newsletter", OptInProcess: "single_opt_in"}
}

// subscribeDirect sends a subscribe of email (email marketing, through the
// Newsletter) as the form would, and returns its outcome.
func subscribeDirect(t *testing.T, a *App, email string) changeOutcome {
	t.Helper()
	return subscribeDirectKnown(t, a, email, nil)
}

// subscribeDirectKnown is subscribeDirect with the people the guard would
// look up already known (nil: it looks them up), for a Klaviyo that fails
// every request and must fail the job itself.
func subscribeDirectKnown(t *testing.T, a *App, email string, people *desk.People) changeOutcome {
	t.Helper()
	list := newsletter()
	req := model.ConsentRequest{ListID: list.ID, Email: email, Channels: []model.Channel{model.EmailMarketing}, Source: "Consent Desk"}
	checked, problems := req.Check(a.c.rules)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	return submitChange(a.c.ctx, a.c, "subscribe", checked, &list, people)
}

// entryAt adds an entry in state to h, at a fixed time, and returns its id.
func entryAt(t *testing.T, h History, state State, req model.ConsentRequest, result string) string {
	t.Helper()
	id, err := h.Add(HistoryEntry{At: time.Date(2026, 7, 15, 9, 30, 0, 0, time.Local), Action: journal.ActionSubscribe, Origin: testOrigin, Request: req, State: state, Result: result})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestHistoryEmptySaysSo: an empty history says so, and r does nothing.
func TestHistoryEmptySaysSo(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	typeAndWait(t, a, "h")
	wantScreen(t, a, "Consent Desk · history", "No subscribes or unsubscribes yet.", "esc back • ? more keys")
	wantNotOnScreen(t, a, "r retry")
	typeAndWait(t, a, "r") // nothing to retry, nothing happens
	wantScreen(t, a, "No subscribes or unsubscribes yet.")
	pressAndWait(t, a, tea.KeyEscape, 0)
	wantScreen(t, a, "What would you like to do?")
}

// TestHistoryListsNewestFirstWithState: entries newest first with their state; the arrows select; a verified entry is not retried.
func TestHistoryListsNewestFirstWithState(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	if out := subscribeDirect(t, a, "first.entry@example.com"); out.Err != nil {
		t.Fatal(out.Err)
	}
	if out := subscribeDirect(t, a, "second.entry@example.com"); out.Err != nil {
		t.Fatal(out.Err)
	}
	typeAndWait(t, a, "h")
	wantScreen(t, a, "2 entries, newest first, times UTC",
		"subscribe ✓ verified second.entry@example.com",
		"Email marketing · list Y6nRLr · on SANDBOX · Email marketing: verified",
		"↑ up • ↓ down • enter profile • / filter • r retry • d dismiss • ? more keys")
	got := screen(a)
	if strings.Index(got, "second.entry") > strings.Index(got, "first.entry") {
		t.Errorf("not newest first:\n%s", got)
	}
	// The selection starts on the newest and moves down and up.
	wantScreen(t, a, "Entry 2 ·")
	pressAndWait(t, a, tea.KeyDown, 0)
	wantScreen(t, a, "Entry 1 ·")
	pressAndWait(t, a, tea.KeyDown, 0) // stays on the last
	wantScreen(t, a, "Entry 1 ·")
	pressAndWait(t, a, tea.KeyUp, 0)
	wantScreen(t, a, "Entry 2 ·")
	// r on a verified entry explains and sends nothing.
	typeAndWait(t, a, "r")
	wantScreen(t, a, "Entry 2 is verified: nothing to retry.")
	if n := len(historyEntries(t, a)); n != 2 {
		t.Errorf("%d entries after refusing a retry", n)
	}
}

// TestHistoryRetriesAFailedEntry makes a subscribe fail against a sandbox
// that answers every request 503 (pending: a server error on a POST may
// have been received), then retries it against a working one.
func TestHistoryRetriesAFailedEntry(t *testing.T) {
	h := NewMemoryHistory()
	failing := newSandboxAppWith(t, 80, 24, sandbox.Options{FailRate: 1}, h)
	if out := subscribeDirectKnown(t, failing, "retry.me@example.com", &desk.People{}); out.Err == nil {
		t.Fatal("the failing sandbox accepted the subscribe")
	}

	a := newSandboxAppWith(t, 80, 24, sandbox.Options{}, h)
	typeAndWait(t, a, "h")
	wantScreen(t, a, "1 entry, newest first, times UTC · 1 not verified",
		"subscribe … pending retry.me@example.com",
		"Klaviyo answered 503 Service Unavailable to POST /api/profile-subscription-bulk-create-jobs: The service is temporarily unavailable (injected fault).")
	typeAndWait(t, a, "r")
	wantScreen(t, a, "Retry entry 1: subscribe retry.me@example.com (Email marketing)?", "y/N")
	typeAndWait(t, a, "y")
	wantScreen(t, a, "2 entries, newest first, times UTC",
		"Retried entry 1 as entry 2:",
		"✓ Email marketing: verified SUBSCRIBED",
		"subscribe ✓ verified retry.me@example.com")
	wantNotOnScreen(t, a, "… pending", "not verified ·")

	entries := historyEntries(t, a)
	if len(entries) != 2 || entries[0].State != StateVerified || entries[1].State != StateVerified ||
		!strings.HasPrefix(entries[1].Result, "verified by retry 2:") || entries[0].RetryOf != "1" {
		t.Errorf("history = %+v", entries)
	}
	// Home no longer counts it as not verified.
	pressAndWait(t, a, tea.KeyEscape, 0)
	wantNotOnScreen(t, a, "not verified")
}

// TestHistoryRetriesAPendingEntry: an entry left pending (no list) is sent
// again and verified.
func TestHistoryRetriesAPendingEntry(t *testing.T) {
	h := NewMemoryHistory()
	entryAt(t, h, StatePending, model.ConsentRequest{Phone: "+1 201 555 0177", Channels: []model.Channel{model.SMSMarketing}}, "")
	a := newSandboxAppWith(t, 80, 24, sandbox.Options{}, h)
	typeAndWait(t, a, "h")
	wantScreen(t, a, "2026-07-15 09:30 subscribe … pending +1 201 555 0177", "SMS marketing · no list · on SANDBOX",
		"Entry 1 · 2026-07-15 09:30:00 UTC · pending · made on SANDBOX · no result recorded")
	typeAndWait(t, a, "r")
	typeAndWait(t, a, "y")
	wantScreen(t, a, "Retried entry 1 as entry 2:", "✓ SMS marketing: verified SUBSCRIBED", "subscribe ✓ verified +12015550177")
}

// TestHistoryRetryRefusedWhenTheRequestNoLongerPasses: a retry is checked again with today's rules first.
func TestHistoryRetryRefusedWhenTheRequestNoLongerPasses(t *testing.T) {
	h := NewMemoryHistory()
	entryAt(t, h, StateFailed, model.ConsentRequest{Email: "x@example.com", Phone: "+386 31 234 567",
		Channels: []model.Channel{model.EmailMarketing, model.SMSMarketing}}, "SMS marketing: not recorded")
	a := newSandboxAppWith(t, 80, 24, sandbox.Options{}, h)
	typeAndWait(t, a, "h")
	typeAndWait(t, a, "r")
	typeAndWait(t, a, "y")
	wantScreen(t, a, "Not retried: entry 1 cannot be sent as it is, so it is now refused: phone: Slovenia (+386) is not an SMS country for this account",
		"✗ refused")
	if n := len(historyEntries(t, a)); n != 1 {
		t.Errorf("a refused retry recorded an entry: %d entries", n)
	}
}

// TestHistoryRetryFailsAgainShowsTheError: a retry whose resend is refused
// again (a 503 to the POST; the profile reads fine) shows the error; the
// resend is pending (it may have been received) and the original stays.
func TestHistoryRetryFailsAgainShowsTheError(t *testing.T) {
	h := NewMemoryHistory()
	entryAt(t, h, StateFailed, model.ConsentRequest{Email: "again@example.com", Channels: []model.Channel{model.EmailMarketing}}, "network")
	sb := sandboxtest.Open(t, sandbox.Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"errors":[{"id":"e","status":503,"code":"unavailable","title":"Service unavailable.","detail":"Try again later."}]}`))
			return
		}
		sb.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	a := newClientApp(t, 100, 24, client.Options{BaseURL: srv.URL}, h)
	typeAndWait(t, a, "h")
	typeAndWait(t, a, "r")
	typeAndWait(t, a, "y")
	wantScreen(t, a, "Retried entry 1 as entry 2:",
		"… Not confirmed: it may or may not have reached Klaviyo. Klaviyo answered 503 Service Unavailable to POST /api/profile-subscription-bulk-create-jobs: Try again later.")
	entries := historyEntries(t, a)
	if len(entries) != 2 || entries[0].State != StatePending || entries[1].State != StateFailed || entries[1].Result != "network" {
		t.Errorf("history = %+v", entries)
	}
	// The resend stands for the original now: r on the original says so.
	pressAndWait(t, a, tea.KeyDown, 0)
	typeAndWait(t, a, "r")
	wantScreen(t, a, "Entry 1 was resent as entry 2: retry that one.")
	if n := len(historyEntries(t, a)); n != 2 {
		t.Errorf("the original was resent again: %d entries", n)
	}
}

// TestHistoryRetryNotSentWhenKlaviyoCannotBeRead: when the profile cannot
// be read to see whether the change already arrived, nothing is sent.
func TestHistoryRetryNotSentWhenKlaviyoCannotBeRead(t *testing.T) {
	h := NewMemoryHistory()
	entryAt(t, h, StatePending, model.ConsentRequest{Email: "again@example.com", Channels: []model.Channel{model.EmailMarketing}}, "")
	a := newSandboxAppWith(t, 100, 24, sandbox.Options{FailRate: 1}, h)
	typeAndWait(t, a, "h")
	typeAndWait(t, a, "r")
	typeAndWait(t, a, "y")
	wantScreen(t, a, "Not retried: entry 1 not resent: could not check whether Klaviyo already has it:",
		"Klaviyo answered 503 Service Unavailable to GET /api/profiles")
	if entries := historyEntries(t, a); len(entries) != 1 || entries[0].State != StatePending {
		t.Errorf("history = %+v", entries)
	}
}

// TestHistoryEscCancelsARetry: esc during a retry cancels it and stays; its late answer is dropped.
func TestHistoryEscCancelsARetry(t *testing.T) {
	h := NewMemoryHistory()
	entryAt(t, h, StateFailed, model.ConsentRequest{Email: "cancel.me@example.com", Channels: []model.Channel{model.EmailMarketing}}, "")
	a := newSandboxAppWith(t, 80, 24, sandbox.Options{}, h)
	typeAndWait(t, a, "h")
	typeAndWait(t, a, "r")
	_, retry := a.Update(tea.KeyPressMsg{Code: 'y', Text: "y"}) // not run yet
	wantScreen(t, a, "… retrying cancel.me@example.com", "esc cancel the retry")
	if a.busy() != "retrying" {
		t.Errorf("busy = %q", a.busy())
	}
	press(t, a, tea.KeyEscape, 0)
	wantScreen(t, a, "Consent Desk · history", "Retry cancelled.")
	runCmdFully(t, a, retry, 0) // its answer is dropped
	wantNotOnScreen(t, a, "Retried entry")
}

// TestHistoryFitsAnySize: every line fits, and the selection stays in sight, at any size.
func TestHistoryFitsAnySize(t *testing.T) {
	h := NewMemoryHistory()
	for i := range 30 {
		entryAt(t, h, []State{StateVerified, StateFailed, StatePending, StateAccepted}[i%4],
			model.ConsentRequest{ListID: "Y6nRLr", Email: fmt.Sprintf("person.%d@example.com", i), Phone: "+12015550100",
				Channels: []model.Channel{model.EmailMarketing, model.SMSMarketing, model.SMSTransactional}},
			strings.Repeat("a long result ", 12))
	}
	for _, size := range [][2]int{{80, 24}, {40, 12}, {200, 60}, {20, 5}, {60, 15}} {
		a := newSandboxAppWith(t, size[0], size[1], sandbox.Options{}, h)
		typeAndWait(t, a, "h")
		wantFits(t, a, size[0], size[1])
		for range 20 {
			pressAndWait(t, a, tea.KeyDown, 0)
		}
		if size[0] >= 40 {
			wantScreen(t, a, "person.9@example.com") // the selection stays in sight
		}
		wantFits(t, a, size[0], size[1])
		send(t, a, tea.WindowSizeMsg{Width: size[0] + 17, Height: size[1] + 3})
		wantFits(t, a, size[0]+17, size[1]+3)
	}
}
