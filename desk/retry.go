package desk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// ResendAfter is how long after Klaviyo accepted a change, without the
// profile showing it, an agent may ask for it to be sent again. Klaviyo's
// jobs can take minutes; before this, a retry only reads it back.
const ResendAfter = time.Hour

// retryBound bounds one retry, well within a claim's life.
const retryBound = journal.ClaimTTL / 2

// RetryOptions adjust a Retry.
type RetryOptions struct {
	// Resend sends an accepted entry again, which the profile has not
	// shown for ResendAfter: only on an agent's explicit, confirmed
	// request. It is refused before then.
	Resend bool
	// VerifyBound is how long to read the profile back; 0 means
	// VerifyBound.
	VerifyBound time.Duration
}

// NotHereError is a retry refused because the entry was made on another
// backend, account or key: resending it here would change consent where
// nobody asked.
type NotHereError struct {
	ID         string
	Made, Here journal.Origin
}

func (e *NotHereError) Error() string {
	return fmt.Sprintf("entry %s was made on %s: not retried here (this is %s)", e.ID, e.Made, e.Here)
}

// ChangedSinceError is a retry refused because the person's consent
// changed after the entry was made: by a later entry, or at Klaviyo.
type ChangedSinceError struct {
	ID     string
	Reason string
}

func (e *ChangedSinceError) Error() string {
	return "entry " + e.ID + " not resent: " + e.Reason
}

