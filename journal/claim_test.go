package journal

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
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

// TestConcurrentRetriesSendEachEntryOnce: four desks, each with its own
// File on one journal (as four processes), retry the same ten pending
// entries at once: each is sent once.
func TestConcurrentRetriesSendEachEntryOnce(t *testing.T) {
	ctx := context.Background()
	c, posts := sandboxClient(t, openSandbox(t, "", sandbox.Options{}))
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	first, _ := Open(path, Meta{Agent: "dana"})
	for i := range 10 {
		req := model.ConsentRequest{Email: "twice" + string(rune('a'+i)) + "@example.com", Channels: emailOnly}
		if _, err := first.Add(Entry{Action: ActionSubscribe, Origin: here, Request: req}); err != nil {
			t.Fatal(err)
		}
	}
	pending := entries(t, first)
	var wg sync.WaitGroup
	for range 4 {
		f, _ := Open(path, Meta{Agent: "dana"})
		d := desk(f, c)
		wg.Go(func() {
			for _, e := range pending {
				_, _ = d.Retry(ctx, e, RetryOptions{})
			}
		})
	}
	wg.Wait()
	if posts.Load() != 10 {
		t.Errorf("%d POSTs for 10 pending entries retried by 4 desks at once", posts.Load())
	}
	if n := NewRetries(entries(t, first)).Count(entries(t, first)); n != 0 {
		t.Errorf("%d entries still need a retry", n)
	}
}
