package present

import (
	"strings"

	"github.com/consentdesk/consent/model"
)

// The words of a channel's consent in a table cell, for the UI's narrow
// columns and the CLI's wide ones.
const (
	WordSubscribed   = "subscribed"
	WordUnsubscribed = "unsubscribed"
	WordNever        = "never"
	WordNeverLong    = "never subscribed"
	WordSuppressed   = "suppressed"
)

// ConsentWord is a channel's consent in a table cell of list listID's
// members, said in full: "subscribed", "unsubscribed", "never subscribed",
// or, when Klaviyo cannot send on it, why, with the consent it holds
// ("suppressed: hard bounce (consent SUBSCRIBED)"); "-" when the profile
// does not report the channel.
func ConsentWord(c model.ChannelConsent, listID string) string {
	if !c.Present {
		return "-"
	}
	if why := c.SuppressionLabelOnList(listID); why != "" {
		return why + " (consent " + model.SanitizeText(string(c.Consent)) + ")"
	}
	if c.Consent == model.NeverSubscribed {
		return WordNeverLong
	}
	return model.SanitizeText(strings.ToLower(strings.ReplaceAll(string(c.Consent), "_", " ")))
}

// Facts are one channel's consent as a card shows it, each fact a few
// words: its State, whether Klaviyo can send (CanReceive, and Receive in
// words, with why not), since when, how it was given, and its
// suppressions.
type Facts struct {
	State        string
	CanReceive   bool
	Receive      string
	Since        string   // the consent timestamp, to the minute
	How          []string // "method API", "detail JOIN", "custom detail …", "double opt-in"
	OptOut       string   // "opted out 2024-04-22: replied STOP"; "" unless UNSUBSCRIBED with a method
	Suppressions []string // "suppressed: HARD_BOUNCE since 2024-05-18", "suppressed on list Y6nRLr: …"
}

// ChannelFacts reads one channel's consent into Facts, every piece of API
// text sanitised.
func ChannelFacts(c model.ChannelConsent) Facts {
	f := Facts{State: model.SanitizeText(string(c.Consent)), CanReceive: c.CanReceive, Since: Minute(c.ConsentTimestamp)}
	switch {
	case c.CanReceive:
		f.Receive = "can receive"
	case len(c.Suppressions) > 0:
		f.Receive = "cannot receive (" + c.SuppressionReason() + ")"
	default:
		f.Receive = model.CannotReceiveWords
	}
	if c.Method != "" {
		f.How = append(f.How, "method "+model.SanitizeText(c.Method))
	}
	if c.MethodDetail != "" {
		f.How = append(f.How, "detail "+model.SanitizeText(c.MethodDetail))
	}
	if c.CustomDetail != "" {
		f.How = append(f.How, "custom detail "+model.SanitizeText(c.CustomDetail))
	}
	if c.DoubleOptin {
		f.How = append(f.How, "double opt-in")
	}
	if how := c.OptOutHow(); how != "" {
		f.OptOut = "opted out"
		if d := SinceDate(c.ConsentTimestamp); d != "" {
			f.OptOut += " " + strings.TrimPrefix(d, " since ")
		}
		f.OptOut += ": " + how
	}
	for _, s := range c.Suppressions {
		f.Suppressions = append(f.Suppressions, "suppressed: "+model.SanitizeText(s.Reason)+SinceDate(s.Timestamp))
	}
	for _, s := range c.ListSuppressions {
		f.Suppressions = append(f.Suppressions, "suppressed on list "+model.SanitizeText(s.ListID)+": "+model.SanitizeText(s.Reason)+SinceDate(s.Timestamp))
	}
	return f
}

// Line is the facts on one line, for the CLI's check card: "SUBSCRIBED ·
// can receive · since 2024-05-20 19:46 UTC · method API".
func (f Facts) Line() string {
	parts := []string{f.State, f.Receive}
	if f.Since != "" {
		parts = append(parts, "since "+f.Since)
	}
	parts = append(parts, f.How...)
	if f.OptOut != "" {
		parts = append(parts, f.OptOut)
	}
	parts = append(parts, f.Suppressions...)
	return strings.Join(parts, " · ")
}

// ChannelShort names a channel in a card's narrow label column.
func ChannelShort(ch model.Channel) string {
	switch ch {
	case model.EmailMarketing:
		return "email"
	case model.SMSMarketing:
		return "SMS"
	}
	return "SMS tx"
}
