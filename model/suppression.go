package model

import (
	"slices"
	"strings"
	"time"
)

// Klaviyo's email suppression reasons: why an address is in a profile's
// subscriptions.email.marketing.suppression.
const (
	ReasonHardBounce     = "HARD_BOUNCE"
	ReasonInvalidEmail   = "INVALID_EMAIL"
	ReasonSpamComplaint  = "SPAM_COMPLAINT"
	ReasonUnsubscribe    = "UNSUBSCRIBE"
	ReasonUserSuppressed = "USER_SUPPRESSED"
)

// The words for a channel Klaviyo cannot send on without saying why (SMS has
// no suppressions in Klaviyo's schema), and for a list suppression of the
// list being looked at.
const (
	CannotReceiveWords    = "cannot receive"
	SuppressedOnListWords = "suppressed on this list"
)

// Words is the suppression's reason as a person reads it: "hard bounce". A
// reason Klaviyo adds later is shown lower-cased, with spaces, sanitised.
func (s Suppression) Words() string { return reasonWords(s.Reason) }

// Describe is the reason with the date it was recorded: "hard bounce since
// 2024-03-02"; the timestamp as Klaviyo sent it (sanitised) when it is not
// RFC 3339, and no date when there is none.
func (s Suppression) Describe() string {
	if s.Timestamp == "" {
		return s.Words()
	}
	if t, err := time.Parse(time.RFC3339Nano, s.Timestamp); err == nil {
		return s.Words() + " since " + t.UTC().Format("2006-01-02")
	}
	return s.Words() + " since " + SanitizeShort(s.Timestamp, maxQuote)
}

// reasonWords is one suppression reason in words.
func reasonWords(reason string) string {
	switch reason = SanitizeShort(reason, maxQuote); reason {
	case ReasonHardBounce:
		return "hard bounce"
	case ReasonSpamComplaint:
		return "spam complaint"
	case ReasonInvalidEmail:
		return "invalid email"
	case ReasonUserSuppressed:
		return "suppressed by user/admin"
	case ReasonUnsubscribe:
		return "unsubscribed"
	case "":
		return "no reason given"
	}
	return strings.ToLower(strings.ReplaceAll(reason, "_", " "))
}

// LiftedBySubscribe reports whether a subscribe lifts the suppression:
// an unsubscribe, a spam complaint or a manual suppression is lifted by new
// consent (the spec's prose says "SPAM_REPORT", which is not a value of its
// suppression enum: the reason is SPAM_COMPLAINT); a hard bounce or an
// invalid address is not (Permanent), nor is a reason Klaviyo adds later,
// until it is known (sandbox/BEHAVIOUR.md, rule 3).
func (s Suppression) LiftedBySubscribe() bool {
	switch s.Reason {
	case ReasonUnsubscribe, ReasonSpamComplaint, ReasonUserSuppressed:
		return true
	}
	return false
}

// Permanent reports whether Klaviyo never lifts the suppression on a
// subscribe, as it says of a hard bounce and an invalid address: the
// address will not receive email, whatever consent it is given.
func (s Suppression) Permanent() bool {
	return s.Reason == ReasonHardBounce || s.Reason == ReasonInvalidEmail
}

// PermanentSuppression is the channel's first suppression Klaviyo never
// lifts on a subscribe (Suppression.Permanent); ok is false when it has
// none.
func (c ChannelConsent) PermanentSuppression() (s Suppression, ok bool) {
	for _, s := range c.Suppressions {
		if s.Permanent() {
			return s, true
		}
	}
	return Suppression{}, false
}

// AnotherAddressWords say what a permanent suppression means for a
// subscribe, after the suppression itself.
const AnotherAddressWords = "Klaviyo will not lift it, so no email reaches this address even with consent: ask for another address"

// Suppressed reports whether Klaviyo holds SUBSCRIBED consent for the
// channel but cannot send on it (can_receive_… is false): the person
// consented, and gets nothing. For email that is a suppression; for SMS
// Klaviyo does not say why.
func (c ChannelConsent) Suppressed() bool { return c.Consent == Subscribed && !c.CanReceive }

// SuppressionReason is why Klaviyo cannot send on the channel, in words a
// person reads: each reason of its suppressions once, in Klaviyo's order
// ("hard bounce", "hard bounce, spam complaint"), or CannotReceiveWords
// when Klaviyo lists none (always for SMS). "" when the channel can
// receive.
func (c ChannelConsent) SuppressionReason() string {
	if c.CanReceive {
		return ""
	}
	switch len(c.Suppressions) {
	case 0:
		return CannotReceiveWords
	case 1: // nearly always: no allocation
		return c.Suppressions[0].Words()
	}
	words := make([]string, 0, len(c.Suppressions))
	for _, s := range c.Suppressions {
		if w := s.Words(); !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	return strings.Join(words, ", ")
}

// SuppressionDetail is what stops Klaviyo sending on the channel, with
// dates, for a sentence: "suppressed (hard bounce since 2024-03-02)",
// several suppressions joined by ", "; CannotReceiveWords when Klaviyo
// lists none. "" when the channel can receive.
func (c ChannelConsent) SuppressionDetail() string {
	switch {
	case c.CanReceive:
		return ""
	case len(c.Suppressions) == 0:
		return CannotReceiveWords
	}
	parts := make([]string, len(c.Suppressions))
	for i, s := range c.Suppressions {
		parts[i] = s.Describe()
	}
	return "suppressed (" + strings.Join(parts, ", ") + ")"
}

// SuppressedOnList reports whether the channel's consent is SUBSCRIBED but
// Klaviyo does not send list listID's messages on it: Suppressed, or a list
// suppression of that list (which can_receive_email_marketing does not
// reflect: it only says there is no global suppression).
func (c ChannelConsent) SuppressedOnList(listID string) bool {
	return c.Suppressed() || c.Consent == Subscribed && c.listSuppressed(listID)
}

// SuppressionReasonOnList is SuppressionReason when the channel is
// suppressed everywhere, SuppressedOnListWords when only a suppression of
// list listID stops it, and "" when neither does.
func (c ChannelConsent) SuppressionReasonOnList(listID string) string {
	switch {
	case c.Suppressed():
		return c.SuppressionReason()
	case c.Consent == Subscribed && c.listSuppressed(listID):
		return SuppressedOnListWords
	}
	return ""
}

// SuppressionLabelOnList is a channel SuppressedOnList(listID) in a few
// words for a table cell with room: "suppressed: hard bounce", "suppressed
// on this list", "suppressed" (email, no reason listed), "cannot receive"
// (SMS, which has no suppressions). "" when the channel is not suppressed.
func (c ChannelConsent) SuppressionLabelOnList(listID string) string {
	reason := c.SuppressionReasonOnList(listID)
	switch {
	case reason == "":
		return ""
	case c.Channel.IsSMS(), reason == SuppressedOnListWords:
		return reason
	case reason == CannotReceiveWords:
		return "suppressed"
	}
	return "suppressed: " + reason
}

// listSuppressed reports whether the channel has a list suppression of
// list listID.
func (c ChannelConsent) listSuppressed(listID string) bool {
	for _, s := range c.ListSuppressions {
		if s.ListID == listID && listID != "" {
			return true
		}
	}
	return false
}
