//go:build unix

package privatefile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOpenFileRefusesWhatOthersCouldReadOrChange attacks OpenFile with
// each way another local user could get at a journal: a link to another
// file, a dangling link (which would create its target), a file others
// may write, one of another user, a FIFO; and repairs one others may only
// read.
func TestOpenFileRefusesWhatOthersCouldReadOrChange(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, path string)
		refused string // "" when opened
		mode    os.FileMode
	}{
		{"new", func(*testing.T, string) {}, "", 0o600},
		{"own 0600", func(t *testing.T, p string) { write(t, p, 0o600) }, "", 0o600},
		{"readable by others is repaired", func(t *testing.T, p string) { write(t, p, 0o644) }, "", 0o600},
		{"writable by others", func(t *testing.T, p string) { write(t, p, 0o666) }, "can be written by other users (mode 0666)", 0},
		{"a link to another file", func(t *testing.T, p string) {
			target := filepath.Join(filepath.Dir(p), "elsewhere")
			write(t, target, 0o644)
			link(t, target, p)
		}, "is a symbolic link", 0},
		{"a dangling link", func(t *testing.T, p string) { link(t, filepath.Join(filepath.Dir(p), "not-yet"), p) }, "is a symbolic link", 0},
		{"a FIFO", func(t *testing.T, p string) {
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "is not a regular file", 0},
		{"another user's", func(t *testing.T, p string) {
			if os.Geteuid() != 0 {
				if os.Getenv("CI") == "true" {
					t.Fatal("giving a file to another user needs root: run the tests as root")
				}
				t.Skip("giving a file to another user needs root")
			}
			write(t, p, 0o600)
			if err := os.Chown(p, 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}, "belongs to another user (uid 65534)", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "journal.jsonl")
			tt.setup(t, path)
			f, err := OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE|syscall.O_NONBLOCK, 0o600)
			if tt.refused != "" {
				var ue *UnsafeError
				if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.refused) {
					t.Fatalf("err = %v, want %q", err, tt.refused)
				}
				if _, err := os.Stat(filepath.Join(dir, "not-yet")); err == nil {
					t.Error("a dangling link created its target")
				}
				if fi, err := os.Stat(filepath.Join(dir, "elsewhere")); err == nil && fi.Size() != 0 {
					t.Error("the link's target was written")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			f.Close()
			if fi, _ := os.Stat(path); fi.Mode().Perm() != tt.mode {
				t.Errorf("mode %v, want %v", fi.Mode().Perm(), tt.mode)
			}
		})
	}
}

// TestDirRefusesLooseDirectories: a home others may write is refused with
// how to fix it; one they may only list is used; a new one is made 0700.
func TestDirRefusesLooseDirectories(t *testing.T) {
	tests := []struct {
		mode    os.FileMode
		refused string
	}{
		{0o700, ""},
		{0o755, ""},
		{0o777, "can be written by other users (mode 0777)"},
		{0o1777, "can be written by other users"},
	}
	for _, tt := range tests {
		dir := filepath.Join(t.TempDir(), "home")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, tt.mode); err != nil {
			t.Fatal(err)
		}
		err := Dir(dir)
		if (tt.refused == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.refused)) {
			t.Errorf("mode %04o: err = %v, want %q", tt.mode, err, tt.refused)
		}
	}
	fresh := filepath.Join(t.TempDir(), "a", "b")
	if err := Dir(fresh); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(fresh); fi.Mode().Perm() != 0o700 {
		t.Errorf("a new directory is %v", fi.Mode().Perm())
	}
}

// TestCheckExistingRefusesALink: a companion file planted as a link is
// refused before SQLite would follow it; a missing one is fine.
func TestCheckExistingRefusesALink(t *testing.T) {
	dir := t.TempDir()
	if err := CheckExisting(filepath.Join(dir, "db-wal")); err != nil {
		t.Errorf("missing: %v", err)
	}
	link(t, "/etc/passwd", filepath.Join(dir, "db-shm"))
	if err := CheckExisting(filepath.Join(dir, "db-shm")); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("link: %v", err)
	}
	write(t, filepath.Join(dir, "db-wal"), 0o644)
	if err := CheckExisting(filepath.Join(dir, "db-wal")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "db-wal")); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
}

func write(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, nil, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func link(t *testing.T, target, path string) {
	t.Helper()
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
}
