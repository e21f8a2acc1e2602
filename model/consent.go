package model

import (
	"strings"
	"time"
)

// ConsentState is Klaviyo's consent value for one channel.
type ConsentState string

// The consent values Klaviyo reports (developers.klaviyo.com/en/reference/get_profiles, subscriptions). A subscribe request may only
// send Subscribed, an unsubscribe only Unsubscribed.
const (
	Subscribed      ConsentState = "SUBSCRIBED"
	Unsubscribed    ConsentState = "UNSUBSCRIBED"
	NeverSubscribed ConsentState = "NEVER_SUBSCRIBED"
)

// Channel names one consent channel Consent Desk manages.
type Channel string

// The three channels of the subscribe form, in its order.
const (
	EmailMarketing   Channel = "email_marketing"
	SMSMarketing     Channel = "sms_marketing"
	SMSTransactional Channel = "sms_transactional"
)

// Channels lists the managed channels in the form's order.
var Channels = []Channel{EmailMarketing, SMSMarketing, SMSTransactional}

// Label is the channel's name as a person reads it.
func (c Channel) Label() string {
	switch c {
	case EmailMarketing:
		return "Email marketing"
	case SMSMarketing:
		return "SMS marketing"
	case SMSTransactional:
		return "SMS transactional"
	}
	return string(c)
}

// IsSMS reports whether the channel needs an SMS-eligible phone number.
func (c Channel) IsSMS() bool { return c == SMSMarketing || c == SMSTransactional }

// Subscriptions mirrors a Klaviyo profile's `subscriptions` object. Channels
// Consent Desk does not manage (push, WhatsApp, open tracking) are kept as
// raw JSON elsewhere; these are the ones it reads and shows.
type Subscriptions struct {
	Email *EmailSubscriptions `json:"email,omitempty"`
	SMS   *SMSSubscriptions   `json:"sms,omitempty"`
}

// EmailSubscriptions is `subscriptions.email`.
type EmailSubscriptions struct {
	Marketing *EmailMarketingConsent `json:"marketing,omitempty"`
}

// SMSSubscriptions is `subscriptions.sms`.
type SMSSubscriptions struct {
	Marketing     *SMSMarketingConsent     `json:"marketing,omitempty"`
	Transactional *SMSTransactionalConsent `json:"transactional,omitempty"`
}

// ConsentDetails are the fields every channel's consent object shares.
// Nullable fields are pointers so that null and "" stay apart on a round
// trip; like Klaviyo, every key is written, null included.
type ConsentDetails struct {
	Consent          ConsentState `json:"consent"`
	ConsentTimestamp *string      `json:"consent_timestamp"`
	LastUpdated      *string      `json:"last_updated"`
	Method           *string      `json:"method"`
	MethodDetail     *string      `json:"method_detail"`
}

// EmailMarketingConsent is `subscriptions.email.marketing`.
type EmailMarketingConsent struct {
	CanReceive bool `json:"can_receive_email_marketing"`
	ConsentDetails
	CustomMethodDetail *string           `json:"custom_method_detail"`
	DoubleOptin        *bool             `json:"double_optin"`
	Suppression        []Suppression     `json:"suppression"`
	ListSuppressions   []ListSuppression `json:"list_suppressions"`
}

// SMSMarketingConsent is `subscriptions.sms.marketing`.
type SMSMarketingConsent struct {
	CanReceive bool `json:"can_receive_sms_marketing"`
	ConsentDetails
}

// SMSTransactionalConsent is `subscriptions.sms.transactional`.
type SMSTransactionalConsent struct {
	CanReceive bool `json:"can_receive_sms_transactional"`
	ConsentDetails
}

// Suppression is one entry of `suppression`: why and since when email
// cannot be sent (HARD_BOUNCE, INVALID_EMAIL, SPAM_COMPLAINT, UNSUBSCRIBE,
// USER_SUPPRESSED).
type Suppression struct {
	Reason    string `json:"reason"`
	Timestamp string `json:"timestamp"`
}

// ListSuppression is one entry of `list_suppressions`.
type ListSuppression struct {
	ListID    string `json:"list_id"`
	Reason    string `json:"reason"`
	Timestamp string `json:"timestamp"`
}

