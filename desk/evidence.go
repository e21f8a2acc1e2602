package desk

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// HashEvidence reads the evidence file of an offline consent (a scanned
// sign-up sheet, say) and returns its SHA-256 in lowercase hex and its base
// name, for model.OfflineConsent: the file is streamed, not kept or
// copied. A file that is missing, unreadable, a directory or anything but a
// regular file is an error that names it.
func HashEvidence(path string) (sum, name string, err error) {
	if path == "" {
		return "", "", fmt.Errorf("no evidence file named")
	}
	// Stat before opening: opening a named pipe would wait for a writer.
	info, err := os.Stat(path)
	if err != nil {
		return "", "", fmt.Errorf("evidence file %s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		what := "not a regular file"
		if info.IsDir() {
			what = "a directory, not a file"
		}
		return "", "", fmt.Errorf("evidence file %s is %s", path, what)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", "", fmt.Errorf("evidence file %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", "", fmt.Errorf("evidence file %s could not be read: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), filepath.Base(path), nil
}
