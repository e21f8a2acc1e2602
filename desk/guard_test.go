package desk

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
)

// TestRetryOnlyWhereTheEntryWasMade: an entry is resent only on the
// backend and account it was made on (and, without an account, with the
// same key); anywhere else nothing is sent and the error names both.
func TestRetryOnlyWhereTheEntryWasMade(t *testing.T) {
	klaviyo := "Klaviyo https://a.klaviyo.com"
	tests := []struct {
		name       string
		made, here journal.Origin
		retried    bool
	}{
		{"same sandbox", journal.Origin{Backend: "SANDBOX"}, journal.Origin{Backend: "SANDBOX"}, true},
		{"sandbox practice to a real account", journal.Origin{Backend: "SANDBOX"}, journal.Origin{Backend: klaviyo, Account: "us-shop"}, false},
		{"account A to account B", journal.Origin{Backend: klaviyo, Account: "a"}, journal.Origin{Backend: klaviyo, Account: "b"}, false},
		{"same account, a new key", journal.Origin{Backend: klaviyo, Account: "a", KeyID: "11111111"}, journal.Origin{Backend: klaviyo, Account: "a", KeyID: "22222222"}, true},
		{"no account, another key", journal.Origin{Backend: klaviyo, KeyID: "11111111"}, journal.Origin{Backend: klaviyo, KeyID: "22222222"}, false},
		{"no account, the same key", journal.Origin{Backend: klaviyo, KeyID: "11111111"}, journal.Origin{Backend: klaviyo, KeyID: "11111111"}, true},
		{"another server", journal.Origin{Backend: "Klaviyo http://127.0.0.1:4000", KeyID: "1"}, journal.Origin{Backend: klaviyo, KeyID: "1"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, posts := sandboxClient(t, openSandbox(t, "", sandbox.Options{}))
			j := journal.NewMemory()
			id, _ := j.Add(journal.Entry{Action: journal.ActionSubscribe, Origin: tt.made, Request: model.ConsentRequest{Email: "where@example.com", Channels: emailOnly}})
			d := desk(j, c)
			d.Origin = tt.here
			out, err := d.Retry(context.Background(), byID(t, j, id), RetryOptions{})
			var notHere *NotHereError
			switch {
			case tt.retried && (err != nil || out.State() != journal.StateVerified):
				t.Fatalf("not retried: %v", err)
			case !tt.retried && !errors.As(err, &notHere):
				t.Fatalf("err = %v, want NotHereError", err)
			case !tt.retried && posts.Load() != 0:
				t.Fatalf("%d POSTs to the wrong place", posts.Load())
			case !tt.retried && !strings.Contains(err.Error(), "made on "+tt.made.String()+": not retried here"):
				t.Errorf("err = %v", err)
			case !tt.retried && byID(t, j, id).State != journal.StatePending:
				t.Errorf("entry changed: %+v", byID(t, j, id))
			}
		})
	}
}

