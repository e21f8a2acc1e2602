package journal

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
)

// VerifyBound is how long a submit reads the profile back.
const VerifyBound = 30 * time.Second

// Outcome is what came of one subscribe or unsubscribe: the verification
// when Klaviyo accepted it, or the error.
type Outcome struct {
	EntryID      string
	Action       string // "subscribe" or "unsubscribe"
	Request      model.CheckedRequest
	List         *client.List
	Sent         bool // Klaviyo accepted the job (or, on a retry, already showed it)
	Verification client.Verification
	Err          error
	Took         time.Duration
}

// Cancelled reports whether the agent cancelled the request.
func (o Outcome) Cancelled() bool { return errors.Is(o.Err, context.Canceled) }

// State is the journal state the outcome leaves its entry in.
func (o Outcome) State() string {
	switch {
	case !o.Sent && (o.Cancelled() || client.MayHaveArrived(o.Err)):
		return StatePending // it may or may not have reached Klaviyo
	case !o.Sent:
		return StateFailed
	case o.Err != nil:
		return StateSent // accepted; the read-back did not finish
	}
	for _, ch := range o.Verification.Channels {
		if ch.Outcome == client.NotRecorded || ch.Outcome == client.PartialFailure {
			return StateFailed
		}
	}
	return StateVerified
}

// Summary is a one-line account of the outcome, for the journal.
func (o Outcome) Summary() string {
	switch {
	case !o.Sent && o.Err != nil:
		return "not sent or not confirmed: " + o.Err.Error()
	case o.Err != nil:
		return "accepted by Klaviyo; verification did not finish: " + o.Err.Error()
	}
	parts := make([]string, 0, len(o.Verification.Channels))
	for _, ch := range o.Verification.Channels {
		parts = append(parts, ch.Channel.Label()+": "+strings.ReplaceAll(string(ch.Outcome), "_", " "))
	}
	return strings.Join(parts, "; ")
}

// SubmitOptions adjust a Submit.
type SubmitOptions struct {
	// RetryOf links a resend to the entry it retries.
	RetryOf string
	// VerifyBound is how long to read the profile back; 0 means
	// VerifyBound.
	VerifyBound time.Duration
}

// Submit is the one path by which a consent change is made: it records the
// entry (durably) before anything else, reads the list when it is not given,
// sends the change once, reads the profile back, and records what came of
// it.
func Submit(ctx context.Context, store Store, c *client.Client, action string, req model.CheckedRequest, list *client.List, opts SubmitOptions) Outcome {
	if opts.VerifyBound <= 0 {
		opts.VerifyBound = VerifyBound
	}
	start := time.Now()
	out := Outcome{Action: action, Request: req, List: list}
	id, err := store.Add(Entry{At: start, Action: action, Request: req.ConsentRequest, State: StatePending, RetryOf: opts.RetryOf})
	if err != nil {
		out.Err = fmt.Errorf("not sent: the journal could not record it: %w", err)
		return out
	}
	out.EntryID = id
	if list == nil && req.ListID != "" {
		// The list's opt-in process decides how email is verified; it is
		// read after the entry is recorded, so that nothing is lost if it
		// cannot be.
		l, err := c.List(ctx, req.ListID)
		if err != nil {
			out.Err, out.Took = fmt.Errorf("not sent: the list %s could not be read: %w", req.ListID, err), time.Since(start)
			_ = store.Update(id, out.State(), out.Summary())
			return out
		}
		out.List, list = &l, &l
	}
	var sub client.Submission
	if action == "unsubscribe" {
		sub, err = c.Unsubscribe(ctx, req)
	} else {
		sub, err = c.Subscribe(ctx, req)
	}
	if err == nil {
		out.Sent = true
		_ = store.Update(id, StateSent, "accepted by Klaviyo")
		out.Verification, err = c.Verify(ctx, sub, client.VerifyOptions{Timeout: opts.VerifyBound, DoubleOptIn: list != nil && list.DoubleOptIn()})
	}
	out.Err, out.Took = err, time.Since(start)
	if uerr := store.Update(id, out.State(), out.Summary()); uerr != nil && out.Err == nil {
		out.Err = fmt.Errorf("done, but the journal could not record the result: %w", uerr)
	}
	return out
}

