package journal

import "github.com/consentdesk/consent/model"

// State is where an entry is in its life: what Consent Desk knows of the
// change it records.
type State string

// The states of an entry. An entry starts pending; what came of sending it
// moves it on. Only an open state (Open) is retried, and how depends on the
// state: see Retry.
const (
	// StatePending: recorded before sending; whether Klaviyo received it
	// is not known (cancelled, cut off, answered with a server error).
	StatePending State = "pending"
	// StateAccepted: Klaviyo accepted the job (202), and the profile did
	// not show it yet. Klaviyo's jobs can take minutes: it is read back,
	// never resent, unless an agent explicitly resends it after
	// ResendAfter.
	StateAccepted State = "accepted"
	// StateAwaitingConfirmation: subscribed through a double opt-in list;
	// Klaviyo records the consent when the person confirms the message it
	// sends. The person has not consented yet. A read-back moves it to
	// verified once they have.
	StateAwaitingConfirmation State = "awaiting_confirmation"
	// StateVerified: the profile shows what was asked.
	StateVerified State = "verified"
	// StateFailed: not sent, for a reason that may pass (the network, the
	// key): it can be retried.
	StateFailed State = "failed"
	// StateRefused: refused for good, by Klaviyo (a 4xx answer, a channel
	// it ignored) or before sending (an unknown list, a request that no
	// longer passes the checks). Sending it again would be refused again,
	// so it is never retried.
	StateRefused State = "refused"
	// StateDismissed: put to rest by an agent, with a note. Never retried.
	StateDismissed State = "dismissed"
)

// legacySent is what journals written before StateAccepted called it.
const legacySent State = "sent"

// normalized maps a state read from an older journal to today's name.
func (s State) normalized() State {
	if s == legacySent {
		return StateAccepted
	}
	return s
}

// Open reports whether an entry in state s still has something to be done
// for it: a retry, a read-back, or an agent's decision.
func (s State) Open() bool {
	switch s {
	case StatePending, StateAccepted, StateAwaitingConfirmation, StateFailed:
		return true
	}
	return false
}

// ReadBackOnly reports whether Klaviyo already accepted the change, so that
// a retry only reads the profile back and never sends it again.
func (s State) ReadBackOnly() bool { return s == StateAccepted || s == StateAwaitingConfirmation }

// Label is the state in a person's words.
func (s State) Label() string {
	switch s {
	case StatePending:
		return "pending"
	case StateAccepted:
		return "accepted, not yet seen"
	case StateAwaitingConfirmation:
		return "awaiting double opt-in"
	case StateVerified:
		return "verified"
	case StateFailed:
		return "failed"
	case StateRefused:
		return "refused"
	case StateDismissed:
		return "dismissed"
	}
	return model.SanitizeShort(string(s), 40) // not one of ours: a damaged or tampered journal
}

// Action is what an entry asks of Klaviyo.
type Action string

// The actions an entry records.
const (
	ActionSubscribe   Action = "subscribe"
	ActionUnsubscribe Action = "unsubscribe"
)