// ChannelConsent is one channel's consent, flattened for display and for
// comparing what was asked with what Klaviyo recorded.
type ChannelConsent struct {
	Channel          Channel
	Present          bool
	Consent          ConsentState
	CanReceive       bool
	ConsentTimestamp string
	// LastUpdated is Klaviyo's last_updated: when the channel's consent
	// object last changed ("" when null).
	LastUpdated      string
	Method           string
	MethodDetail     string
	CustomDetail     string
	DoubleOptin      bool
	Suppressions     []Suppression
	ListSuppressions []ListSuppression
}

// Channel returns one channel's consent; Present is false when the profile's
// subscriptions do not mention it.
func (s *Subscriptions) Channel(c Channel) ChannelConsent {
	out := ChannelConsent{Channel: c, Consent: NeverSubscribed}
	var canReceive bool
	var details *ConsentDetails
	switch {
	case s == nil:
	case c == EmailMarketing && s.Email != nil && s.Email.Marketing != nil:
		m := s.Email.Marketing
		canReceive, details = m.CanReceive, &m.ConsentDetails
		out.CustomDetail = deref(m.CustomMethodDetail)
		out.DoubleOptin = m.DoubleOptin != nil && *m.DoubleOptin
		out.Suppressions, out.ListSuppressions = m.Suppression, m.ListSuppressions
	case c == SMSMarketing && s.SMS != nil && s.SMS.Marketing != nil:
		canReceive, details = s.SMS.Marketing.CanReceive, &s.SMS.Marketing.ConsentDetails
	case c == SMSTransactional && s.SMS != nil && s.SMS.Transactional != nil:
		canReceive, details = s.SMS.Transactional.CanReceive, &s.SMS.Transactional.ConsentDetails
	}
	if details == nil {
		return out
	}
	out.Present, out.CanReceive, out.Consent = true, canReceive, details.Consent
	out.ConsentTimestamp, out.Method, out.MethodDetail = deref(details.ConsentTimestamp), deref(details.Method), deref(details.MethodDetail)
	out.LastUpdated = deref(details.LastUpdated)
	return out
}

// Timestamp parses Klaviyo's consent timestamp (RFC 3339, with or without
// fractional seconds); ok is false when it is empty or malformed.
func (c ChannelConsent) Timestamp() (t time.Time, ok bool) {
	if c.ConsentTimestamp == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, c.ConsentTimestamp)
	return t, err == nil
}

// SinceDay is ", since 2025-06-01" for one of Klaviyo's timestamps (its
// date, as Klaviyo wrote it, sanitised), "" when there is none: for a
// sentence that says how long a state has held.
func SinceDay(ts string) string {
	if len(ts) < len("2006-01-02") {
		return ""
	}
	return ", since " + SanitizeShort(ts[:len("2006-01-02")], len("2006-01-02"))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// StopOptOut says how the number opted out of SMS marketing when it was by
// the person replying STOP, or by the carrier deactivating it ("replied
// STOP", "carrier deactivation"): consent Klaviyo holds as UNSUBSCRIBED that
// no sheet may lift. ok is false for any other state or method.
func (c ChannelConsent) StopOptOut() (how string, ok bool) {
	if c.Consent != Unsubscribed || !c.Channel.IsSMS() {
		return "", false
	}
	said := strings.ToUpper(c.Method + " " + c.MethodDetail)
	switch {
	case strings.Contains(said, "CARRIER") || strings.Contains(said, "DEACTIVAT"):
		return "carrier deactivation", true
	case strings.Contains(said, "STOP"):
		return "replied STOP", true
	}
	return "", false
}

// OptOutHow says how the channel's consent was withdrawn, as far as
// Klaviyo's method says: "replied STOP", "carrier deactivation", "the
// unsubscribe link or preference page", "spam complaint", "through the API
// (an agent or an integration)", or the method itself, lower-cased. ""
// unless the consent is UNSUBSCRIBED, or Klaviyo gives no method.
func (c ChannelConsent) OptOutHow() string {
	if c.Consent != Unsubscribed {
		return ""
	}
	if how, ok := c.StopOptOut(); ok {
		return how
	}
	switch strings.ToUpper(c.Method) {
	case "":
		return ""
	case "PREFERENCE_PAGE", "UNSUBSCRIBE_LINK", "LINK":
		return "the unsubscribe link or preference page"
	case "SPAM_COMPLAINT":
		return "spam complaint"
	case "API":
		return "through the API (an agent or an integration)"
	}
	return strings.ToLower(strings.ReplaceAll(SanitizeShort(c.Method, maxQuote), "_", " "))
}
