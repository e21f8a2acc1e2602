package journal

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// TestClaimOfADeadProcessHoldsNothing: a claim whose holder was a process
// on this machine that has ended is taken over at once; a live holder's
// (this test's own process, under another claimant name) still holds.
func TestClaimOfADeadProcessHoldsNothing(t *testing.T) {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("no true(1) to make a dead pid with")
	}
	host, _ := os.Hostname()
	dead := fmt.Sprintf("dana on %s (pid %d, 0badc0de)", host, cmd.Process.Pid)
	live := fmt.Sprintf("dana on %s (pid %d, 0badc0de)", host, os.Getppid())
	now := time.Now()
	for _, tc := range []struct {
		holder string
		free   bool
	}{{dead, true}, {live, false}, {"dana on elsewhere.example (pid 1, 0badc0de)", false}} {
		all := []Entry{{ID: "e1", State: StatePending, ClaimedBy: tc.holder, ClaimedAt: now}}
		_, err := claimable("e1", "someone else", all, now)
		if (err == nil) != tc.free {
			t.Errorf("held by %q: claimable err = %v, want free %v", tc.holder, err, tc.free)
		}
	}
}

// TestAResendIsTheRetriersWhileTheyHoldTheClaim: while desk A retries
// entry X (its claim held), the resend Y it journaled cannot be claimed by
// desk B, who would send it a second time; once A releases X, it can.
func TestAResendIsTheRetriersWhileTheyHoldTheClaim(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	a, _ := Open(path, Meta{Agent: "a"})
	b, _ := Open(path, Meta{Agent: "b"})
	x, _ := a.Add(Entry{Action: ActionSubscribe, Request: sampleRequest})
	if _, _, err := a.Claim(x, "desk A"); err != nil {
		t.Fatal(err)
	}
	y, _ := a.Add(Entry{Action: ActionSubscribe, Request: sampleRequest, RetryOf: x})
	var ce *ClaimError
	if _, _, err := b.Claim(y, "desk B"); !errors.As(err, &ce) || !strings.Contains(err.Error(), "is being sent by desk A, who is retrying entry "+x) {
		t.Fatalf("desk B claiming the resend: %v", err)
	}
	if _, _, err := a.Claim(y, "desk A"); err != nil {
		t.Fatalf("desk A claiming its own resend: %v", err)
	}
	if err := a.Release(y, "desk A"); err != nil {
		t.Fatal(err)
	}
	if err := a.Release(x, "desk A"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.Claim(y, "desk B"); err != nil {
		t.Fatalf("after desk A released the original: %v", err)
	}
}
