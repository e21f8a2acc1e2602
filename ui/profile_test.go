package ui

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

// sarahID is Sarah Mason of Klaviyo's documentation: her +1 500 number is
// valid but cannot receive texts.
const sarahID = "01FSZG7NK8DAZKSGBD04XEZDX6"

// openProfile pushes the profile view of id and runs its load.
func openProfile(t *testing.T, a *App, id string) {
	t.Helper()
	sendAndWait(t, a, openMsg{newProfileView(a.c, id)})
}

// TestProfileByIDShowsTheCard: the profile read by id: who, the card, and its keys.
func TestProfileByIDShowsTheCard(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	openProfile(t, a, walkerID)
	wantScreen(t, a, "Consent Desk · profile",
		"James Walker · "+walkerID,
		"james.walker@mail.example.com · +1 617-547-5595 · United States (US)",
		"Email marketing UNSUBSCRIBED · ✗ cannot receive · 2024-05-20 19:46 UTC",
		"suppressed: SPAM_COMPLAINT since 2024-05-20",
		"SMS marketing SUBSCRIBED · ✓ can receive · 2024-05-05 04:52 UTC method TEXT · detail JOIN",
		"SMS transactional SUBSCRIBED",
		"l lists • u unsubscribe • esc back • ? more keys")
	wantFits(t, a, 80, 24)
	pressAndWait(t, a, tea.KeyEscape, 0)
	wantScreen(t, a, "What would you like to do?")
}

// TestProfileSaysWhyAPhoneCannotTakeSMS: a number that cannot take SMS consent says why, and an SMS unsubscribe for it is refused before asking.
func TestProfileSaysWhyAPhoneCannotTakeSMS(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	openProfile(t, a, sarahID)
	wantScreen(t, a, "Sarah Mason · "+sarahID, "sarah.mason@klaviyo-demo.com · +1 500-555-0006 · United States (US)",
		"✗ A personal forwarding number in the United States cannot receive texts — SMS consent would not be recorded.",
		"SMS marketing NEVER_SUBSCRIBED")
	// Only email has consent to revoke: SMS is not offered, and says why.
	typeAndWait(t, a, "u")
	wantScreen(t, a, "Unsubscribe which channel? (Not offered: SMS marketing: never subscribed: nothing to revoke; SMS transactional: never subscribed: nothing to revoke.)",
		"› Email marketing")
	pressAndWait(t, a, tea.KeyDown, 0) // stays: nothing else to choose
	wantScreen(t, a, "› Email marketing")
	wantNotOnScreen(t, a, "› SMS")
	if e := historyEntries(t, a); len(e) != 0 {
		t.Fatalf("%+v", e)
	}
}

// TestProfileListsOnRequest: the lists are fetched only when l asks.
func TestProfileListsOnRequest(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	openProfile(t, a, walkerID)
	wantNotOnScreen(t, a, "On 3 lists")
	typeAndWait(t, a, "l")
	wantScreen(t, a, "On 3 lists: Newsletter (Y6nRLr, single opt-in) · SMS Flash Deals (138tNq, single opt-in) · Holiday Gift Guide (hgcHL6, single opt-in)")
}

// TestProfileUnsubscribeAsksFirst: n sends nothing; y unsubscribes the chosen channel only.
func TestProfileUnsubscribeAsksFirst(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	openProfile(t, a, walkerID)
	typeAndWait(t, a, "u")
	pressAndWait(t, a, tea.KeyDown, 0) // SMS transactional
	pressAndWait(t, a, tea.KeyEnter, 0)
	pressAndWait(t, a, tea.KeyEnter, 0) // on the whole account
	wantScreen(t, a, "Unsubscribe James Walker (+1 617-547-5595) from SMS transactional on the whole account? y/N", "y yes • any other key no")

	typeAndWait(t, a, "n")
	wantScreen(t, a, "Consent Desk · profile", "Not unsubscribed: nothing was sent.", "SMS transactional SUBSCRIBED")
	if e := historyEntries(t, a); len(e) != 0 {
		t.Fatalf("n recorded %+v", e)
	}

	typeAndWait(t, a, "u")
	pressAndWait(t, a, tea.KeyDown, 0)
	pressAndWait(t, a, tea.KeyEnter, 0)
	pressAndWait(t, a, tea.KeyEnter, 0)
	typeAndWait(t, a, "y")
	wantScreen(t, a, "✓ SMS transactional: verified UNSUBSCRIBED",
		"SMS marketing SUBSCRIBED · ✓ can receive",
		"SMS transactional UNSUBSCRIBED · ✗ cannot receive")
	entries := historyEntries(t, a)
	if len(entries) != 1 || entries[0].Action != "unsubscribe" || entries[0].State != StateVerified {
		t.Errorf("history = %+v", entries)
	}
	// esc now leaves the profile.
	pressAndWait(t, a, tea.KeyEscape, 0)
	wantScreen(t, a, "What would you like to do?")
}

