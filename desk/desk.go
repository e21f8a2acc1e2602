// Package desk is the workflow through which every consent change is
// made: recorded in the journal before it is sent, sent once, read back,
// recorded; retried only where it was made and only when nothing changed
// since; put to rest with a note. The CLI and the UI both go through it.
package desk

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// VerifyBound is how long a submit reads the profile back.
const VerifyBound = 30 * time.Second

// Desk is the workflow through which every consent change is made: it
// records the change before sending it, sends it once, reads it back and
// records what came of it (Submit); settles what is not verified, only
// where it was made and only when nothing changed since (Retry); and puts
// an entry to rest with a note (Dismiss). The CLI and the UI both go
// through it.
type Desk struct {
	Store  journal.Store
	Client *client.Client
	Rules  model.PhoneRules
	// Origin is where this desk's changes go: every entry records it, and
	// entries made elsewhere are not retried here.
	Origin journal.Origin
	// Agent names this desk's claims (who is retrying).
	Agent string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (d *Desk) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

// SubmitOptions adjust a Submit.
type SubmitOptions struct {
	// RetryOf links a resend to the entry it retries.
	RetryOf string
	// VerifyBound is how long to read the profile back; 0 means
	// VerifyBound.
	VerifyBound time.Duration
	// People are the profiles the caller already looked up for this
	// subscribe (LookUpPeople) and showed the agent; nil means Submit
	// looks them up itself.
	People *People
}

// Submit makes one consent change: it records the entry (durably) before
// anything else, reads the list when it is not given, sends the change
// once, reads the profile back, and records what came of it. When a record
// fails after the entry was written, the outcome's JournalErr says so.
// A back-dated unsubscribe (req.Offline with ActionUnsubscribe) is refused
// with client.ErrOfflineUnsubscribe before anything is journaled or sent:
// it is bad input, not a change that was tried. A subscribe is guarded
// once journaled, before it is sent: the email and the number are looked
// up separately (unless opts.People has them), and an identity conflict or
// an SMS opt-out without new evidence refuses it (Guard; the outcome's
// People say whom it found, the entry is recorded refused). An opt-out the
// request's evidence lifts is journaled as an override before sending.
func (d *Desk) Submit(ctx context.Context, action journal.Action, req model.CheckedRequest, list *client.List, opts SubmitOptions) Outcome {
	if opts.VerifyBound <= 0 {
		opts.VerifyBound = VerifyBound
	}
	start := d.now()
	out := Outcome{Action: action, Request: req, List: list}
	if action == journal.ActionUnsubscribe && req.Offline != nil {
		out.Err = fmt.Errorf("not sent: %w", client.ErrOfflineUnsubscribe)
		return out
	}
	id, err := d.Store.Add(journal.Entry{At: start, Action: action, Origin: d.Origin, Request: req.ConsentRequest, State: journal.StatePending, RetryOf: opts.RetryOf})
	if err != nil {
		out.Err = fmt.Errorf("not sent: the journal could not record it: %w", err)
		return out
	}
	out.EntryID = id
	if list == nil && req.ListID != "" {
		// The list's opt-in process decides how email is verified; it is
		// read after the entry is recorded, so that nothing is lost if it
		// cannot be.
		l, err := d.Client.List(ctx, req.ListID)
		if err != nil {
			out.Err, out.Took = fmt.Errorf("not sent: the list %s could not be read: %w", req.ListID, err), time.Since(start)
			d.record(&out, id, journal.Change{State: out.State(), Result: out.Summary()})
			return out
		}
		out.List, list = &l, &l
	}
	if action == journal.ActionSubscribe {
		guarded, err := d.guard(ctx, req, opts.People, &out)
		if err != nil {
			out.Err, out.Took = err, time.Since(start)
			d.record(&out, id, journal.Change{State: out.State(), Result: out.Summary()})
			return out
		}
		if guarded.Override.Lifts() {
			d.record(&out, id, journal.Change{State: journal.StatePending, Override: guarded.Override,
				Result: "sending: lifts the SMS opt-out (" + guarded.Override.OptOut + ") on new evidence"})
		}
		req, out.Request = guarded, guarded
	}
	var sub client.Submission
	if action == journal.ActionUnsubscribe {
		sub, err = d.Client.Unsubscribe(ctx, req)
	} else {
		sub, err = d.Client.Subscribe(ctx, req)
	}
	if err == nil {
		out.Sent = true
		d.record(&out, id, journal.Change{State: journal.StateAccepted, Result: "accepted by Klaviyo"})
		out.Verification, err = d.Client.Verify(ctx, sub, client.VerifyOptions{Timeout: opts.VerifyBound, DoubleOptIn: list != nil && list.DoubleOptIn()})
	}
	out.Err, out.Took = err, time.Since(start)
	if dup := client.DuplicateProfile(err); dup != "" && !out.Sent {
		if p, err := d.Client.Profile(ctx, dup); err == nil {
			out.Duplicate = &p
		}
	}
	d.record(&out, id, journal.Change{State: out.State(), Result: out.Summary()})
	return out
}

// guard looks up the people of a subscribe (unless known) and applies
// Guard; out keeps whom it found.
func (d *Desk) guard(ctx context.Context, req model.CheckedRequest, known *People, out *Outcome) (model.CheckedRequest, error) {
	if known == nil {
		p, err := d.LookUpPeople(ctx, req)
		if err != nil {
			return req, err
		}
		known = &p
	}
	out.People = known
	return Guard(*known, req)
}

// MaxResult bounds an entry's result as journaled: an API error of
// megabytes must not make its line unreadable (see File.Add).
const MaxResult = 2048

// record writes a change of entry id, its result cut to MaxResult, and
// keeps in out why it could not.
func (d *Desk) record(out *Outcome, id string, c journal.Change) {
	c.Result = cut(c.Result, MaxResult)
	if err := d.Store.Update(id, c); err != nil {
		out.JournalErr = errors.Join(out.JournalErr,
			fmt.Errorf("the journal could not record that entry %s is %s: %w", id, c.State.Label(), err))
	}
}

// wanted is the consent an action asks for.
func wanted(action journal.Action) model.ConsentState {
	if action == journal.ActionUnsubscribe {
		return model.Unsubscribed
	}
	return model.Subscribed
}

// cut shortens s to at most n bytes, at a rune boundary, ending it with
// "…" when it was cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n-len("…")]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}
