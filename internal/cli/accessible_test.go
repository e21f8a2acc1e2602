package cli

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestE2EDumbTerminalIsAccessible: on TERM=dumb the UI is the accessible
// mode, in a real pty: no alternate screen, no keyboard-mode request, no
// escape sequence at all.
func TestE2EDumbTerminalIsAccessible(t *testing.T) {
	term := startTerminal(t, 200, 24, []string{"CONSENT_HOME=" + t.TempDir(), "KLAVIYO_API_KEY=", "TERM=dumb", "CONSENT_ACCESSIBLE="})
	term.waitFor("accessible mode", "Choose:")
	term.press("c", keyEnter)
	term.waitFor("Phone or email to check?")
	term.press("+38631234567", keyEnter)
	term.waitFor("Slovenia (SI)", "not an SMS country")
	term.press("q", keyEnter)
	term.wantExit(0)
	raw := term.written()
	if bytes.Contains(raw, []byte("\x1b[?1049h")) {
		t.Error("TERM=dumb got the alternate screen")
	}
	if i := bytes.IndexByte(raw, 0x1b); i >= 0 {
		t.Errorf("TERM=dumb got an escape sequence: %q", raw[i:min(len(raw), i+16)])
	}
}

// TestAccessibleOnAPipe: --accessible needs no terminal: a subscribe read
// from a pipe is sent and verified; input that ends before "Send?" exits 2
// with nothing sent.
func TestAccessibleOnAPipe(t *testing.T) {
	home := t.TempDir()
	pipe := func(input string, env ...string) (string, int) {
		cmd := exec.Command(consentBinary(t), "--accessible")
		cmd.Env = append(os.Environ(), append([]string{"CONSENT_HOME=" + home, "KLAVIYO_API_KEY=", "TERM=xterm"}, env...)...)
		cmd.Stdin = strings.NewReader(input)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		code := 0
		if exit, ok := err.(*exec.ExitError); ok {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if bytes.IndexByte(out.Bytes(), 0x1b) >= 0 {
			t.Errorf("escape sequences on a pipe:\n%q", out.String())
		}
		return out.String(), code
	}
	out, code := pipe("s\npipe@example.com\n+1 201 555 0123\ny\ny\ny\nNewsletter\n\ny\nh\nq\n")
	if code != 0 || !strings.Contains(out, "SMS transactional: ✓ verified SUBSCRIBED") || !strings.Contains(out, "subscribe pipe@example.com, +12015550123 · verified") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	out, code = pipe("s\nhalf@example.com\n\ny\n", "CONSENT_ACCESSIBLE=1")
	if code != 2 || !strings.Contains(out, "Input ended: nothing was sent.") {
		t.Errorf("exit %d (want 2):\n%s", code, out)
	}
}
