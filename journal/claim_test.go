package journal

import (
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// TestClaimIsExclusiveAcrossFiles: two Files on one path (two processes'
// views of it): while one holds a claim the other cannot take it; after a
// release, or once a claim is older than ClaimTTL (its holder stopped), it
// can.
func TestClaimIsExclusiveAcrossFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	a, _ := Open(path, Meta{Agent: "a"})
	b, _ := Open(path, Meta{Agent: "b"})
	id, _ := a.Add(Entry{Action: ActionSubscribe, Request: sampleRequest})
	if _, _, err := a.Claim(id, "desk A"); err != nil {
		t.Fatal(err)
	}
	var ce *ClaimError
	if _, _, err := b.Claim(id, "desk B"); !errors.As(err, &ce) {
		t.Fatalf("second claim: %v", err)
	}
	if err := a.Release(id, "desk A"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.Claim(id, "desk B"); err != nil {
		t.Fatalf("after a release: %v", err)
	}
	a.now = func() time.Time { return time.Now().Add(ClaimTTL + time.Second) }
	if _, _, err := a.Claim(id, "desk A"); err != nil {
		t.Fatalf("a claim older than ClaimTTL still held: %v", err)
	}
}
