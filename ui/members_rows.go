package ui

import (
	"strings"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/model"
)

// memberRow is one member as the table shows it, computed once when its
// page arrives (sanitised text, the phone's region, the join date) so that
// rendering a frame never analyses or sanitises anything. It keeps only
// what is shown and the profile id: a few short strings and two bytes.
type memberRow struct {
	id     string
	name   string // first and last name, sanitised
	email  string
	phone  string // E.164 as Klaviyo sent it, sanitised
	region string // "SI"; "PR?" when only likely; "?" when unknown
	joined string // "2006-01-02"
	// emailReason is why a suppressed email cannot receive, for a wide
	// consent column ("suppressed: hard bounce"); "" for the others.
	// emailReasonWidth is its width in cells: a byte, in the padding after
	// the two consents (a reason is at most a few dozen cells).
	emailReason string
	emailConsent,
	smsConsent memberConsent
	emailReasonWidth uint8
}

// newMemberRow turns one profile, a member of list listID, into a row. It
// runs in the command that fetched the page, off the UI's goroutine.
func newMemberRow(rules model.PhoneRules, listID string, p client.Profile) memberRow {
	email := p.Subscriptions.Channel(model.EmailMarketing)
	r := memberRow{
		id:           model.SanitizeText(p.ID),
		name:         model.SanitizeText(strings.TrimSpace(p.Name())),
		email:        model.SanitizeText(p.Email),
		phone:        model.SanitizeText(p.PhoneNumber),
		joined:       memberJoined(p.JoinedGroupAt),
		emailConsent: memberConsentOf(email, listID),
		smsConsent:   memberConsentOf(p.Subscriptions.Channel(model.SMSMarketing), listID),
	}
	if r.emailConsent == consentSuppressed {
		r.emailReason = email.SuppressionLabelOnList(listID)
		r.emailReasonWidth = uint8(min(memberTextWidth(r.emailReason), 255))
	}
	if r.phone != "" {
		r.region = present.Region(rules.Analyze(r.phone))
	}
	return r
}

// newMemberRows turns a page of list listID's profiles into rows.
func newMemberRows(rules model.PhoneRules, listID string, profiles []client.Profile) []memberRow {
	rows := make([]memberRow, len(profiles))
	for i, p := range profiles {
		rows[i] = newMemberRow(rules, listID, p)
	}
	return rows
}

// memberJoined is the date of Klaviyo's joined_group_at (present.Date),
// copied so that the row does not keep the whole timestamp alive.
func memberJoined(at string) string { return strings.Clone(present.Date(at)) }

// phoneWidth is the width of the row's phone cell, "+38631234567 SI".
func (r *memberRow) phoneWidth() int {
	if r.phone == "" {
		return 1
	}
	return memberTextWidth(r.phone) + 1 + memberTextWidth(r.region)
}