// TestRetryNeverOverridesALaterOptOut: a pending subscribe, then that
// person's verified unsubscribe: retrying the subscribe is refused, saying
// why, and sends nothing. The same when the opt-out happened at Klaviyo
// (the person's consent timestamp is after the entry), but not when
// Klaviyo's last change is older than the entry.
func TestRetryNeverOverridesALaterOptOut(t *testing.T) {
	ctx := context.Background()
	req := model.ConsentRequest{Email: "opted.out@example.com", Phone: "+12015550188", Channels: []model.Channel{model.EmailMarketing, model.SMSMarketing}}

	t.Run("a later entry", func(t *testing.T) {
		c, posts := sandboxClient(t, openSandbox(t, "", sandbox.Options{}))
		j := journal.NewMemory()
		d := desk(j, c)
		pending, _ := j.Add(journal.Entry{At: time.Now().Add(-time.Hour), Action: journal.ActionSubscribe, Origin: here, Request: req})
		unsub := model.ConsentRequest{Phone: req.Phone, Channels: []model.Channel{model.SMSMarketing}}
		if out := d.Submit(ctx, journal.ActionUnsubscribe, checked(t, unsub), nil, SubmitOptions{}); out.State() != journal.StateVerified {
			t.Fatalf("unsubscribe: %+v", out)
		}
		before := posts.Load()
		_, err := d.Retry(ctx, byID(t, j, pending), RetryOptions{})
		var changed *ChangedSinceError
		if !errors.As(err, &changed) || !strings.Contains(err.Error(), "a later entry") || !strings.Contains(err.Error(), "unsubscribe of SMS marketing, verified") {
			t.Fatalf("err = %v", err)
		}
		if posts.Load() != before {
			t.Errorf("%d POSTs: the opt-out was overridden", posts.Load()-before)
		}
		if e := byID(t, j, pending); e.State != journal.StateRefused || !strings.Contains(e.Result, "a later entry") || journal.NewRetries(entries(t, j)).Needed(e) {
			t.Errorf("the entry is not put to rest: %+v", e)
		}
	})
	t.Run("at Klaviyo, after the entry", func(t *testing.T) {
		c, posts := sandboxClient(t, openSandbox(t, "", sandbox.Options{}))
		j := journal.NewMemory()
		pending, _ := j.Add(journal.Entry{At: time.Now().Add(-time.Hour), Action: journal.ActionSubscribe, Origin: here, Request: req})
		if _, err := c.Unsubscribe(ctx, checked(t, model.ConsentRequest{Phone: req.Phone, Channels: []model.Channel{model.SMSMarketing}})); err != nil {
			t.Fatal(err)
		}
		before := posts.Load()
		_, err := desk(j, c).Retry(ctx, byID(t, j, pending), RetryOptions{})
		if err == nil || !strings.Contains(err.Error(), "Klaviyo shows SMS marketing UNSUBSCRIBED since") || posts.Load() != before {
			t.Fatalf("err = %v, %d POSTs", err, posts.Load()-before)
		}
	})
	t.Run("at Klaviyo, before the entry", func(t *testing.T) {
		c, posts := sandboxClient(t, openSandbox(t, "", sandbox.Options{}))
		j := journal.NewMemory()
		if _, err := c.Unsubscribe(ctx, checked(t, model.ConsentRequest{Phone: req.Phone, Channels: []model.Channel{model.SMSMarketing}})); err != nil {
			t.Fatal(err)
		}
		pending, _ := j.Add(journal.Entry{At: time.Now().Add(time.Second), Action: journal.ActionSubscribe, Origin: here, Request: req})
		before := posts.Load()
		out, err := desk(j, c).Retry(ctx, byID(t, j, pending), RetryOptions{})
		if err != nil || out.State() != journal.StateVerified || posts.Load() != before+1 {
			t.Fatalf("an opt-out older than the entry kept it from being resent: %v, %d POSTs", err, posts.Load()-before)
		}
	})
}

// TestRefusedBeforeSendingIsNotRetryable: an unknown list leaves a refused
// entry, which needs no retry and is not counted; a failed one (not sent
// for a reason that may pass) still is.
func TestRefusedBeforeSendingIsNotRetryable(t *testing.T) {
	ctx := context.Background()
	c, posts := sandboxClient(t, openSandbox(t, "", sandbox.Options{}))
	j := journal.NewMemory()
	out := desk(j, c).Submit(ctx, journal.ActionSubscribe, checked(t, model.ConsentRequest{ListID: "NOPE", Email: "typo@example.com", Channels: emailOnly}), nil, SubmitOptions{})
	if out.State() != journal.StateRefused || posts.Load() != 0 {
		t.Fatalf("unknown list: %s, %d POSTs", out.State(), posts.Load())
	}
	e := byID(t, j, out.EntryID)
	if e.State != journal.StateRefused || journal.NewRetries(entries(t, j)).Needed(e) {
		t.Errorf("entry = %+v: a refusal is retryable", e)
	}
	if _, err := desk(j, c).Retry(ctx, e, RetryOptions{}); err == nil || !strings.Contains(err.Error(), "is refused: nothing to retry") {
		t.Errorf("retry of a refusal: %v", err)
	}
	if got := journal.NewRetries(entries(t, j)).Tally(entries(t, j), here); got != (journal.Tally{}) {
		t.Errorf("tally = %+v, want nothing to do", got)
	}
}

