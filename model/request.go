package model

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxSourceLength bounds the free-text source recorded with a subscription.
const maxSourceLength = 255

// ConsentRequest is what an agent asks for: consent on some channels for an
// email address and/or a phone number, optionally through a list.
type ConsentRequest struct {
	ListID   string    `json:"list_id,omitempty"`
	Email    string    `json:"email,omitempty"`
	Phone    string    `json:"phone,omitempty"`
	Channels []Channel `json:"channels"`
	Source   string    `json:"source,omitempty"`
	// Offline is set for consent collected earlier and entered now: it is
	// sent as a historical import dated Offline.ConsentedAt, and only
	// with a subscribe. Entries journaled before it existed read as nil.
	Offline *OfflineConsent `json:"offline,omitempty"`
	// Override is new evidence recorded with a subscribe, which may lift
	// an SMS opt-out by STOP or carrier deactivation; nil when none.
	Override *Override `json:"override,omitempty"`
	// ChosenProfile is the profile the agent chose to send to when the
	// email and the phone number are on two different profiles; "" when
	// they are not, or no choice was made.
	ChosenProfile string `json:"chosen_profile,omitempty"`
}

// Has reports whether the request asks for channel c.
func (r ConsentRequest) Has(c Channel) bool {
	for _, x := range r.Channels {
		if x == c {
			return true
		}
	}
	return false
}

// WantsSMS reports whether any requested channel is an SMS one.
func (r ConsentRequest) WantsSMS() bool {
	return r.Has(SMSMarketing) || r.Has(SMSTransactional)
}

// SendsEmail reports whether the request carries email consent: email
// marketing for an email address.
func (r ConsentRequest) SendsEmail() bool {
	return r.Has(EmailMarketing) && strings.TrimSpace(r.Email) != ""
}

// Problem is one reason a request cannot be sent, tied to the field it is
// about ("email", "phone", "channels", "list", "source", and for an
// offline consent "consented_at", "collected_by", "consent_text_version",
// "evidence").
type Problem struct {
	Field  string
	Reason string
}

func (p Problem) String() string { return p.Field + ": " + p.Reason }

// JoinProblems says every problem in one line: "phone: …; list: …".
func JoinProblems(problems []Problem) string {
	parts := make([]string, len(problems))
	for i, p := range problems {
		parts[i] = p.String()
	}
	return strings.Join(parts, "; ")
}

// CheckedRequest is a request that passed Check, with its identifiers in the
// form Klaviyo wants (normalised email, E.164 phone) and the analyses behind
// them.
type CheckedRequest struct {
	ConsentRequest
	EmailAnalysis *EmailAnalysis
	PhoneAnalysis *PhoneAnalysis
}

// Check refuses, before anything is sent, what Klaviyo would refuse or
// silently drop: no channel, no identifier, an invalid email or phone, an
// SMS channel without a phone or for a number that cannot carry SMS consent,
// a channel given twice; and for an offline consent, no date, a date after
// rules.Now or before ConsentFloor, over-long or invalid text, an evidence
// digest that is not SHA-256 in lowercase hex. Every problem is returned, in field order, so the
// form can show each beside its field. Nothing in r is changed.
func (r ConsentRequest) Check(rules PhoneRules) (CheckedRequest, []Problem) {
	out := CheckedRequest{ConsentRequest: r}
	out.Channels = append([]Channel(nil), r.Channels...)
	if r.Offline != nil {
		o := *r.Offline
		out.Offline = &o
	}
	if r.Override != nil {
		o := *r.Override
		out.Override = &o
	}
	var problems []Problem
	add := func(field, format string, args ...any) {
		problems = append(problems, Problem{field, fmt.Sprintf(format, args...)})
	}

	for _, f := range []struct{ name, value string }{{"email", r.Email}, {"phone", r.Phone}, {"source", r.Source}, {"list", r.ListID}} {
		if !utf8.ValidString(f.value) {
			// JSON would carry it as U+FFFD: not what was typed.
			add(f.name, "is not valid UTF-8 text")
		}
	}
	if strings.TrimSpace(r.Email) != "" {
		a := AnalyzeEmail(r.Email)
		out.EmailAnalysis = &a
		if a.Valid {
			out.Email = a.Normalized
		} else {
			add("email", "%s", a.Reason)
		}
	} else if r.Has(EmailMarketing) {
		add("email", "email marketing needs an email address")
	}

	if strings.TrimSpace(r.Phone) != "" {
		a := rules.Analyze(r.Phone)
		out.PhoneAnalysis = &a
		switch {
		case a.Status == PhoneIncomplete:
			// Not the SMS reason a likely region may already give: the
			// number is not finished, and that comes first.
			add("phone", "%s", a.Unfinished())
		case !a.Valid:
			add("phone", "%s", a.Reason)
		case r.WantsSMS() && !a.SMSEligible:
			add("phone", "%s", a.ReasonFor(r.SendsEmail()))
		default:
			out.Phone = a.E164
		}
	} else if r.WantsSMS() {
		add("phone", "SMS consent needs a phone number")
	}
	if strings.TrimSpace(r.Email) == "" && strings.TrimSpace(r.Phone) == "" && !r.Has(EmailMarketing) && !r.WantsSMS() {
		add("email", "give an email address or a phone number")
	}

	seen := map[Channel]bool{}
	for _, c := range r.Channels {
		switch {
		case !slices.Contains(Channels, c):
			add("channels", "unknown channel %q", SanitizeShort(string(c), maxQuote))
		case seen[c]:
			add("channels", "%s is asked for twice", c.Label())
		}
		seen[c] = true
	}
	if len(r.Channels) == 0 {
		add("channels", "choose at least one channel: email marketing, SMS marketing or SMS transactional")
	}
	if len(r.Source) > maxSourceLength {
		add("source", "at most %d characters", maxSourceLength)
	}
	if r.ListID != "" && !isListID(r.ListID) {
		add("list", "%q is not a list id (letters and digits, as in Y6nRLr)", SanitizeShort(r.ListID, maxQuote))
	}
	if r.Offline != nil {
		checkOffline(r.Offline, rules.now(), add)
	}
	if r.Override != nil {
		checkOverride(r, add)
	}
	return out, problems
}

// isListID reports whether s looks like a Klaviyo list id.
func isListID(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