// TestProfileUnsubscribeErrorVerbatim: Klaviyo's refusal of the job is
// shown as it came, and the card stays.
func TestProfileUnsubscribeErrorVerbatim(t *testing.T) {
	sb := sandboxtest.Open(t, sandbox.Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.Header().Set("Content-Type", "application/vnd.api+json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"errors":[{"id":"e","status":400,"code":"invalid","title":"Invalid input.","detail":"This phone number is not valid for SMS in this account.","source":{"pointer":"/data/attributes/profiles/data/0/attributes/phone_number"}}]}`))
			return
		}
		sb.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	a := newClientApp(t, 100, 30, client.Options{BaseURL: srv.URL}, nil)
	openProfile(t, a, walkerID)
	typeAndWait(t, a, "u")
	pressAndWait(t, a, tea.KeyEnter, 0)
	pressAndWait(t, a, tea.KeyEnter, 0)
	typeAndWait(t, a, "y")
	wantScreen(t, a, "✗ Refused: nothing was changed. Klaviyo answered 400 Bad Request to POST /api/profile-subscription-bulk-delete-jobs: This phone number is not valid for SMS in this account. (at /data/attributes/profiles/data/0/attributes/phone_number)",
		"SMS marketing SUBSCRIBED")
	entries := historyEntries(t, a)
	if len(entries) != 1 || entries[0].State != StateRefused {
		t.Errorf("history = %+v", entries)
	}
}

// TestProfileLoadErrorAndRetry: the first read fails (shown verbatim), r
// reads again.
func TestProfileLoadErrorAndRetry(t *testing.T) {
	sb := sandboxtest.Open(t, sandbox.Options{})
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
			return
		}
		sb.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	a := newClientApp(t, 100, 24, client.Options{BaseURL: srv.URL}, nil)
	openProfile(t, a, walkerID)
	wantScreen(t, a, "✗ Profile "+walkerID+" could not be read: Klaviyo answered 502 Bad Gateway to GET /api/profiles/{id}: 502 Bad Gateway",
		"r retry • esc back • ? more keys")
	typeAndWait(t, a, "r")
	wantScreen(t, a, "James Walker · "+walkerID, "SMS marketing SUBSCRIBED")
}

// TestProfileUnknownID: an id Klaviyo does not know shows its 404.
func TestProfileUnknownID(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	openProfile(t, a, "01NOSUCHPROFILE00000000000")
	wantScreen(t, a, "✗ Profile 01NOSUCHPROFILE00000000000 could not be read: Klaviyo answered 404 Not Found")
}

// TestProfileFromResultView: p on a result opens the profile it verified.
func TestProfileFromResultView(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	out := subscribeDirect(t, a, "result.profile@example.com")
	sendAndWait(t, a, openMsg{newResultView(a.c, out)})
	typeAndWait(t, a, "p")
	wantScreen(t, a, "Consent Desk · profile", "result.profile@example.com", "Email marketing SUBSCRIBED · ✓ can receive")
}

// TestProfileFitsAnySize: every line fits the window, at any size and after a resize.
func TestProfileFitsAnySize(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {40, 12}, {200, 60}, {20, 5}, {56, 18}} {
		a, _ := newSandboxApp(t, size[0], size[1])
		openProfile(t, a, walkerID)
		typeAndWait(t, a, "l")
		wantFits(t, a, size[0], size[1])
		typeAndWait(t, a, "u")
		wantFits(t, a, size[0], size[1])
		send(t, a, tea.WindowSizeMsg{Width: size[0] + 11, Height: size[1] + 1})
		wantFits(t, a, size[0]+11, size[1]+1)
	}
}

// TestResultSaysWhetherKlaviyoAcceptedIt: an error with nothing read back is
// "not recorded" only when Klaviyo did not accept the change; when it did
// and reading the profile back failed, the result says it was accepted and
// is not verified yet.
func TestResultSaysWhetherKlaviyoAcceptedIt(t *testing.T) {
	req, problems := model.ConsentRequest{Email: "x@example.com", Channels: []model.Channel{model.EmailMarketing}}.Check(model.PhoneRules{Policy: model.DefaultSMSPolicy()})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	readBackFailed := &client.NetworkError{Host: "a.klaviyo.com", Endpoint: "GET /api/profiles", Err: errString("connection reset")}
	refused := &client.APIError{Status: 400, Endpoint: "POST /api/profile-subscription-bulk-create-jobs", Detail: "Invalid input."}
	tests := []struct {
		name string
		out  changeOutcome
		want string
		not  string
	}{
		{"accepted, read-back failed", changeOutcome{Action: "subscribe", Request: req, Sent: true, Err: readBackFailed},
			"… Accepted by Klaviyo, not verified: reading the profile back did not finish. verifying: could not reach Klaviyo", "Not recorded"},
		{"refused", changeOutcome{Action: "subscribe", Request: req, Err: refused},
			"✗ Refused: nothing was changed. Klaviyo answered 400 Bad Request to POST /api/profile-subscription-bulk-create-jobs: Invalid input.", "Accepted"},
		{"not sent", changeOutcome{Action: "subscribe", Request: req, Err: &client.NetworkError{Host: "a.klaviyo.com", Endpoint: "POST /api/profile-subscription-bulk-create-jobs", Err: errString("connection refused")}},
			"✗ Not sent. could not reach Klaviyo", "Accepted"},
		{"may have arrived", changeOutcome{Action: "subscribe", Request: req, Err: &client.NetworkError{Host: "a.klaviyo.com", Endpoint: "POST /api/profile-subscription-bulk-create-jobs", MayHaveArrived: true, Err: errString("connection reset")}},
			"… Not confirmed: it may or may not have reached Klaviyo.", "Refused"},
		{"journal full", changeOutcome{Action: "subscribe", Request: req, Sent: true, JournalErr: errString("no space left on device"),
			Verification: client.Verification{Channels: []client.ChannelResult{{Channel: model.EmailMarketing, Outcome: client.Verified, Consent: model.Subscribed}}}},
			"✗ The journal could not record what came of this: no space left on device. History may show it as it was before", "Refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _ := newSandboxApp(t, 100, 24)
			if tt.out.Sent && tt.out.Err != nil {
				tt.out.Err = fmt.Errorf("verifying: %w", tt.out.Err)
			}
			sendAndWait(t, a, openMsg{newResultView(a.c, tt.out)})
			wantScreen(t, a, tt.want)
			wantNotOnScreen(t, a, tt.not)
		})
	}
}
