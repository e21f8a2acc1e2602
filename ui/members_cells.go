package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/model"
)

// The consent columns of the members table: what a row's consent cells
// say, and how wide the columns are.
const (
	memberEmailConsentWidth = 13 // "email consent"
	memberSMSConsentWidth   = 12 // "unsubscribed"; "cannot receive" widens it
	// memberMaxEmailConsentWidth bounds the email consent column when it
	// shows reasons: "suppressed: suppressed by user/admin", 36.
	memberMaxEmailConsentWidth = 36
	// memberReasonEmailWidth is how wide the email column must stay for the
	// email consent column to widen to the reasons: most addresses whole.
	memberReasonEmailWidth = 30
)

// memberConsent is one channel's consent in a row: a byte, not a string,
// so that a row stays small.
type memberConsent uint8

// The consent values a row shows.
const (
	consentNever memberConsent = iota
	consentSubscribed
	consentUnsubscribed
	consentOther
	// consentSuppressed: email consent SUBSCRIBED that Klaviyo cannot
	// send (this list's messages) to: a suppression.
	consentSuppressed
	// consentCannotReceive: SMS consent SUBSCRIBED that Klaviyo cannot
	// send to (SMS has no suppressions; Klaviyo does not say why).
	consentCannotReceive
	memberConsentKinds // how many there are
)

// label is the consent as the table shows it: a word, never colour alone.
func (m memberConsent) label() string {
	switch m {
	case consentSubscribed:
		return present.WordSubscribed
	case consentUnsubscribed:
		return present.WordUnsubscribed
	case consentOther:
		return "other"
	case consentSuppressed:
		return present.WordSuppressed
	case consentCannotReceive:
		return model.CannotReceiveWords
	}
	return present.WordNever
}

// memberConsentOf reads one channel of a member of list listID: a
// SUBSCRIBED channel Klaviyo cannot send on is shown as such, not as
// subscribed.
func memberConsentOf(c model.ChannelConsent, listID string) memberConsent {
	if c.SuppressedOnList(listID) {
		if c.Channel.IsSMS() {
			return consentCannotReceive
		}
		return consentSuppressed
	}
	switch c.Consent {
	case model.Subscribed:
		return consentSubscribed
	case model.Unsubscribed:
		return consentUnsubscribed
	case model.NeverSubscribed, "":
		return consentNever
	}
	return consentOther
}

// emailCell is what the row's email consent cell says in columns cols,
// and its width: the reason a suppressed email cannot receive when the
// column was widened for reasons, else the consent word.
func (r *memberRow) emailCell(cols memberColumns) (words string, width int) {
	if r.emailReason != "" && cols.emailConsent > memberEmailConsentWidth {
		return r.emailReason, int(r.emailReasonWidth)
	}
	words = r.emailConsent.label()
	return words, len(words)
}

// widenForReasons gives the email consent column room for the widest
// suppression reason loaded (up to memberMaxEmailConsentWidth), taken from
// the email column, when that keeps memberReasonEmailWidth.
func (c *memberColumns) widenForReasons(reason int) {
	extra := min(reason, memberMaxEmailConsentWidth) - c.emailConsent
	if extra > 0 && c.email-extra >= memberReasonEmailWidth {
		c.email -= extra
		c.emailConsent += extra
	}
}

// memberConsentCell writes a consent cell's words (m's label, or a reason)
// of w cells, cut or padded to width plus gap, coloured as m when p is
// given; a width of 0 is the last column, never cut.
func memberConsentCell(b *strings.Builder, words string, w int, m memberConsent, width, gap int, p *memberPaint) {
	if width > 0 && w > width { // only ever a reason, wider than its column
		words = ansi.Truncate(words, width, "…")
		w = ansi.StringWidth(words)
	}
	if p != nil {
		p.consent[m].write(b, words)
	} else {
		b.WriteString(words)
	}
	memberPad(b, max(width-w, 0)+gap)
}
