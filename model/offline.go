package model

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// OfflineConsent is consent collected earlier (on paper, by phone, at an event) and entered now: sent as a historical import dated ConsentedAt.
type OfflineConsent struct {
	ConsentedAt    time.Time `json:"consented_at"`
	CollectedBy    string    `json:"collected_by,omitempty"`
	TextVersion    string    `json:"consent_text_version,omitempty"`
	EvidenceSHA256 string    `json:"evidence_sha256,omitempty"`
	EvidenceName   string    `json:"evidence_name,omitempty"` // the file's base name, for the record
}

// ConsentFloor is the earliest consent date Klaviyo takes in a historical
// import: a back-date before it is refused.
var ConsentFloor = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// maxOfflineText bounds the free text recorded with an offline consent
// (who collected it and where, the wording's version).
const maxOfflineText = 255

// checkOffline adds the problems of an offline consent, against now. A
// back-date after now is refused with no allowance for clock skew: Klaviyo
// wants consented_at in the past, so a date ahead of the agent's clock
// would be ahead of Klaviyo's too, give or take seconds, and consent
// given "just now" is not consent collected earlier.
func checkOffline(o *OfflineConsent, now time.Time, add func(field, format string, args ...any)) {
	switch at := o.ConsentedAt; {
	case at.IsZero():
		add("consented_at", "say when consent was given (a date such as 2026-03-14)")
	case at.After(now):
		add("consented_at", "%s is in the future: consent collected earlier has a date in the past", at.Format("2006-01-02 15:04 MST"))
	case at.Before(ConsentFloor):
		add("consented_at", "%s is before 1990-01-01, the earliest consent date Klaviyo takes", at.Format("2006-01-02"))
	}
	checkEvidenceText(o.CollectedBy, o.TextVersion, o.EvidenceSHA256, o.EvidenceName, add)
}

// isSHA256 reports whether s is a SHA-256 digest in lowercase hex.
func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// consentedAtLayouts are the forms ParseConsentedAt takes without a
// layout, the date-only one first.
var consentedAtLayouts = []string{"2006-01-02", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04:05"}

// ConsentedAtFormats says, for an error or a hint, the forms
// ParseConsentedAt takes without a layout.
const ConsentedAtFormats = "2026-03-14, 2026-03-14 15:04, 2026-03-14T15:04:05, or RFC 3339 such as 2026-03-14T15:04:05+01:00"

// ParseConsentedAt reads when consent was given. With layout "" it takes
// 2026-03-14 (midnight in loc), 2026-03-14 15:04, 2026-03-14T15:04,
// 2026-03-14T15:04:05 (all in loc), and RFC 3339 with an offset or Z (in
// that offset). A non-empty layout is a Go time layout used instead,
// in loc unless it carries a zone. loc nil means UTC. The error says what
// is accepted.
func ParseConsentedAt(text, layout string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	s := strings.TrimSpace(text)
	if s == "" {
		return time.Time{}, errors.New("no date: give one such as " + ConsentedAtFormats)
	}
	quoted := SanitizeShort(s, maxQuote)
	if layout != "" {
		t, err := time.ParseInLocation(layout, s, loc)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q is not a date in the format %s", quoted, SanitizeShort(layout, maxQuote))
		}
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, l := range consentedAtLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date: give %s", quoted, ConsentedAtFormats)
}

// Check is what is wrong with the offline consent at now, field by field:
// the problems ConsentRequest.Check gives for it. The batch importer
// checks what every row shares once, before the rows.
func (o OfflineConsent) Check(now time.Time) []Problem {
	var problems []Problem
	checkOffline(&o, now, func(field, format string, args ...any) {
		problems = append(problems, Problem{field, fmt.Sprintf(format, args...)})
	})
	return problems
}
