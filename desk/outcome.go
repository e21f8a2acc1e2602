package desk

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// Outcome is what came of one subscribe or unsubscribe: the verification
// when Klaviyo accepted it, or the error.
type Outcome struct {
	EntryID      string
	Action       journal.Action
	Request      model.CheckedRequest
	List         *client.List
	Sent         bool // Klaviyo accepted the job (or, on a retry, already showed it)
	Verification client.Verification
	Err          error
	// JournalErr is set when what came of the change could not be
	// recorded: the journal does not say it, and the change must not be
	// reported as settled.
	JournalErr error
	Took       time.Duration
	// People are the profiles a subscribe's guard found for its email and
	// its number (nil for an unsubscribe).
	People *People
	// Duplicate is the profile a 409 duplicate_profile named as already
	// holding one of the identifiers (read after the refusal), nil
	// otherwise or when it could not be read.
	Duplicate *client.Profile
}

// Cancelled reports whether the agent cancelled the request.
func (o Outcome) Cancelled() bool { return errors.Is(o.Err, context.Canceled) }

// cancelledWords say a cancelled request's error as the agent did it.
const cancelledWords = "you cancelled it"

// ErrText is the outcome's error in words: "you cancelled it" when the
// agent did (never Go's "context canceled"), else the error's text; ""
// when there is none.
func (o Outcome) ErrText() string {
	switch {
	case o.Err == nil:
		return ""
	case o.Cancelled():
		return cancelledWords
	}
	return o.Err.Error()
}

// State is the journal state the outcome leaves its entry in.
func (o Outcome) State() journal.State {
	switch {
	case !o.Sent && (o.Cancelled() || client.MayHaveArrived(o.Err)):
		return journal.StatePending // it may or may not have reached Klaviyo
	case !o.Sent && (client.Refused(o.Err) || IsGuardRefusal(o.Err)):
		return journal.StateRefused
	case !o.Sent:
		return journal.StateFailed
	case o.Err != nil:
		return journal.StateAccepted // accepted; the read-back did not finish
	}
	state := journal.StateVerified
	for _, ch := range o.Verification.Channels {
		switch ch.Outcome {
		case client.PartialFailure:
			return journal.StateRefused // Klaviyo ignored the channel: sending it again changes nothing
		case client.NotRecorded:
			state = journal.StateAccepted // accepted, not seen yet: its job may take minutes
		case client.PendingDoubleOptIn:
			if state == journal.StateVerified {
				state = journal.StateAwaitingConfirmation
			}
		}
	}
	return state
}

// Summary is a one-line account of the outcome, for the journal.
func (o Outcome) Summary() string {
	switch {
	case !o.Sent && o.Err != nil:
		why := strings.TrimPrefix(o.ErrText(), "not sent: ")
		switch o.State() {
		case journal.StateRefused:
			return "refused, nothing changed: " + why
		case journal.StatePending:
			return "not confirmed, it may have reached Klaviyo: " + why
		}
		return "not sent: " + why
	case o.Err != nil:
		return "accepted by Klaviyo; verification did not finish: " + o.ErrText()
	}
	parts := make([]string, 0, len(o.Verification.Channels))
	for _, ch := range o.Verification.Channels {
		parts = append(parts, ch.Channel.Label()+": "+outcomeWords(ch.Outcome))
	}
	return strings.Join(parts, "; ")
}

// outcomeWords is a channel's outcome as the journal says it.
func outcomeWords(o client.Outcome) string {
	switch o {
	case client.Verified:
		return "verified"
	case client.PendingDoubleOptIn:
		return "pending double opt-in (the person has not confirmed yet)"
	case client.PartialFailure:
		return "partial failure (Klaviyo ignored it)"
	case client.NotRecorded:
		return "not yet seen on the profile (accepted by Klaviyo)"
	}
	return strings.ReplaceAll(string(o), "_", " ")
}

// Settled reports whether the change is done and the journal says so: what
// a command may report as success.
func (o Outcome) Settled() bool { return o.JournalErr == nil && o.State() == journal.StateVerified }
