package ui

import (
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

const homeScreen = "What would you like to do?"

// formOf is the subscribe form the app shows, failing the test when it
// shows another view.
func formOf(t *testing.T, a *App) *formView {
	t.Helper()
	v, ok := a.current().(*formView)
	if !ok {
		t.Fatalf("not on the subscribe form:\n%s", screen(a))
	}
	return v
}

// typeEmailAndPhone opens the form and types an email and a phone number,
// leaving the focus in Phone.
func typeEmailAndPhone(t *testing.T, a *App) {
	t.Helper()
	typeAndWait(t, a, "s")
	typeAndWait(t, a, "sam@example.com")
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, "+1 201 555 0142")
}

// submitVerifiedAndEdit subscribes form.esc@example.com to Newsletter by
// email marketing, waits for the verified result and presses e to edit.
func submitVerifiedAndEdit(t *testing.T, a *App) {
	t.Helper()
	emailMarketingToPicker(t, a, "form.esc@example.com")
	typeAndWait(t, a, "newsl")
	pressAndWait(t, a, tea.KeyEnter, 0)
	pressAndWait(t, a, 's', tea.ModCtrl)
	wantScreen(t, a, "Email marketing ✓ verified SUBSCRIBED")
	typeAndWait(t, a, "e")
	wantScreen(t, a, "form.esc@example.com", "List Newsletter (Y6nRLr)")
}

// TestFormEscAsksOnlyForUnsentInput: esc asks before discarding an email or
// phone typed or a toggle turned on that was not sent as it is, and goes
// back at once otherwise; AtRisk says the same.
func TestFormEscAsksOnlyForUnsentInput(t *testing.T) {
	tests := []struct {
		name  string
		app   func(t *testing.T) *App
		setup func(t *testing.T, a *App)
		// ask is the prompt esc shows, "" when it goes back at once.
		ask string
	}{
		{name: "empty form", setup: func(t *testing.T, a *App) { typeAndWait(t, a, "s") }},
		{name: "the account's default list alone", app: defaultListApp, setup: func(t *testing.T, a *App) {
			typeAndWait(t, a, "s")
			wantScreen(t, a, "List VIP Early Access (NFjKbW)")
		}},
		{name: "email typed", setup: func(t *testing.T, a *App) { typeAndWait(t, a, "ssam@example.com") },
			ask: "Discard this entry (sam@example.com)? y/N"},
		{name: "phone typed", setup: func(t *testing.T, a *App) {
			typeAndWait(t, a, "s")
			pressAndWait(t, a, tea.KeyTab, 0)
			typeAndWait(t, a, "+1 201 555")
		}, ask: "Discard this entry (+1 201 555)? y/N"},
		{name: "email and phone typed", setup: typeEmailAndPhone,
			ask: "Discard this entry (sam@example.com, +1 201 555 0142)? y/N"},
		{name: "a toggle on", setup: func(t *testing.T, a *App) {
			typeAndWait(t, a, "s")
			pressAndWait(t, a, tea.KeyTab, 0)
			pressAndWait(t, a, tea.KeyTab, 0)
			pressAndWait(t, a, tea.KeySpace, 0)
		}, ask: "Discard this entry (Email marketing on)? y/N"},
		{name: "a refused submit", setup: func(t *testing.T, a *App) {
			typeEmailAndPhone(t, a)
			pressAndWait(t, a, 's', tea.ModCtrl)
			wantScreen(t, a, "Not sent:")
		}, ask: "Discard this entry (sam@example.com, +1 201 555 0142)? y/N"},
		{name: "edit after a verified submit", setup: submitVerifiedAndEdit},
		{name: "edit after a verified submit, then a change", setup: func(t *testing.T, a *App) {
			submitVerifiedAndEdit(t, a)
			for range 6 { // from Submit to Email
				pressAndWait(t, a, tea.KeyTab, tea.ModShift)
			}
			typeAndWait(t, a, "m")
		}, ask: "Discard this entry (form.esc@example.comm)? y/N"},
		{name: "edit after a verified submit, a change undone", setup: func(t *testing.T, a *App) {
			submitVerifiedAndEdit(t, a)
			pressAndWait(t, a, tea.KeyTab, tea.ModShift) // List
			pressAndWait(t, a, tea.KeyTab, tea.ModShift) // SMS transactional
			pressAndWait(t, a, tea.KeyTab, tea.ModShift) // SMS marketing
			pressAndWait(t, a, tea.KeyTab, tea.ModShift) // Email marketing
			pressAndWait(t, a, tea.KeySpace, 0)
			pressAndWait(t, a, tea.KeySpace, 0)
		}},
		{name: "a new entry after a verified submit", setup: func(t *testing.T, a *App) {
			emailMarketingToPicker(t, a, "form.esc@example.com")
			typeAndWait(t, a, "newsl")
			pressAndWait(t, a, tea.KeyEnter, 0)
			pressAndWait(t, a, 's', tea.ModCtrl)
			wantScreen(t, a, "Email marketing ✓ verified SUBSCRIBED")
			typeAndWait(t, a, "n")
			wantScreen(t, a, "List Newsletter (Y6nRLr)")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a *App
			if tt.app != nil {
				a = tt.app(t)
			} else {
				a, _ = newSandboxApp(t, 80, 24)
			}
			tt.setup(t, a)
			wantRisk := ""
			if tt.ask != "" {
				wantRisk = "an unsent entry in the subscribe form"
			}
			if got := formOf(t, a).AtRisk(); got != wantRisk {
				t.Errorf("AtRisk() = %q, want %q", got, wantRisk)
			}
			pressAndWait(t, a, tea.KeyEscape, 0)
			if tt.ask == "" {
				wantScreen(t, a, homeScreen)
				return
			}
			wantScreen(t, a, tt.ask, "y discard the entry • n/esc keep editing")
			formOf(t, a)
		})
	}
}

