package desk

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHashEvidence(t *testing.T) {
	dir := t.TempDir()
	sheet := filepath.Join(dir, "sheet.jpg")
	if err := os.WriteFile(sheet, []byte("test"), 0o600); err != nil {
		t.Fatal(err)
	}
	unreadable := filepath.Join(dir, "locked.jpg")
	if err := os.WriteFile(unreadable, []byte("x"), 0o000); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path, sum, name, err string
	}{
		{path: sheet, sum: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", name: "sheet.jpg"}, // sha256("test")
		{path: filepath.Join(dir, "missing.jpg"), err: "evidence file " + filepath.Join(dir, "missing.jpg") + ": "},
		{path: dir, err: "evidence file " + dir + " is a directory, not a file"},
		{path: "", err: "no evidence file named"},
	}
	if os.Geteuid() != 0 { // root reads any file
		tests = append(tests, struct{ path, sum, name, err string }{path: unreadable, err: "evidence file " + unreadable + ": "})
	}
	for _, tt := range tests {
		sum, name, err := HashEvidence(tt.path)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("HashEvidence(%q) err = %v, want %q", tt.path, err, tt.err)
		case tt.err == "" && (err != nil || sum != tt.sum || name != tt.name):
			t.Errorf("HashEvidence(%q) = %q, %q, %v; want %q, %q", tt.path, sum, name, err, tt.sum, tt.name)
		}
	}
}
