package journal

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"time"
)

// ClaimTTL is how long a claim holds when its holder neither releases it
// nor settles the entry (it stopped mid-retry): after it, the entry may be
// claimed again. A retry is bounded well within it (retryBound).
const ClaimTTL = 10 * time.Minute

// ClaimError says why an entry could not be claimed: it needs nothing, a
// later entry resent it, or someone else is retrying it now.
type ClaimError struct {
	ID     string
	Reason string
}

func (e *ClaimError) Error() string { return "entry " + e.ID + " " + e.Reason }

// claimable returns entry id of all (newest first) when claimant may claim
// it at now: it is open, no later entry resent it, nobody else holds a
// live claim on it, and nobody else is retrying the entry it resends.
func claimable(id, claimant string, all []Entry, now time.Time) (Entry, error) {
	var e Entry
	found := false
	for _, x := range all {
		if x.ID == id {
			e, found = x, true
			break
		}
	}
	switch {
	case !found:
		return Entry{}, &ClaimError{id, "is not in the journal"}
	case !e.State.Open():
		return e, &ClaimError{id, "is " + e.State.Label() + ": nothing to retry"}
	}
	if by := NewRetries(all).ResentAs(id); by != "" {
		return e, &ClaimError{id, "was resent as entry " + by + ": that one is retried instead"}
	}
	if heldByOther(e, claimant, now) {
		return e, &ClaimError{id, fmt.Sprintf("is being retried by %s since %s (a claim lasts at most %s)",
			e.ClaimedBy, e.ClaimedAt.Local().Format("15:04:05"), ClaimTTL)}
	}
	// A resend is sent by whoever claimed the entry it resends, under that
	// claim: while it holds, nobody else may take the resend and send it
	// a second time.
	if e.RetryOf != "" {
		for _, orig := range all {
			if orig.ID == e.RetryOf && heldByOther(orig, claimant, now) {
				return e, &ClaimError{id, fmt.Sprintf("is being sent by %s, who is retrying entry %s", orig.ClaimedBy, orig.ID)}
			}
		}
	}
	return e, nil
}

// heldByOther reports whether someone but claimant holds a live claim on e.
func heldByOther(e Entry, claimant string, now time.Time) bool {
	return e.ClaimedBy != "" && e.ClaimedBy != claimant && now.Sub(e.ClaimedAt) < ClaimTTL && !holderGone(e.ClaimedBy)
}

// holderGone reports whether a claim's holder (a NewClaimant name) was a
// process on this machine that no longer runs: killed mid-retry, its claim
// holds nothing. A holder elsewhere, or whose pid runs again, keeps its
// claim until ClaimTTL.
func holderGone(claimant string) bool {
	host, _ := os.Hostname()
	var pid int
	_, rest, ok := strings.Cut(claimant, " on "+host+" (pid ")
	if !ok || host == "" {
		return false
	}
	if _, err := fmt.Sscanf(rest, "%d,", &pid); err != nil {
		return false
	}
	return pid != os.Getpid() && processGone(pid)
}

// NewClaimant names one retry for its claims: who, where, and a random
// part, so that two retries by the same agent are told apart.
func NewClaimant(agent string) string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	if agent == "" {
		agent = "someone"
	}
	return fmt.Sprintf("%s on %s (pid %d, %s)", agent, host, os.Getpid(), hex.EncodeToString(b[:]))
}
