package ui

import (
	"bytes"
	"io"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/charmbracelet/x/vt"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/internal/screentest"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

// programScreen runs the App in a real Bubble Tea program (teatest) and
// keeps what it draws on an emulated screen of a fixed size.
type programScreen struct {
	t   *testing.T
	tm  *teatest.TestModel
	emu *vt.Emulator
}

func startProgram(t *testing.T, a *App, width, height int) *programScreen {
	t.Helper()
	tm := teatest.NewTestModel(t, a, teatest.WithInitialTermSize(width, height))
	emu := vt.NewEmulator(width, height)
	// The emulator answers the program's terminal queries on its reader;
	// nobody needs the answers here, but unread they would block it. The
	// reader stays until the test binary exits: closing the emulator under
	// it is a data race inside vt.
	go func() { _, _ = io.Copy(io.Discard, emu) }()
	t.Cleanup(func() { _ = tm.Quit() })
	return &programScreen{t: t, tm: tm, emu: emu}
}

// waitFor reads what the program drew so far onto the screen until every
// want is on it (runs of spaces count as one), or fails with the screen.
func (p *programScreen) waitFor(wants ...string) {
	p.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if b, err := io.ReadAll(p.tm.Output()); err == nil && len(b) > 0 {
			// A terminal's line discipline turns \n into \r\n (ONLCR);
			// here there is no tty in between, so do it on the way in.
			_, _ = p.emu.Write(bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")))
		}
		missing := screentest.Missing(p.emu.String(), wants...)
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("screen lacks %q:\n%s", missing, p.emu.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (p *programScreen) typeText(s string) { p.tm.Type(s) }

func (p *programScreen) press(code rune) { p.tm.Send(tea.KeyPressMsg{Code: code}) }

// TestProgramSubscribeToResult runs the whole subscribe → result path in a
// Bubble Tea program on the in-process sandbox, with its real job delay, so
// verification has to wait for the asynchronous job like it does on Klaviyo.
func TestProgramSubscribeToResult(t *testing.T) {
	sb := sandboxtest.Open(t, sandbox.Options{JobDelay: sandbox.DefaultJobDelay})
	cl := sandboxtest.Client(t, sb, client.Options{})
	a := New(Options{Now: readerClock(), Client: cl, Rules: model.PhoneRules{Policy: model.DefaultSMSPolicy()}, Backend: "SANDBOX"})
	p := startProgram(t, a, 100, 30)
	p.waitFor("What would you like to do?", "SANDBOX")

	p.typeText("s")
	p.waitFor("Email", "List none yet")
	p.typeText("teatest@example.com")
	p.press(tea.KeyTab)
	p.typeText("+1 787 555 0123")
	p.waitFor("Puerto Rico (PR)", "✗ Puerto Rico (+1 787) is a US territory")
	p.tm.Send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	p.typeText("+1 201 555 0166")
	p.waitFor("✓ SMS consent can be recorded")
	p.press(tea.KeyTab)
	p.press(tea.KeySpace)
	p.press(tea.KeyTab)
	p.press(tea.KeySpace)
	p.press(tea.KeyTab)
	p.press(tea.KeySpace)
	p.press(tea.KeyTab)
	p.press(tea.KeyEnter)
	p.waitFor("14 lists")
	p.press(tea.KeyEnter)
	p.waitFor("List Newsletter (Y6nRLr)")
	p.tm.Send(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	p.waitFor("Subscribe teatest@example.com, +12015550166 · Newsletter",
		"Email marketing ✓ verified SUBSCRIBED", "SMS marketing ✓ verified SUBSCRIBED", "SMS transactional ✓ verified SUBSCRIBED")

	// e: back to the form with everything as typed.
	p.typeText("e")
	p.waitFor("teatest@example.com", "+1 201 555 0166", "[x]")
}
