package desk

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
)

// TestSubmitBackDated: a back-dated subscribe is journaled with its
// offline details (read back from the file) and verified with the date
// asked; a back-dated unsubscribe is refused, journaled nowhere, sent never.
func TestSubmitBackDated(t *testing.T) {
	ctx := context.Background()
	c, posts := sandboxClient(t, openSandbox(t, "", sandbox.Options{}))
	j := openTemp(t)
	offline := &model.OfflineConsent{ConsentedAt: time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC), CollectedBy: "Booth, Spring Fair",
		TextVersion: "fair-2026", EvidenceSHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", EvidenceName: "sheet.jpg"}
	req := checked(t, model.ConsentRequest{ListID: "Y6nRLr", Email: "paper.desk@example.com", Channels: emailOnly, Offline: offline})
	out := desk(j, c).Submit(ctx, journal.ActionSubscribe, req, nil, SubmitOptions{})
	if out.Err != nil || out.State() != journal.StateVerified {
		t.Fatalf("outcome %+v", out)
	}
	if got := out.Verification.Channels[0]; got.BackDate != client.BackDateAsAsked {
		t.Errorf("back date %q: %s", got.BackDate, got.Detail)
	}
	es := entries(t, j)
	if len(es) != 1 || es[0].Request.Offline == nil || *es[0].Request.Offline != *offline {
		t.Fatalf("journaled %+v, want the offline consent %+v", es[0].Request.Offline, offline)
	}

	un := checked(t, model.ConsentRequest{Email: "paper.desk@example.com", Channels: emailOnly, Offline: offline})
	before := posts.Load()
	out = desk(j, c).Submit(ctx, journal.ActionUnsubscribe, un, nil, SubmitOptions{})
	if !errors.Is(out.Err, client.ErrOfflineUnsubscribe) || out.EntryID != "" || out.Sent {
		t.Fatalf("back-dated unsubscribe: %+v", out)
	}
	if posts.Load() != before || len(entries(t, j)) != 1 {
		t.Errorf("a back-dated unsubscribe was sent or journaled")
	}
}
