package cli

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"

	"github.com/consentdesk/consent/internal/screentest"
	"github.com/consentdesk/consent/sandbox"
)

// terminal is the built binary running in a real pseudo-terminal, its
// screen kept by a terminal emulator, as an agent would see it.
type terminal struct {
	t    testing.TB
	pty  *os.File
	emu  *vt.SafeEmulator
	cmd  *exec.Cmd
	done chan error
	raw  *lockedBuffer // every byte the program wrote
}

// lockedBuffer is a bytes.Buffer safe for one writer and one reader.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

// written is every byte the program wrote to the terminal so far.
func (term *terminal) written() []byte { return term.raw.Bytes() }

// startTerminal runs the consent binary with args in a width×height pty.
func startTerminal(t testing.TB, width, height int, env []string, args ...string) *terminal {
	t.Helper()
	cmd := exec.Command(consentBinary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(width), Rows: uint16(height)})
	if err != nil {
		t.Fatal(err)
	}
	term := &terminal{t: t, pty: f, emu: vt.NewSafeEmulator(width, height), cmd: cmd, done: make(chan error, 1), raw: &lockedBuffer{}}
	go func() { _, _ = io.Copy(io.MultiWriter(term.emu, term.raw), f) }() // the program's output onto the screen
	go func() { _, _ = io.Copy(f, term.emu) }()                           // the terminal's answers to its queries
	go func() { term.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = f.Close()
	})
	return term
}

// screen is the emulator's screen as text. (SafeEmulator's Render is
// locked; its String, promoted from Emulator, is not.)
func (term *terminal) screen() string { return ansi.Strip(term.emu.Render()) }

