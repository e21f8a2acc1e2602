package desk

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
)

// People are the profiles Klaviyo holds for a subscribe's email and for its
// phone number, each looked up on its own before anything is sent: two
// different profiles are an identity conflict, and each one's consent may
// hold an opt-out that a subscribe must not silently override.
type People struct {
	// ByEmail is the profile with the request's email, nil when none (or
	// the request has no email).
	ByEmail *client.Profile
	// ByPhone is the profile with the request's phone number, nil when
	// none (or the request has no number).
	ByPhone *client.Profile
}

// LookUpPeople looks up the request's email and its phone number
// separately: a request each, none for what the request does not carry.
func (d *Desk) LookUpPeople(ctx context.Context, req model.CheckedRequest) (People, error) {
	var p People
	first := func(ps []client.Profile) *client.Profile {
		if len(ps) == 0 {
			return nil
		}
		return &ps[0]
	}
	if req.Email != "" {
		ps, err := d.Client.LookupEmail(ctx, req.Email)
		if err != nil {
			return p, fmt.Errorf("not sent: looking up who has %s at Klaviyo: %w", req.Email, err)
		}
		p.ByEmail = first(ps)
	}
	if req.Phone != "" {
		ps, err := d.Client.LookupPhone(ctx, req.Phone)
		if err != nil {
			return p, fmt.Errorf("not sent: looking up who has %s at Klaviyo: %w", req.Phone, err)
		}
		p.ByPhone = first(ps)
	}
	return p, nil
}

// Conflict reports whether the email and the phone number are on two
// different profiles.
func (p People) Conflict() bool {
	return p.ByEmail != nil && p.ByPhone != nil && p.ByEmail.ID != p.ByPhone.ID
}

// ConflictError refuses a subscribe whose email and phone number are on
// two different profiles, until the agent chooses to send as typed (the
// request's ChosenProfile names the email's profile: see Guard).
type ConflictError struct {
	People People
	// Words say what the subscribe would do, as ConflictWords does.
	Words string
}

func (e *ConflictError) Error() string {
	return "not sent: the email and the phone number are on two different profiles: " + e.Words
}

// ConflictWords say, for a request whose email is on profile A and number
// on profile B, what Klaviyo would do with it: it does not merge two
// profiles, and a number stays on the profile that has it, so email
// consent lands on A and no SMS consent is recorded on either
// (sandbox/BEHAVIOUR.md, rule 4).
func ConflictWords(p People, req model.CheckedRequest) string {
	a, b := p.ByEmail, p.ByPhone
	var parts []string
	parts = append(parts, fmt.Sprintf("%s is on profile %s and %s on profile %s; Klaviyo does not merge them", req.Email, who(*a), req.Phone, who(*b)))
	if req.Has(model.EmailMarketing) {
		parts = append(parts, "email consent would land on "+a.ID+" (the email's profile)")
	}
	if req.WantsSMS() {
		parts = append(parts, fmt.Sprintf("SMS consent would land on neither: the number stays on %s, and Klaviyo reports it as a partial failure", b.ID))
	} else {
		parts = append(parts, "the number would stay on "+b.ID+", not join "+a.ID)
	}
	return strings.Join(parts, "; ")
}

// who is a profile's id with its name, for a sentence: "01HX… (Ana Kovač)".
func who(p client.Profile) string {
	if n := model.SanitizeShort(p.Name(), 60); n != "" {
		return p.ID + " (" + n + ")"
	}
	return p.ID
}

// OptOutError refuses SMS consent for a number that opted out by
// replying STOP or was removed by carrier deactivation, unless the agent
// records new evidence (model.Override.Enough).
type OptOutError struct {
	Channel model.Channel
	// How is the opt-out in words ("replied STOP", "carrier
	// deactivation"); Since Klaviyo's timestamp of it.
	How, Since string
	Profile    client.Profile
}

func (e *OptOutError) Error() string {
	return fmt.Sprintf("not sent: %s opted out of %s (%s%s): SMS consent is given again only with new evidence: record %s",
		e.Profile.PhoneNumber, e.Channel.Label(), e.How, model.SinceDay(e.Since), model.OverrideNeeds)
}

// IsGuardRefusal reports whether err is a subscribe refused by the guard
// before anything was sent: an identity conflict, or an SMS opt-out
// without new evidence.
func IsGuardRefusal(err error) bool {
	var ce *ConflictError
	var oe *OptOutError
	return errors.As(err, &ce) || errors.As(err, &oe)
}

// Guard decides whether a subscribe of req may be sent to the people
// found, and returns the request as it is to be sent: with the SMS opt-out
// its evidence lifts named in its Override. When the email and the number
// are on two profiles, req.ChosenProfile must name the email's profile,
// where Klaviyo puts the consent: the agent saw the conflict and chose to
// send as typed. Every refusal is returned, the conflict first. An address
// Klaviyo will not send to (a hard bounce) is not refused: the consent is
// still the person's; the result says that no email will reach it.
func Guard(p People, req model.CheckedRequest) (model.CheckedRequest, error) {
	var errs []error
	if p.Conflict() {
		switch req.ChosenProfile {
		case p.ByEmail.ID:
		case p.ByPhone.ID:
			errs = append(errs, &ConflictError{People: p, Words: ConflictWords(p, req) +
				"; " + p.ByPhone.ID + " cannot be chosen for this input: send the number alone to give it SMS consent"})
		default:
			errs = append(errs, &ConflictError{People: p, Words: ConflictWords(p, req)})
		}
	}
	evidence := req.Override
	if evidence == nil {
		evidence = model.OverrideOf(req.Offline)
	}
	if holder := p.ByPhone; holder != nil && req.WantsSMS() {
		for _, ch := range []model.Channel{model.SMSMarketing, model.SMSTransactional} {
			sms := holder.Subscriptions.Channel(ch)
			how, ok := sms.StopOptOut()
			switch {
			case !ok || !req.Has(ch):
			case !evidence.Enough():
				errs = append(errs, &OptOutError{Channel: ch, How: how, Since: sms.ConsentTimestamp, Profile: *holder})
			case !req.Override.Lifts(): // the evidence lifts them all; the first is named
				o := *evidence
				o.OptOut, o.OptOutAt = how, sms.ConsentTimestamp
				req.Override = &o
			}
		}
	}
	return req, errors.Join(errs...)
}

// OptOutsIn are the SMS opt-outs a Guard error refuses, one per channel.
func OptOutsIn(err error) []*OptOutError {
	var out []*OptOutError
	var walk func(error)
	walk = func(err error) {
		var oe *OptOutError
		switch e := err.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				walk(x)
			}
		default:
			if errors.As(err, &oe) {
				out = append(out, oe)
			}
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}
