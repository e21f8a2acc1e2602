//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentdesk/consent/client/sandbox"
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