// defaultListApp is the UI on a seeded sandbox whose account has a default
// list (VIP Early Access).
func defaultListApp(t *testing.T) *App {
	cl := sandboxtest.Client(t, sandboxtest.Open(t, sandbox.Options{}), client.Options{})
	a := New(Options{Now: readerClock(), Client: cl, Rules: model.PhoneRules{Policy: model.DefaultSMSPolicy()}, Backend: "SANDBOX", DefaultList: "NFjKbW"})
	send(t, a, tea.WindowSizeMsg{Width: 80, Height: 24})
	return a
}

// TestFormDiscardPromptAnswers: at the prompt, y discards the entry and goes
// back; every other key keeps the form as it was (values, focus, nothing
// sent) and is not typed into it.
func TestFormDiscardPromptAnswers(t *testing.T) {
	const prompt = "Discard this entry (sam@example.com, +1 201 555 0142)? y/N"
	tests := []struct {
		name string
		key  tea.KeyPressMsg
	}{
		{"n", tea.KeyPressMsg{Code: 'n', Text: "n"}},
		{"esc", tea.KeyPressMsg{Code: tea.KeyEscape}},
		{"enter", tea.KeyPressMsg{Code: tea.KeyEnter}},
		{"another letter", tea.KeyPressMsg{Code: 'x', Text: "x"}},
		{"a digit", tea.KeyPressMsg{Code: '7', Text: "7"}},
		{"question mark", tea.KeyPressMsg{Code: '?', Text: "?"}},
		{"tab", tea.KeyPressMsg{Code: tea.KeyTab}},
		{"ctrl+s", tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}},
		{"capital Y", tea.KeyPressMsg{Code: 'y', ShiftedCode: 'Y', Mod: tea.ModShift, Text: "Y"}},
	}
	for _, size := range []struct{ width, height int }{{80, 24}, {60, 20}} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%dx%d/%s", size.width, size.height, tt.name), func(t *testing.T) {
				a, _ := newSandboxApp(t, size.width, size.height)
				typeEmailAndPhone(t, a)
				pressAndWait(t, a, tea.KeyEscape, 0)
				wantScreen(t, a, prompt)
				wantFits(t, a, size.width, size.height)
				sendAndWait(t, a, tt.key)
				wantNotOnScreen(t, a, "Discard this entry", "keep editing")
				wantScreen(t, a, "Email sam@example.com", "Phone +1 201 555 0142", "Email marketing [ ]", "List none yet")
				// The focus is still in Phone: the next key is typed there.
				typeAndWait(t, a, "9")
				wantScreen(t, a, "Phone +1 201 555 01429")
				if v := formOf(t, a); v.focus != fieldPhone || v.phone.Value() != "+1 201 555 01429" || v.email.Value() != "sam@example.com" {
					t.Errorf("focus %d, email %q, phone %q", v.focus, v.email.Value(), v.phone.Value())
				}
				if e := historyEntries(t, a); len(e) != 0 {
					t.Errorf("the prompt's answer sent something: %+v", e)
				}
			})
		}
		t.Run(fmt.Sprintf("%dx%d/y", size.width, size.height), func(t *testing.T) {
			a, _ := newSandboxApp(t, size.width, size.height)
			typeEmailAndPhone(t, a)
			pressAndWait(t, a, tea.KeyEscape, 0)
			wantScreen(t, a, prompt)
			typeAndWait(t, a, "y")
			wantScreen(t, a, homeScreen)
			typeAndWait(t, a, "s") // a new form: the discarded entry is gone
			wantNotOnScreen(t, a, "sam@example.com", "+1 201 555 0142")
			if e := historyEntries(t, a); len(e) != 0 {
				t.Errorf("discarding sent something: %+v", e)
			}
		})
	}
}