// Retry settles an entry that is not verified, where it was made (Origin)
// and under a claim (Store.Claim), so that nobody else retries it at the
// same time:
//   - accepted or awaiting double opt-in: the profile is read back; it is
//     never sent again, unless opts.Resend, after ResendAfter;
//   - pending or failed: unless a later entry for the person, or Klaviyo's
//     consent timestamps, show that their consent changed since it was
//     made, the profile is read once, and only if Klaviyo does not already
//     show what was asked is it resent, as a new entry linked to it. When
//     that is verified, the entry is marked verified too.
//
// An error means nothing was sent; it says why.
func (d *Desk) Retry(ctx context.Context, e journal.Entry, opts RetryOptions) (Outcome, error) {
	if !e.Origin.Same(d.Origin) {
		return Outcome{}, &NotHereError{ID: e.ID, Made: e.Origin, Here: d.Origin}
	}
	claimant := journal.NewClaimant(d.Agent)
	fresh, all, err := d.Store.Claim(e.ID, claimant)
	if err != nil {
		return Outcome{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, retryBound)
	defer cancel()
	out, err := d.retryClaimed(ctx, fresh, all, opts)
	if rerr := d.Store.Release(e.ID, claimant); rerr != nil {
		rerr = fmt.Errorf("the journal could not record the end of the claim on entry %s (it lapses after %s): %w", e.ID, journal.ClaimTTL, rerr)
		if err != nil {
			err = errors.Join(err, rerr)
		} else {
			out.JournalErr = errors.Join(out.JournalErr, rerr)
		}
	}
	return out, err
}

// retryClaimed is Retry once the entry is claimed; all is every entry as
// read when it was.
func (d *Desk) retryClaimed(ctx context.Context, e journal.Entry, all []journal.Entry, opts RetryOptions) (Outcome, error) {
	req, problems := e.Request.Check(d.Rules)
	if len(problems) > 0 {
		why := model.JoinProblems(problems)
		if err := d.Store.Update(e.ID, journal.Change{State: journal.StateRefused, Result: cut("not resent: it no longer passes the checks: "+why, MaxResult)}); err != nil {
			return Outcome{}, fmt.Errorf("entry %s cannot be sent as it is (%s), and the journal could not record it: %w", e.ID, why, err)
		}
		return Outcome{}, fmt.Errorf("entry %s cannot be sent as it is, so it is now refused: %s", e.ID, why)
	}
	if opts.Resend {
		if err := d.mayResend(e); err != nil {
			return Outcome{}, err
		}
	}
	var list *client.List
	if e.Request.ListID != "" {
		l, err := d.Client.List(ctx, e.Request.ListID)
		if err != nil {
			return Outcome{}, fmt.Errorf("entry %s: the list %s could not be read: %w", e.ID, e.Request.ListID, err)
		}
		list = &l
	}
	if e.State.ReadBackOnly() && !opts.Resend {
		return d.readBack(ctx, e, req, list, opts.VerifyBound), nil
	}
	if err := laterEntry(e, all); err != nil {
		return Outcome{}, d.putToRest(e, err)
	}
	start := d.now()
	v, err := d.Client.Verify(ctx, client.Submission{Request: req, Want: wanted(e.Action), At: e.At},
		client.VerifyOptions{MaxPolls: 1, DoubleOptIn: list != nil && list.DoubleOptIn()})
	if err != nil {
		return Outcome{}, fmt.Errorf("entry %s not resent: could not check whether Klaviyo already has it: %w", e.ID, err)
	}
	if v.AllVerified() {
		out := Outcome{EntryID: e.ID, Action: e.Action, Request: req, List: list, Sent: true, Verification: v, Took: d.now().Sub(start)}
		d.record(&out, e.ID, journal.Change{State: journal.StateVerified, Result: "Klaviyo already showed it, so it was not resent: " + out.Summary()})
		return out, nil
	}
	why, err := d.changedAtKlaviyo(ctx, e, req, v)
	switch {
	case err != nil:
		return Outcome{}, fmt.Errorf("entry %s not resent: could not check whether the person's consent changed since: %w", e.ID, err)
	case why != "":
		return Outcome{}, d.putToRest(e, &ChangedSinceError{ID: e.ID, Reason: why})
	}
	out := d.Submit(ctx, e.Action, req, list, SubmitOptions{RetryOf: e.ID, VerifyBound: opts.VerifyBound})
	if out.State() == journal.StateVerified && out.JournalErr == nil {
		d.record(&out, e.ID, journal.Change{State: journal.StateVerified, Result: "verified by retry " + out.EntryID + ": " + out.Summary()})
	}
	return out, nil
}

// putToRest records that e is not resent because the person's consent
// changed since (refused: it is never retried, nor counted), and returns
// why; when the journal cannot record it, that is said too.
func (d *Desk) putToRest(e journal.Entry, why *ChangedSinceError) error {
	if err := d.Store.Update(e.ID, journal.Change{State: journal.StateRefused, Result: cut("not resent: "+why.Reason, MaxResult)}); err != nil {
		return errors.Join(why, fmt.Errorf("the journal could not record it: %w", err))
	}
	return why
}

// MayResend says why e may not be resent on request now ("" error: it
// may): only an entry Klaviyo accepted at least ResendAfter ago may. A
// command asks this before asking the agent to confirm.
func (d *Desk) MayResend(e journal.Entry) error { return d.mayResend(e) }

// mayResend refuses an explicit resend of anything but an entry Klaviyo
// accepted at least ResendAfter ago.
func (d *Desk) mayResend(e journal.Entry) error {
	if e.State != journal.StateAccepted {
		return fmt.Errorf("entry %s is %s: only an entry Klaviyo accepted is resent on request", e.ID, e.State.Label())
	}
	accepted := e.AcceptedAt
	if accepted.IsZero() {
		accepted = e.Updated
	}
	if since := d.now().Sub(accepted); since < ResendAfter {
		return fmt.Errorf("entry %s not resent: Klaviyo accepted it %s ago, and its jobs can take minutes; "+
			"it may be resent %s after it was accepted (until then, retry reads it back)", e.ID, roundAge(since), ResendAfter)
	}
	return nil
}

// readBack reads the profile of an entry Klaviyo accepted, without sending
// anything: polling while the job may still be running, once after that.
func (d *Desk) readBack(ctx context.Context, e journal.Entry, req model.CheckedRequest, list *client.List, bound time.Duration) Outcome {
	if bound <= 0 {
		bound = VerifyBound
	}
	start := d.now()
	opts := client.VerifyOptions{Timeout: bound, DoubleOptIn: list != nil && list.DoubleOptIn()}
	if e.State == journal.StateAwaitingConfirmation || (!e.AcceptedAt.IsZero() && start.Sub(e.AcceptedAt) > bound) {
		opts.MaxPolls = 1
	}
	out := Outcome{EntryID: e.ID, Action: e.Action, Request: req, List: list, Sent: true}
	out.Verification, out.Err = d.Client.Verify(ctx, client.Submission{Request: req, Want: wanted(e.Action), At: e.At}, opts)
	out.Took = d.now().Sub(start)
	d.record(&out, e.ID, journal.Change{State: out.State(), Result: out.Summary()})
	return out
}

// changedAtKlaviyo says how Klaviyo shows the person's consent changed
// after e was made, on a channel that is not as e asked: "" when it did
// not (no profile, or no channel updated since). v is the read-back of the
// profile found by e's first identifier; when e has both an email and a
// phone number, the number's profile is read too, for the SMS channels.
func (d *Desk) changedAtKlaviyo(ctx context.Context, e journal.Entry, req model.CheckedRequest, v client.Verification) (string, error) {
	var seen []model.ChannelConsent
	for _, ch := range v.Channels {
		if ch.Outcome != client.Verified {
			seen = append(seen, model.ChannelConsent{Channel: ch.Channel, Consent: ch.Consent, ConsentTimestamp: ch.ConsentTimestamp, LastUpdated: ch.LastUpdated})
		}
	}
	if req.Email != "" && req.Phone != "" && req.WantsSMS() {
		profiles, err := d.Client.LookupPhone(ctx, req.Phone)
		if err != nil {
			return "", err
		}
		for _, p := range profiles {
			for _, ch := range req.Channels {
				if ch.IsSMS() {
					seen = append(seen, p.Subscriptions.Channel(ch))
				}
			}
		}
	}
	want := wanted(e.Action)
	for _, cc := range seen {
		if cc.Consent == want {
			continue
		}
		changed, ok := latestTimestamp(cc.LastUpdated, cc.ConsentTimestamp)
		if ok && changed.After(e.At) {
			return fmt.Sprintf("Klaviyo shows %s %s since %s, after the entry was made (%s): the person's consent changed since, and resending it would undo that",
				cc.Channel.Label(), cc.Consent, changed.UTC().Format("2006-01-02 15:04:05 UTC"), e.At.UTC().Format("2006-01-02 15:04:05 UTC")), nil
		}
	}
	return "", nil
}

// latestTimestamp is the later of Klaviyo's RFC 3339 timestamps that parse.
func latestTimestamp(stamps ...string) (time.Time, bool) {
	var latest time.Time
	for _, s := range stamps {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil && t.After(latest) {
			latest = t
		}
	}
	return latest, !latest.IsZero()
}

// laterEntry refuses to resend e when a later entry (not dismissed, not
// one of e's own resends) touched the same person on a channel e asks for:
// that later change is what the agent meant last, and resending e would
// undo or repeat it.
func laterEntry(e journal.Entry, all []journal.Entry) *ChangedSinceError {
	chain := retryChain(e.ID, all)
	for _, l := range all {
		if chain[l.ID] || l.State == journal.StateDismissed || !l.At.After(e.At) {
			continue
		}
		if !samePerson(e.Request, l.Request) || !shareChannel(e.Request, l.Request) {
			continue
		}
		reason := fmt.Sprintf("a later entry %s (%s of %s, %s, made %s) changed this person's consent after it; resending this one would undo or repeat it",
			l.ID, l.Action, channelLabels(l.Request.Channels), l.State.Label(), l.At.Local().Format("2006-01-02 15:04"))
		if l.State.Open() {
			reason += " (the later entry is " + l.State.Label() + ": retry that one)"
		}
		return &ChangedSinceError{ID: e.ID, Reason: reason}
	}
	return nil
}

// retryChain is the set of entries linked to id by resends, either way.
func retryChain(id string, all []journal.Entry) map[string]bool {
	chain := map[string]bool{id: true}
	for grew := true; grew; {
		grew = false
		for _, e := range all {
			if e.RetryOf == "" {
				continue
			}
			if chain[e.ID] != chain[e.RetryOf] {
				chain[e.ID], chain[e.RetryOf], grew = true, true, true
			}
		}
	}
	return chain
}

// samePerson reports whether two requests name the same email or phone.
func samePerson(a, b model.ConsentRequest) bool {
	return (a.Email != "" && strings.EqualFold(a.Email, b.Email)) || (a.Phone != "" && a.Phone == b.Phone)
}

// shareChannel reports whether two requests ask for a channel in common.
func shareChannel(a, b model.ConsentRequest) bool {
	for _, ch := range a.Channels {
		if b.Has(ch) {
			return true
		}
	}
	return false
}

// channelLabels lists channels as a person reads them.
func channelLabels(chs []model.Channel) string {
	labels := make([]string, len(chs))
	for i, ch := range chs {
		labels[i] = ch.Label()
	}
	return strings.Join(labels, ", ")
}

// roundAge is a duration as a person says it: "4m", "2h10m".
func roundAge(d time.Duration) string {
	switch {
	case d < time.Minute:
		return d.Round(time.Second).String()
	case d < time.Hour:
		return d.Round(time.Minute).String()
	}
	return strings.TrimSuffix(d.Round(time.Minute).String(), "0s")
}

// Dismiss puts an open entry to rest with the agent's note: it is never
// retried or counted again, and the note is journaled (never deleted). It
// claims the entry first, so an entry being retried cannot be dismissed.
func (d *Desk) Dismiss(id, note string) error {
	note = strings.Join(strings.Fields(note), " ")
	switch {
	case note == "":
		return errors.New("a dismissal needs a note saying why (e.g. \"typo, re-entered\")")
	case len(note) > maxNote:
		return fmt.Errorf("the note is %d characters: at most %d", len(note), maxNote)
	}
	claimant := journal.NewClaimant(d.Agent)
	e, _, err := d.Store.Claim(id, claimant)
	var ce *journal.ClaimError
	if errors.As(err, &ce) && !e.State.Open() && e.ID != "" {
		return &journal.ClaimError{ID: id, Reason: "is " + e.State.Label() + ": there is nothing to dismiss"}
	}
	if err != nil {
		return err
	}
	err = d.Store.Update(id, journal.Change{State: journal.StateDismissed, Result: "dismissed (was " + e.State.Label() + "): " + note, Note: note})
	if err != nil {
		err = fmt.Errorf("entry %s not dismissed: the journal could not record it: %w", id, err)
	}
	return errors.Join(err, d.Store.Release(id, claimant))
}

// maxNote bounds a dismissal's note.
const maxNote = 500