// Retry settles an entry that is not verified: one that Klaviyo accepted
// (sent) is only read back; a pending or failed one is checked again with
// rules, then the profile is read once, and only if Klaviyo does not
// already show what was asked (a pending entry may well have arrived) is it
// resent, as a new entry linked to it. When the retry is verified, the
// original entry is marked verified too, so it is not retried again.
// Callers choose entries by Retries, so that a resent entry is not resent
// again.
func Retry(ctx context.Context, store Store, c *client.Client, rules model.PhoneRules, e Entry) (Outcome, error) {
	if e.Settled() {
		return Outcome{}, fmt.Errorf("entry %s is already verified", e.ID)
	}
	req, problems := e.Request.Check(rules)
	if len(problems) > 0 {
		return Outcome{}, fmt.Errorf("entry %s cannot be sent as it is: %s", e.ID, model.JoinProblems(problems))
	}
	var list *client.List
	if e.State == StateSent && e.Request.ListID != "" {
		l, err := c.List(ctx, e.Request.ListID)
		if err != nil {
			return Outcome{}, fmt.Errorf("entry %s: the list %s could not be read: %w", e.ID, e.Request.ListID, err)
		}
		list = &l
	}
	if e.State == StateSent {
		return reverify(ctx, store, c, e, req, list), nil
	}
	if out, recorded, err := alreadyRecorded(ctx, store, c, e, req); err != nil || recorded {
		return out, err
	}
	out := Submit(ctx, store, c, e.Action, req, list, SubmitOptions{RetryOf: e.ID})
	if out.State() == StateVerified {
		_ = store.Update(e.ID, StateVerified, "verified by retry "+out.EntryID+": "+out.Summary())
	}
	return out, nil
}

// alreadyRecorded reads the profile of a pending or failed entry once and,
// when it already shows every channel as asked, marks the entry verified
// without sending anything. When the profile cannot be read, nothing is
// sent either: a resend must not risk a second job.
func alreadyRecorded(ctx context.Context, store Store, c *client.Client, e Entry, req model.CheckedRequest) (Outcome, bool, error) {
	start := time.Now()
	v, err := c.Verify(ctx, client.Submission{Request: req, Want: wanted(e.Action), At: e.At}, client.VerifyOptions{MaxPolls: 1})
	if err != nil {
		return Outcome{}, false, fmt.Errorf("entry %s: not resent: could not check whether Klaviyo already has it: %w", e.ID, err)
	}
	if !v.AllVerified() {
		return Outcome{}, false, nil
	}
	out := Outcome{EntryID: e.ID, Action: e.Action, Request: req, Sent: true, Verification: v, Took: time.Since(start)}
	_ = store.Update(e.ID, StateVerified, "Klaviyo already showed it, so it was not resent: "+out.Summary())
	return out, true, nil
}

// wanted is the consent an action asks for.
func wanted(action string) model.ConsentState {
	if action == "unsubscribe" {
		return model.Unsubscribed
	}
	return model.Subscribed
}

// reverify reads back an entry Klaviyo already accepted, without resending.
func reverify(ctx context.Context, store Store, c *client.Client, e Entry, req model.CheckedRequest, list *client.List) Outcome {
	start := time.Now()
	out := Outcome{EntryID: e.ID, Action: e.Action, Request: req, List: list, Sent: true}
	out.Verification, out.Err = c.Verify(ctx, client.Submission{Request: req, Want: wanted(e.Action), At: e.At},
		client.VerifyOptions{Timeout: VerifyBound, DoubleOptIn: list != nil && list.DoubleOptIn()})
	out.Took = time.Since(start)
	_ = store.Update(e.ID, out.State(), out.Summary())
	return out
}