// TestFormAtRiskWhileSending: a submit on its way is what quitting would
// leave unfinished; once cancelled, the entry it leaves in the form is.
func TestFormAtRiskWhileSending(t *testing.T) {
	a := newTestApp(t, 80, 24)
	typeText(t, a, "s")
	v := formOf(t, a)
	if got := v.AtRisk(); got != "" {
		t.Errorf("empty form: AtRisk() = %q, want \"\"", got)
	}
	v.list = &client.List{ID: "Y6nRLr", Name: "Newsletter", OptInProcess: "single_opt_in"}
	if got := v.AtRisk(); got != "" {
		t.Errorf("a list alone: AtRisk() = %q, want \"\"", got)
	}
	typeText(t, a, "sam@example.com")
	press(t, a, tea.KeyTab, 0)
	press(t, a, tea.KeyTab, 0)
	press(t, a, tea.KeySpace, 0)
	_, cmd := a.Update(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}) // the send is not run
	if cmd == nil || !v.submission.running() {
		t.Fatalf("the submit did not start:\n%s", screen(a))
	}
	if got := v.AtRisk(); got != "a subscribe being sent" {
		t.Errorf("sending: AtRisk() = %q", got)
	}
	v.submission.interrupt()
	a.Update(answerTo(v, &v.submission, v.submission.seq, changeOutcome{Err: v.c.ctx.Err()}, nil))
	if got := v.AtRisk(); got != "an unsent entry in the subscribe form" {
		t.Errorf("after a cancelled send: AtRisk() = %q", got)
	}
}

// TestFormDiscardPromptFitsAShortWindow: on a 60x20 window whose form is
// full (a long email, a refusal's lines), the whole question, y/N
// included, is on the screen.
func TestFormDiscardPromptFitsAShortWindow(t *testing.T) {
	a, _ := newSandboxApp(t, 60, 20)
	typeAndWait(t, a, "s")
	typeAndWait(t, a, "a.very.long.address.for.testing@example.com")
	pressAndWait(t, a, tea.KeyTab, 0)
	typeAndWait(t, a, "+44 7400 123456")
	pressAndWait(t, a, 's', tea.ModCtrl)
	pressAndWait(t, a, tea.KeyEscape, 0)
	wantScreen(t, a, "Discard this entry (a.very.long.address.for.testing@example…, +44 7400 123456)? y/N",
		"y discard the entry • n/esc keep editing")
	wantFits(t, a, 60, 20)
}
