package ui

import (
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

// testOrigin is where the tests' apps make their changes.
var testOrigin = journal.Origin{Backend: "SANDBOX"}

// newSandboxApp returns the UI at a fixed size on a seeded in-process
// sandbox whose jobs apply at once, as `go run .` runs it without a key.
func newSandboxApp(t *testing.T, width, height int) (*App, *sandbox.Sandbox) {
	t.Helper()
	sb := sandboxtest.Open(t, sandbox.Options{})
	cl := sandboxtest.Client(t, sb, client.Options{})
	a := New(Options{Now: readerClock(), Client: cl, Rules: model.PhoneRules{Policy: model.DefaultSMSPolicy()}, Backend: "SANDBOX · revision 2026-07-15", Origin: testOrigin})
	send(t, a, tea.WindowSizeMsg{Width: width, Height: height})
	return a, sb
}

// sendAndWait delivers msg and runs the commands it produces to completion
// (up to a bound), for flows that do I/O against the sandbox.
func sendAndWait(t *testing.T, a *App, msg tea.Msg) {
	t.Helper()
	_, cmd := a.Update(msg)
	runCmdFully(t, a, cmd, 0)
}

// newSandboxAppWith is newSandboxApp on a sandbox with opts (faults), a
// client that tries each request once, and history h.
func newSandboxAppWith(t *testing.T, width, height int, opts sandbox.Options, h History) *App {
	t.Helper()
	sb := sandboxtest.Open(t, opts)
	return newClientApp(t, width, height, client.Options{BaseURL: "http://sandbox.invalid", Transport: sb.Transport()}, h)
}

// newClientApp returns the UI at a fixed size on a client with opts (one
// attempt per request, no limiter) and history h.
func newClientApp(t *testing.T, width, height int, opts client.Options, h History) *App {
	t.Helper()
	opts.APIKey, opts.Attempts, opts.NoLimiter = "pk_ui_test", 1, true
	cl, err := client.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	a := New(Options{Now: readerClock(), Client: cl, Rules: model.PhoneRules{Policy: model.DefaultSMSPolicy()}, Backend: "SANDBOX", History: h, Origin: testOrigin})
	send(t, a, tea.WindowSizeMsg{Width: width, Height: height})
	return a
}

// readerClock is a clock for the tests' apps that moves a second on every
// reading: a person reading a question takes that long, so a y sent to it
// answers it (TestQuestionTakesNoTypedAheadYes freezes the clock instead).
func readerClock() func() time.Time {
	var mu sync.Mutex
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Second)
		return now
	}
}
