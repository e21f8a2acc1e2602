package desk

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
)

// TestConcurrentRetriesSendEachEntryOnce: four desks, each with its own
// File on one journal (as four processes), retry the same ten pending
// entries at once: each is sent once.
func TestConcurrentRetriesSendEachEntryOnce(t *testing.T) {
	ctx := context.Background()
	c, posts := sandboxClient(t, openSandbox(t, "", sandbox.Options{}))
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	first, _ := journal.Open(path, journal.Meta{Agent: "dana"})
	for i := range 10 {
		req := model.ConsentRequest{Email: "twice" + string(rune('a'+i)) + "@example.com", Channels: emailOnly}
		if _, err := first.Add(journal.Entry{Action: journal.ActionSubscribe, Origin: here, Request: req}); err != nil {
			t.Fatal(err)
		}
	}
	pending := entries(t, first)
	var wg sync.WaitGroup
	for range 4 {
		f, _ := journal.Open(path, journal.Meta{Agent: "dana"})
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
	if n := journal.NewRetries(entries(t, first)).Count(entries(t, first)); n != 0 {
		t.Errorf("%d entries still need a retry", n)
	}
}
