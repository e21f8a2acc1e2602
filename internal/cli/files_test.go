//go:build unix

package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentdesk/consent/sandbox"
)

// TestFilesOthersCouldReadOrChangeAreRefused attacks the journal and the
// sandbox database the way another local user could: a journal that is a
// link (to a file, or dangling), one others may write, a home others may
// write, a sandbox database that is a link. Each is refused (exit 2,
// saying what is wrong), nothing is sent, and nothing is written through a
// link or chmod-ed behind it.
func TestFilesOthersCouldReadOrChangeAreRefused(t *testing.T) {
	d := newKlaviyoDouble(t, sandbox.Options{})
	subscribe := []string{"subscribe", "--list", "Y6nRLr", "--email", "files@example.com", "--email-marketing"}
	tests := []struct {
		name  string
		setup func(t *testing.T, home string) (target string)
		want  string
	}{
		{"journal is a link to another file", func(t *testing.T, home string) string {
			target := filepath.Join(t.TempDir(), "victim")
			if err := os.WriteFile(target, []byte("precious\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			symlink(t, target, filepath.Join(home, journalFile))
			return target
		}, "journal.jsonl is a symbolic link"},
		{"journal is a dangling link", func(t *testing.T, home string) string {
			target := filepath.Join(t.TempDir(), "created-by-the-link")
			symlink(t, target, filepath.Join(home, journalFile))
			return target
		}, "journal.jsonl is a symbolic link"},
		{"journal others may write", func(t *testing.T, home string) string {
			p := filepath.Join(home, journalFile)
			if err := os.WriteFile(p, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, 0o666); err != nil {
				t.Fatal(err)
			}
			return ""
		}, "can be written by other users (mode 0666)"},
		{"a home others may write", func(t *testing.T, home string) string {
			if err := os.Chmod(home, 0o777); err != nil {
				t.Fatal(err)
			}
			return ""
		}, "can be written by other users (mode 0777)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			target := tt.setup(t, home)
			code, out, errOut := d.run(t, home, keyA, subscribe...)
			if code != 2 || !strings.Contains(errOut, tt.want) || d.posts.Load() != 0 {
				t.Fatalf("exit %d, %d POSTs\n%s%s", code, d.posts.Load(), out, errOut)
			}
			if target != "" {
				data, err := os.ReadFile(target)
				if tt.name == "journal is a dangling link" {
					if err == nil {
						t.Errorf("the dangling link's target was created")
					}
				} else if string(data) != "precious\n" {
					t.Errorf("the link's target was written: %q", data)
				}
			}
		})
	}

	t.Run("sandbox database is a link", func(t *testing.T) {
		home := t.TempDir()
		victim := filepath.Join(t.TempDir(), "victim")
		if err := os.WriteFile(victim, []byte("precious\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		symlink(t, victim, filepath.Join(home, sandboxDBFile))
		out, errOut, code := runBinary(t, []string{"CONSENT_HOME=" + home, "KLAVIYO_API_KEY="}, "lists")
		if code != 2 || !strings.Contains(string(errOut), "sandbox.db is a symbolic link") {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
		if fi, _ := os.Stat(victim); fi.Mode().Perm() != 0o644 {
			t.Errorf("the link's target was chmod-ed to %v", fi.Mode().Perm())
		}
	})
}

func symlink(t *testing.T, target, path string) {
	t.Helper()
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
}

// TestATamperedJournalCannotReachTheTerminal: a journal whose id, action,
// state, channels, agent and result carry an OSC 52 clipboard write, a
// screen clear, BEL, C1 and bidi controls: `consent history` shows none of
// them, and `history --json` carries them only escaped.
func TestATamperedJournalCannotReachTheTerminal(t *testing.T) {
	home := t.TempDir()
	entry := map[string]any{
		"op": "add", "id": hostile("20261201-120000-aaaaaaaa"), "at": "2026-12-01T12:00:00Z", "updated": "2026-12-01T12:00:00Z",
		"action": hostile("subscribe"), "backend": hostile("SANDBOX"), "agent": hostile("dana"), "state": hostile("pending"),
		"result": hostile("result"), "request": map[string]any{"email": hostile("x@example.com"), "channels": []string{hostile("email_marketing")}},
	}
	line, err := json.Marshal(entry)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, journalFile), append(line, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runBinary(t, []string{"CONSENT_HOME=" + home}, "history")
	if code != 0 {
		t.Fatalf("history: exit %d %s", code, errOut)
	}
	wantSafe(t, "consent history", out)
	wantText(t, "consent history", out, "20261201-120000-aaaaaaaa", "x@example.com")
	js, _, _ := runBinary(t, []string{"CONSENT_HOME=" + home}, "history", "--json")
	if i := firstControl(js); i >= 0 || bytes.ContainsAny(js, "\x1b\a") {
		t.Errorf("history --json holds a raw terminal control: %q", js)
	}
	var back map[string]any
	if err := json.Unmarshal(js, &back); err != nil || back["agent"] != entry["agent"] {
		t.Errorf("history --json is not faithful: %v %q", err, back["agent"])
	}
}

// TestCredentialsInTheAPIURLAreNeverShownOrJournaled: a KLAVIYO_API_URL
// with a password in it is journaled and shown redacted, and an error
// about it does not quote the password either.
func TestCredentialsInTheAPIURLAreNeverShownOrJournaled(t *testing.T) {
	d := newKlaviyoDouble(t, sandbox.Options{})
	home := t.TempDir()
	withPassword := strings.Replace(d.srv.URL, "http://", "http://agent:s3cr3t-pw@", 1)
	env := []string{"CONSENT_HOME=" + home, "KLAVIYO_API_URL=" + withPassword, "KLAVIYO_API_KEY=" + keyA}
	out, errOut, code := runBinary(t, env, "subscribe", "--list", "Y6nRLr", "--email", "url@example.com", "--email-marketing")
	if code != 0 {
		t.Fatalf("subscribe: exit %d %s%s", code, out, errOut)
	}
	journalBytes, _ := os.ReadFile(filepath.Join(home, journalFile))
	table, _, _ := runBinary(t, env, "history")
	closed := strings.Replace(withPassword, d.srv.URL[len("http://"):], "127.0.0.1:1", 1)
	_, failed, _ := runBinary(t, []string{"CONSENT_HOME=" + home, "KLAVIYO_API_URL=" + closed, "KLAVIYO_API_KEY=" + keyA}, "lists")
	for what, b := range map[string][]byte{"stdout": out, "stderr": errOut, "journal": journalBytes, "history": table, "an error": failed} {
		if bytes.Contains(b, []byte("s3cr3t-pw")) {
			t.Errorf("%s shows the URL's password:\n%s", what, b)
		}
	}
	if !bytes.Contains(journalBytes, []byte("agent:xxxxx@127.0.0.1")) {
		t.Errorf("the journal does not name the redacted URL:\n%s", journalBytes)
	}
}
