package ui

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

// typeAndWait types s one key at a time, running each key's commands.
func typeAndWait(t *testing.T, a *App, s string) {
	t.Helper()
	for _, r := range s {
		sendAndWait(t, a, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func pressAndWait(t *testing.T, a *App, code rune, mod tea.KeyMod) {
	t.Helper()
	sendAndWait(t, a, tea.KeyPressMsg{Code: code, Mod: mod})
}

func TestFormRefusesSlovenianSMSLive(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	typeAndWait(t, a, "s")
	typeAndWait(t, a, "x@example.com")
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, "+386 31 234 567")
	wantScreen(t, a, "+386 31 234 567 · Slovenia (SI) · mobile",
		"✗ Slovenia (+386) is not an SMS country for this account",
		"SMS marketing [-] disabled: not for this number (see Phone)")
	// Tab to SMS marketing and try to turn it on: refused, with the reason.
	pressAndWait(t, a, tea.KeyTab, 0)
	pressAndWait(t, a, tea.KeyTab, 0)
	pressAndWait(t, a, tea.KeySpace, 0)
	wantScreen(t, a, "SMS marketing is disabled: not for this number (see Phone)")
}

func TestFormPuertoRicoRefusedBeforeTheLastDigit(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	typeAndWait(t, a, "s")
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, "+1 787")
	wantScreen(t, a, "probably Puerto Rico (PR)", "✗ Puerto Rico (+1 787) is a US territory", "[-] disabled: not for this number (see Phone)")
}

// TestFormSubmitRefusedKeepsEverything submits an incomplete form: every
// problem is listed and nothing typed is cleared.
func TestFormSubmitRefusedKeepsEverything(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	typeAndWait(t, a, "s")
	typeAndWait(t, a, "not-an-email")
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, "+1 201 555")
	pressAndWait(t, a, 's', tea.ModCtrl)
	wantScreen(t, a, "Not sent: 4 things to fix.", "✗ list: pick a list", "✗ email: no @ yet", "✗ phone: incomplete:", "✗ channels: choose at least one channel",
		"not-an-email", "+1 201 555")
}

// TestFormSubmitVerified is the whole subscribe path on the sandbox: a US
// number, email and SMS marketing, a list picked, both channels verified.
func TestFormSubmitVerified(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	typeAndWait(t, a, "s")
	typeAndWait(t, a, "form.test@example.com")
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, "+1 201 555 0142")
	pressAndWait(t, a, tea.KeyTab, 0)
	pressAndWait(t, a, tea.KeySpace, 0) // email marketing
	pressAndWait(t, a, tea.KeyTab, 0)
	pressAndWait(t, a, tea.KeySpace, 0) // SMS marketing
	pressAndWait(t, a, tea.KeyTab, 0)
	pressAndWait(t, a, tea.KeyTab, 0)
	pressAndWait(t, a, tea.KeyEnter, 0) // the list picker
	wantScreen(t, a, "Newsletter", "VIP Early Access", "double opt-in", "14 lists")
	typeAndWait(t, a, "newsl")
	wantScreen(t, a, "1 of 14 lists match")
	pressAndWait(t, a, tea.KeyEnter, 0)
	wantScreen(t, a, "List Newsletter (Y6nRLr) · single opt-in")
	pressAndWait(t, a, tea.KeyEnter, 0) // submit
	wantScreen(t, a, "Subscribe form.test@example.com, +12015550142 · Newsletter",
		"Email marketing ✓ verified SUBSCRIBED at 20", "SMS marketing ✓ verified SUBSCRIBED at 20")
	entries, _ := a.c.history.Entries()
	if len(entries) != 1 || entries[0].State != StateVerified {
		t.Errorf("history = %+v", entries)
	}
	// n: a new entry on the same list.
	typeAndWait(t, a, "n")
	wantScreen(t, a, "List Newsletter (Y6nRLr)")
	if strings.Contains(screen(a), "form.test@example.com") {
		t.Errorf("new entry kept the old email:\n%s", screen(a))
	}
}

// emailMarketingToPicker opens the form from Home, types email, turns
// email marketing on and opens the list picker: the form's tab order
// (Email, Phone, Email marketing, SMS marketing, SMS transactional, List).
func emailMarketingToPicker(t *testing.T, a *App, email string) {
	t.Helper()
	typeAndWait(t, a, "s")
	typeAndWait(t, a, email)
	pressAndWait(t, a, tea.KeyTab, 0)
	pressAndWait(t, a, tea.KeyTab, 0)
	pressAndWait(t, a, tea.KeySpace, 0) // email marketing
	for i := 0; i < 3; i++ {
		pressAndWait(t, a, tea.KeyTab, 0)
	}
	pressAndWait(t, a, tea.KeyEnter, 0) // on List: the picker
}

func TestFormDoubleOptInPending(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	emailMarketingToPicker(t, a, "doi.form@example.com")
	typeAndWait(t, a, "VIP")
	pressAndWait(t, a, tea.KeyEnter, 0)
	pressAndWait(t, a, 's', tea.ModCtrl)
	wantScreen(t, a, "Email marketing … pending double opt-in")
}

func TestPickerEscChangesNothing(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	typeAndWait(t, a, "s")
	for i := 0; i < 5; i++ {
		pressAndWait(t, a, tea.KeyTab, 0)
	}
	pressAndWait(t, a, tea.KeyEnter, 0)
	pressAndWait(t, a, tea.KeyDown, 0)
	pressAndWait(t, a, tea.KeyEscape, 0)
	wantScreen(t, a, "List none yet — enter to pick")
}