// waitFor waits until every want is on screen (runs of spaces count as
// one), or fails the test with the screen.
func (term *terminal) waitFor(wants ...string) {
	term.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		missing := screentest.Missing(term.screen(), wants...)
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("screen lacks %q after 15 s:\n%s", missing, term.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// press types keys into the terminal, one write each, as a person would.
func (term *terminal) press(keys ...string) {
	term.t.Helper()
	for _, k := range keys {
		if _, err := term.pty.Write([]byte(k)); err != nil {
			term.t.Fatal(err)
		}
		pause := 30 * time.Millisecond
		if k == keyEsc {
			// A lone ESC is told from the start of a sequence by the
			// silence after it; two in a row would read as alt+esc.
			pause = 250 * time.Millisecond
		}
		time.Sleep(pause)
	}
}

// Keys as a terminal sends them.
const (
	keyTab   = "\t"
	keyEnter = "\r"
	keySpace = " "
	keyEsc   = "\x1b"
	keyCtrlC = "\x03"
	keyCtrlU = "\x15"
)

// TestE2ESubscribeInARealTerminal is the new user's first session: start on
// a fresh CONSENT_HOME with no key (the sandbox), see a Slovenian number
// refused while typing, replace it with a US number, tick email and SMS
// marketing, pick a list, submit, see both channels verified, then find the
// subscriber in the list's members and in History.
func TestE2ESubscribeInARealTerminal(t *testing.T) {
	home := t.TempDir()
	term := startTerminal(t, 100, 30, []string{"CONSENT_HOME=" + home, "KLAVIYO_API_KEY=", "TERM=xterm-256color"})
	term.waitFor("Consent Desk", "SANDBOX", "What would you like to do?", "s subscribe someone to a list")

	term.press("s")
	term.waitFor("Email", "Phone", "SMS marketing", "List none yet")
	term.press(strings.Split("e2e.person@example.com", "")...)
	term.press(keyTab)
	term.press(strings.Split("+386 31 234 567", "")...)
	term.waitFor("Slovenia (SI) · mobile", "Slovenia (+386) is not an SMS country for this account", "[-] disabled")

	term.press(keyCtrlU)
	term.press(strings.Split("+1 201 555 0177", "")...)
	term.waitFor("United States (US)", "✓ SMS consent can be recorded")
	term.press(keyTab, keySpace, keyTab, keySpace, keyTab, keyTab, keyEnter)
	term.waitFor("Newsletter", "VIP Early Access", "double opt-in")
	term.press(keyEnter)
	term.waitFor("List Newsletter (Y6nRLr) · single opt-in")
	term.press(keyEnter)
	term.waitFor("Email marketing ✓ verified SUBSCRIBED at", "SMS marketing ✓ verified SUBSCRIBED at")

	term.press(keyEsc)
	term.waitFor("[ Submit ]")
	term.press(keyEsc)
	term.waitFor("What would you like to do?")
	term.press("m")
	term.waitFor("Newsletter")
	term.press(strings.Split("Newsletter", "")...)
	term.press(keyEnter)
	term.waitFor("rows 1–", " of 225") // the list's count: the demo's 224 and this one
	term.press("/")
	term.press(strings.Split("e2e.person@example.com", "")...)
	term.press(keyEnter)
	term.waitFor("e2e.person@example.com", "+12015550177 US")

	term.press(keyEsc)
	term.waitFor("mate.nagy@example.org", "esc back") // the whole list again, oldest member first
	term.press(keyEsc)
	term.waitFor("What would you like to do?")
	term.press("h")
	term.waitFor("e2e.person@example.com", "verified")

	term.press(keyCtrlC)
	term.wantExit(130) // interrupted
}

// wantExit waits for the program to exit with code, or fails the test.
func (term *terminal) wantExit(code int) {
	term.t.Helper()
	select {
	case err := <-term.done:
		var exit *exec.ExitError
		got := 0
		if errors.As(err, &exit) {
			got = exit.ExitCode()
		} else if err != nil {
			term.t.Fatalf("consent: %v", err)
		}
		if got != code {
			term.t.Errorf("consent exited with %d, want %d", got, code)
		}
	case <-time.After(10 * time.Second):
		term.t.Fatal("consent did not exit")
	}
}

// coloredCells counts the screen cells drawn with a foreground colour.
func (term *terminal) coloredCells() int {
	n := 0
	for y := 0; y < term.emu.Height(); y++ {
		for x := 0; x < term.emu.Width(); x++ {
			if c := term.emu.CellAt(x, y); c != nil && c.Style.Fg != nil {
				n++
			}
		}
	}
	return n
}

// TestE2ENoColor shows NO_COLOR honoured in a real terminal: the same home
// screen is drawn in colour without it and with no colour at all with it.
func TestE2ENoColor(t *testing.T) {
	for _, tt := range []struct {
		noColor string
		colored bool
	}{{"", true}, {"1", false}} {
		term := startTerminal(t, 80, 24, []string{"CONSENT_HOME=" + t.TempDir(), "KLAVIYO_API_KEY=", "TERM=xterm-256color", "COLORTERM=truecolor", "CLICOLOR=", "CLICOLOR_FORCE=", "NO_COLOR=" + tt.noColor})
		term.waitFor("What would you like to do?", "q quit")
		if got := term.coloredCells(); (got > 0) != tt.colored {
			t.Errorf("NO_COLOR=%q: %d coloured cells, want colour %v\n%s", tt.noColor, got, tt.colored, term.screen())
		}
		term.press(keyCtrlC)
		<-term.done
	}
}

// TestE2EQuitWhileSendingAsksAndSaysWhatIsLeft: ctrl+c while a subscribe is
// being sent asks first (n stays); y quits with exit 130, and the terminal
// is told that the change was being sent and is not verified, and how
// History retries it. The journal has it pending.
func TestE2EQuitWhileSendingAsksAndSaysWhatIsLeft(t *testing.T) {
	d := newKlaviyoDouble(t, sandbox.Options{})
	home := t.TempDir()
	term := startTerminal(t, 100, 30, []string{"CONSENT_HOME=" + home, "KLAVIYO_API_URL=" + d.srv.URL, "KLAVIYO_API_KEY=" + keyA, "TERM=xterm-256color"})
	term.waitFor("What would you like to do?")
	term.press("s")
	term.waitFor("Email", "List none yet")
	term.press(strings.Split("quit.while.sending@example.com", "")...)
	term.press(keyTab, keyTab, keySpace, keyTab, keyTab, keyTab, keyEnter)
	term.waitFor("Newsletter")
	term.press(keyEnter)
	term.waitFor("List Newsletter (Y6nRLr)")
	d.latency.Store(int64(time.Minute)) // Klaviyo holds the subscribe
	term.press(keyEnter)
	term.waitFor("Sending, then reading the profile back")
	term.press(keyCtrlC)
	term.waitFor("Quit now, leaving a subscribe being sent?", "y/N")
	term.press("n")
	term.waitFor("Sending, then reading the profile back")
	term.press(keyCtrlC)
	term.waitFor("Quit now")
	time.Sleep(time.Second) // read the question: a y typed straight after it is No
	term.press("y")
	term.wantExit(130)
	term.waitFor("consent: you quit with a subscribe being sent.",
		"consent: 1 change is not verified: consent history lists them; consent history retry --all (or h in the UI) settles them.")
	if e := journalEntries(t, home); len(e) != 1 || e[0]["state"] != "pending" {
		t.Errorf("journal: %v", e)
	}
}