// TestDismissPutsAnEntryToRest: a dismissal needs a note, is journaled with
// who and why, and the entry is neither retried nor counted after it; an
// entry someone is retrying cannot be dismissed meanwhile.
func TestDismissPutsAnEntryToRest(t *testing.T) {
	j := openTemp(t)
	d := desk(j, nil)
	id, _ := j.Add(journal.Entry{Action: journal.ActionSubscribe, Origin: here, Request: model.ConsentRequest{Email: "x@example.com", Channels: emailOnly}})
	if err := d.Dismiss(id, "  "); err == nil || !strings.Contains(err.Error(), "needs a note") {
		t.Errorf("dismiss without a note: %v", err)
	}
	if _, _, err := j.Claim(id, "someone else"); err != nil {
		t.Fatal(err)
	}
	if err := d.Dismiss(id, "typo"); err == nil || !strings.Contains(err.Error(), "is being retried by someone else") {
		t.Errorf("dismissed while claimed: %v", err)
	}
	if err := j.Release(id, "someone else"); err != nil {
		t.Fatal(err)
	}
	if err := d.Dismiss(id, "typo in the email,\n re-entered"); err != nil {
		t.Fatal(err)
	}
	e := byID(t, j, id)
	if e.State != journal.StateDismissed || e.Note != "typo in the email, re-entered" || e.NoteBy != "dana" || !strings.Contains(e.Result, "was pending") {
		t.Errorf("entry = %+v", e)
	}
	if journal.NewRetries(entries(t, j)).Count(entries(t, j)) != 0 {
		t.Error("a dismissed entry is still counted")
	}
	if err := d.Dismiss(id, "again"); err == nil {
		t.Error("dismissed twice")
	}
}

// TestDoubleOptInAwaitsConfirmation: a subscribe through a double opt-in
// list is not verified (the person has not consented) but awaiting
// confirmation, counted apart; once Klaviyo shows the consent (the person
// confirmed; here, subscribed through a single opt-in list), a retry reads
// it back, sends nothing, and verifies it.
func TestDoubleOptInAwaitsConfirmation(t *testing.T) {
	ctx := context.Background()
	sb := openSandbox(t, "", sandbox.Options{})
	c, posts := sandboxClient(t, sb)
	j := journal.NewMemory()
	d := desk(j, c)
	doi := checked(t, model.ConsentRequest{ListID: "NFjKbW", Email: "confirm.me@example.com", Channels: emailOnly})
	out := d.Submit(ctx, journal.ActionSubscribe, doi, nil, SubmitOptions{})
	if out.State() != journal.StateAwaitingConfirmation || out.Settled() {
		t.Fatalf("double opt-in: %s", out.State())
	}
	if got := journal.NewRetries(entries(t, j)).Tally(entries(t, j), here); got != (journal.Tally{Unverified: 1, Awaiting: 1}) {
		t.Errorf("tally = %+v", got)
	}
	r, err := d.Retry(ctx, byID(t, j, out.EntryID), RetryOptions{})
	if err != nil || r.State() != journal.StateAwaitingConfirmation || posts.Load() != 1 {
		t.Fatalf("before confirmation: %s %v, %d POSTs", r.State(), err, posts.Load())
	}
	if _, err := sb.Confirm(ctx, doi.Email, ""); err != nil {
		t.Fatal(err)
	}
	before := posts.Load()
	r, err = d.Retry(ctx, byID(t, j, out.EntryID), RetryOptions{})
	if err != nil || r.State() != journal.StateVerified || posts.Load() != before || byID(t, j, out.EntryID).State != journal.StateVerified {
		t.Fatalf("after confirmation: %s %v, %d POSTs", r.State(), err, posts.Load()-before)
	}
}

