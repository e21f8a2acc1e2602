// Package importer is batch entry of sign-up sheets: a verdict for every
// row before anything is sent (Plan, then LookUp for what only Klaviyo
// knows), then the rows that may go, journaled before their job is sent,
// in bulk jobs of up to 1,000 profiles, read back and reconciled (Run);
// an import cut short by a crash is finished without sending any row
// twice (Resume). The CLI and the UI both go through it.
package importer

import (
	"github.com/consentdesk/consent/model"
)

// Verdict is what the preview says of a row before anything is sent.
type Verdict string

// The verdicts of a row. Only OK rows, and rows that lost a channel but
// keep another (SMSDropped, OptedOut), are sent.
const (
	// OK: it will be sent as the sheet asks.
	OK Verdict = "ok"
	// SMSDropped: SMS consent cannot be recorded for the phone number (the
	// form's reason: not an SMS country, a landline, invalid); the row's
	// email consent, if any, is still sent.
	SMSDropped Verdict = "sms_dropped"
	// EmailInvalid: the email address is not one; the row is not sent.
	EmailInvalid Verdict = "email_invalid"
	// Duplicate: an earlier row has the same email or phone; this one is
	// not sent (DuplicateOf names that row).
	Duplicate Verdict = "duplicate"
	// AlreadySubscribed: Klaviyo already shows every channel asked, on the
	// list: nothing to do.
	AlreadySubscribed Verdict = "already_subscribed"
	// IdentityConflict: the email and the phone belong to two different
	// profiles; the row is not sent.
	IdentityConflict Verdict = "identity_conflict"
	// OptedOut: the number opted out of SMS by replying STOP (or the
	// carrier deactivated it); SMS is not re-subscribed from a sheet.
	OptedOut Verdict = "opted_out"
	// MissingConsentDate: a back-dated import needs each row's consent
	// date, and this row has none.
	MissingConsentDate Verdict = "missing_consent_date"
	// BadConsentDate: the consent date cannot be read, is in the future or
	// is before 1990.
	BadConsentDate Verdict = "bad_consent_date"
	// NoConsent: the row gives no consent on any channel: nothing to send.
	NoConsent Verdict = "no_consent"
	// UnclearConsent: a consent cell is neither yes nor no.
	UnclearConsent Verdict = "unclear_consent"
	// NoIdentifier: the row has neither an email nor a phone number.
	NoIdentifier Verdict = "no_identifier"
)

// Verdicts are every verdict, in the order a preview counts them.
var Verdicts = []Verdict{OK, SMSDropped, OptedOut, AlreadySubscribed, Duplicate, IdentityConflict, EmailInvalid,
	MissingConsentDate, BadConsentDate, UnclearConsent, NoConsent, NoIdentifier}

// Label is the verdict in a person's words.
func (v Verdict) Label() string {
	switch v {
	case OK:
		return "ok"
	case SMSDropped:
		return "SMS dropped"
	case EmailInvalid:
		return "email invalid"
	case Duplicate:
		return "duplicate in the file"
	case AlreadySubscribed:
		return "already subscribed"
	case IdentityConflict:
		return "two profiles"
	case OptedOut:
		return "SMS opted out"
	case MissingConsentDate:
		return "no consent date"
	case BadConsentDate:
		return "bad consent date"
	case NoConsent:
		return "no consent given"
	case UnclearConsent:
		return "consent unclear"
	case NoIdentifier:
		return "no email or phone"
	}
	return model.SanitizeShort(string(v), 30)
}

// Row is one row of the sheet with its verdict. Every row of the sheet has
// one, blank lines aside, in the sheet's order.
type Row struct {
	// Line is where the row starts in the file.
	Line int `json:"line"`
	// Email and Phone are the row's cells as the sheet has them.
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
	// Verdict and Detail say what will happen to the row, and why.
	Verdict Verdict `json:"verdict"`
	Detail  string  `json:"detail,omitempty"`
	// DuplicateOf is the line of the earlier row with the same email or
	// phone, for a Duplicate.
	DuplicateOf int `json:"duplicate_of,omitempty"`
	// Request is what is sent for the row (checked: the email normalised,
	// the phone in E.164, only the channels that can be recorded); its
	// Channels are empty when nothing is.
	Request model.ConsentRequest `json:"request"`
	// ProfileID is the profile Klaviyo holds for the row, "" when none (or
	// before LookUp); OtherProfileID the second one of an IdentityConflict.
	ProfileID      string `json:"profile_id,omitempty"`
	OtherProfileID string `json:"other_profile_id,omitempty"`
}

// Sends reports whether the row is sent: its verdict lets it go and some
// channel is left to send.
func (r Row) Sends() bool {
	switch r.Verdict {
	case OK, SMSDropped, OptedOut:
		return len(r.Request.Channels) > 0
	}
	return false
}

// Counts is how many rows have each verdict, and how many are sent.
type Counts struct {
	By    map[Verdict]int `json:"by_verdict"`
	Rows  int             `json:"rows"`
	Sends int             `json:"sends"`
}

// Count counts rows by verdict.
func Count(rows []Row) Counts {
	c := Counts{By: map[Verdict]int{}, Rows: len(rows)}
	for _, r := range rows {
		c.By[r.Verdict]++
		if r.Sends() {
			c.Sends++
		}
	}
	return c
}

// Who is a row's email and phone as the sheet has them, for a line that
// names the person: "ana@example.si, 031 234 567".
func Who(email, phone string) string {
	switch {
	case email != "" && phone != "":
		return email + ", " + phone
	case email != "":
		return email
	}
	return phone
}