// TestFormShowsAPIErrorVerbatim: when Klaviyo refuses the job, the result
// shows its detail as it was sent, and History records the entry failed.
func TestFormShowsAPIErrorVerbatim(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.api+json")
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"errors":[{"id":"e1","status":400,"code":"invalid","title":"Invalid input.","detail":"Invalid email address","source":{"pointer":"/data/attributes/profiles/data/0/attributes/email"}}]}`)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/api/profiles") { // the guard's look-ups: nobody has the address
			io.WriteString(w, `{"data":[],"links":{"self":null,"next":null,"prev":null}}`)
			return
		}
		io.WriteString(w, `{"data":[{"type":"list","id":"Y6nRLr","attributes":{"name":"Newsletter","opt_in_process":"single_opt_in"}}],"links":{"next":null}}`)
	}))
	defer srv.Close()
	a := newClientApp(t, 120, 30, client.Options{BaseURL: srv.URL}, nil)
	emailMarketingToPicker(t, a, "refused@example.com")
	pressAndWait(t, a, tea.KeyEnter, 0)
	pressAndWait(t, a, 's', tea.ModCtrl)
	wantScreen(t, a, "✗ Refused: nothing was changed. Klaviyo answered 400 Bad Request to POST /api/profile-subscription-bulk-create-jobs: Invalid email address (at /data/attributes/profiles/data/0/attributes/email)")
	if e := historyEntries(t, a); len(e) != 1 || e[0].State != StateRefused {
		t.Errorf("history = %+v", e)
	}
	typeAndWait(t, a, "e") // edit: back to the form with everything kept
	wantScreen(t, a, "refused@example.com", "Email marketing [x]", "List Newsletter (Y6nRLr)")
}

func TestStatusLineShowsKlaviyoWaits(t *testing.T) {
	a := newTestApp(t, 100, 24)
	send(t, a, waitMsg{Duration: 3 * time.Second, Reason: "throttled", Endpoint: "GET /api/profiles"})
	wantScreen(t, a, "Klaviyo asked us to wait 3 s · TEST")
	send(t, a, waitOverMsg{seq: a.waitSeq})
	if strings.Contains(screen(a), "wait") {
		t.Errorf("the wait notice stayed:\n%s", screen(a))
	}
	send(t, a, waitMsg{Duration: 1500 * time.Millisecond, Reason: "limit"})
	wantScreen(t, a, "waiting 2 s to stay under Klaviyo's rate limit")
}

// TestFormSubmitLockedAndCancellable runs a real program against a slow
// sandbox: while the request runs, typing changes nothing and esc cancels;
// the form keeps what was typed and History keeps the entry pending.
func TestFormSubmitLockedAndCancellable(t *testing.T) {
	sb := sandboxtest.Open(t, sandbox.Options{Latency: 20 * time.Second})
	cl := sandboxtest.Client(t, sb, client.Options{Attempts: 1})
	hist := NewMemoryHistory()
	a := New(Options{Now: readerClock(), Client: cl, Rules: model.PhoneRules{Policy: model.DefaultSMSPolicy()}, Backend: "SANDBOX", History: hist})
	l := client.List{ID: "Y6nRLr", Name: "Newsletter", OptInProcess: "single_opt_in"}
	p := startProgram(t, a, 100, 30)
	p.waitFor("What would you like to do?")
	p.typeText("s")
	p.waitFor("List none yet")
	p.tm.Send(listPickedMsg{list: l}) // what the picker sends; the slow sandbox would take 20 s to list
	p.waitFor("List Newsletter (Y6nRLr)")
	p.press(tea.KeyUp) // back to the top of the form: Email
	p.press(tea.KeyUp)
	p.press(tea.KeyUp)
	p.press(tea.KeyUp)
	p.press(tea.KeyUp)
	p.press(tea.KeyUp)
	p.typeText("slow@example.com")
	p.press(tea.KeyTab)
	p.press(tea.KeyTab)
	p.press(tea.KeySpace)
	p.tm.Send(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	p.waitFor("submitting", "Sending, then reading the profile back… (esc cancels)")
	p.typeText("zzz")
	p.press(tea.KeyEscape)
	p.waitFor("You cancelled it. It may or may not have reached Klaviyo", "slow@example.com")
	if strings.Contains(p.emu.String(), "zzz") {
		t.Errorf("keys typed while sending reached the form:\n%s", p.emu.String())
	}
	entries, _ := hist.Entries()
	if len(entries) != 1 || entries[0].State != StatePending {
		t.Errorf("history = %+v, want one pending entry", entries)
	}
}

func TestFormStartsWithTheAccountsDefaultList(t *testing.T) {
	cl := sandboxtest.Client(t, sandboxtest.Open(t, sandbox.Options{}), client.Options{})
	a := New(Options{Now: readerClock(), Client: cl, Rules: model.PhoneRules{Policy: model.DefaultSMSPolicy()}, Backend: "SANDBOX", DefaultList: "NFjKbW"})
	send(t, a, tea.WindowSizeMsg{Width: 100, Height: 30})
	typeAndWait(t, a, "s")
	wantScreen(t, a, "List VIP Early Access (NFjKbW) · double opt-in")
}