// TestSMSDoubleOptInAwaitsConfirmation: SMS marketing on a double opt-in
// list waits for the person's YES as email waits for their click, and a
// retry after it reads back without sending again.
func TestSMSDoubleOptInAwaitsConfirmation(t *testing.T) {
	ctx := context.Background()
	sb := openSandbox(t, "", sandbox.Options{})
	c, posts := sandboxClient(t, sb)
	j := journal.NewMemory()
	d := desk(j, c)
	doi := checked(t, model.ConsentRequest{ListID: "NFjKbW", Phone: "+447400123499", Channels: []model.Channel{model.SMSMarketing, model.SMSTransactional}})
	out := d.Submit(ctx, journal.ActionSubscribe, doi, nil, SubmitOptions{})
	if out.State() != journal.StateAwaitingConfirmation || len(out.Verification.Channels) != 2 ||
		out.Verification.Channels[0].Outcome != client.PendingDoubleOptIn || out.Verification.Channels[1].Outcome != client.Verified {
		t.Fatalf("SMS on a double opt-in list: %s %+v", out.State(), out.Verification.Channels)
	}
	if _, err := sb.Confirm(ctx, doi.Phone, "NFjKbW"); err != nil {
		t.Fatal(err)
	}
	before := posts.Load()
	r, err := d.Retry(ctx, byID(t, j, out.EntryID), RetryOptions{})
	if err != nil || r.State() != journal.StateVerified || posts.Load() != before {
		t.Fatalf("after the YES: %s %v, %d POSTs", r.State(), err, posts.Load()-before)
	}
}

// failingUpdates is a store whose updates fail after the first n, as on a
// disk that filled up.
type failingUpdates struct {
	journal.Store
	left int
}

func (f *failingUpdates) Update(id string, c journal.Change) error {
	if f.left <= 0 {
		return errors.New("no space left on device")
	}
	f.left--
	return f.Store.Update(id, c)
}

// TestAnOutcomeTheJournalCouldNotRecordIsNotSettled: when the journal
// cannot record what came of a change, the outcome says so and is not
// settled, for a submit and for a retry.
func TestAnOutcomeTheJournalCouldNotRecordIsNotSettled(t *testing.T) {
	ctx := context.Background()
	c, _ := sandboxClient(t, openSandbox(t, "", sandbox.Options{}))
	store := &failingUpdates{Store: journal.NewMemory(), left: 0}
	out := desk(store, c).Submit(ctx, journal.ActionSubscribe, checked(t, model.ConsentRequest{Email: "full.disk@example.com", Channels: emailOnly}), nil, SubmitOptions{})
	if out.State() != journal.StateVerified || out.JournalErr == nil || out.Settled() || !strings.Contains(out.JournalErr.Error(), "no space left") {
		t.Fatalf("submit: %s, journal error %v", out.State(), out.JournalErr)
	}
	id, _ := store.Add(journal.Entry{Action: journal.ActionSubscribe, Origin: here, Request: model.ConsentRequest{Email: "full.disk2@example.com", Channels: emailOnly}})
	r, err := desk(store, c).Retry(ctx, byID(t, store, id), RetryOptions{})
	if err != nil || r.State() != journal.StateVerified || r.JournalErr == nil || r.Settled() {
		t.Fatalf("retry: %s %v, journal error %v", r.State(), err, r.JournalErr)
	}
	if e := byID(t, store, id); e.State != journal.StatePending {
		t.Errorf("entry = %+v", e)
	}
}

// TestEveryRecordCanBeReadBack: a result of megabytes (an API error's
// detail) is cut to MaxResult when journaled, and a record the journal
// could not read back is refused before it is written, so an entry is
// never sent and then lost from History.
func TestEveryRecordCanBeReadBack(t *testing.T) {
	j := openTemp(t)
	huge := strings.Repeat("x", 2<<20)
	if _, err := j.Add(journal.Entry{Action: journal.ActionSubscribe, Request: model.ConsentRequest{Email: "a@example.com", Source: huge, Channels: emailOnly}}); err == nil ||
		!strings.Contains(err.Error(), "longer than a journal line may be") {
		t.Fatalf("an unreadable entry was written: %v", err)
	}
	if es := entries(t, j); len(es) != 0 {
		t.Fatalf("entries = %d", len(es))
	}
	id, _ := j.Add(journal.Entry{Action: journal.ActionSubscribe, Request: model.ConsentRequest{Email: "a@example.com", Channels: emailOnly}})
	out := Outcome{Err: errors.New("Klaviyo answered 400: " + huge)}
	d := desk(j, nil)
	d.record(&out, id, journal.Change{State: journal.StateRefused, Result: out.Summary()})
	e := byID(t, j, id)
	if out.JournalErr != nil || e.State != journal.StateRefused || len(e.Result) > MaxResult || !strings.HasSuffix(e.Result, "…") {
		t.Errorf("journal error %v; entry %s with a result of %d bytes", out.JournalErr, e.State, len(e.Result))
	}
}
