package model

import "unicode/utf8"

// Override is new evidence an agent records with a subscribe: who
// collected the consent, the wording's version, an evidence file's digest.
// It is what lets SMS consent be given again for a number that opted out
// by replying STOP or was removed by carrier deactivation: OptOut names
// the opt-out it lifts (ChannelConsent.StopOptOut's words) and OptOutAt
// Klaviyo's timestamp of it, both filled in by the workflow from what
// Klaviyo holds, "" when there was none to lift. It is journaled with the
// entry and shown in the proof of consent.
type Override struct {
	OptOut         string `json:"opt_out,omitempty"`
	OptOutAt       string `json:"opt_out_at,omitempty"`
	CollectedBy    string `json:"collected_by,omitempty"`
	TextVersion    string `json:"consent_text_version,omitempty"`
	EvidenceSHA256 string `json:"evidence_sha256,omitempty"`
	EvidenceName   string `json:"evidence_name,omitempty"`
}

// OverrideNeeds says what evidence lifts an SMS opt-out, for a refusal or a
// hint.
const OverrideNeeds = "the consent wording's version and who collected it, or an evidence file"

// Enough reports whether the evidence may lift an SMS opt-out: the
// wording's version and who collected it, or an evidence file.
func (o *Override) Enough() bool {
	return o != nil && (o.TextVersion != "" && o.CollectedBy != "" || o.EvidenceSHA256 != "")
}

// Lifts reports whether the override lifts an opt-out Klaviyo holds.
func (o *Override) Lifts() bool { return o != nil && o.OptOut != "" }

// OverrideOf is the evidence an offline consent carries, as an Override
// (with no opt-out named): the same evidence may lift an opt-out.
func OverrideOf(c *OfflineConsent) *Override {
	if c == nil {
		return nil
	}
	return &Override{CollectedBy: c.CollectedBy, TextVersion: c.TextVersion, EvidenceSHA256: c.EvidenceSHA256, EvidenceName: c.EvidenceName}
}

// checkEvidenceText adds the problems of the free text and the digest
// recorded as evidence: over-long or invalid text, a digest that is not
// SHA-256 in lowercase hex.
func checkEvidenceText(by, version, sha, name string, add func(field, format string, args ...any)) {
	for _, f := range []struct{ name, value string }{{"collected_by", by}, {"consent_text_version", version}} {
		switch {
		case !utf8.ValidString(f.value):
			add(f.name, "is not valid UTF-8 text")
		case utf8.RuneCountInString(f.value) > maxOfflineText:
			add(f.name, "at most %d characters", maxOfflineText)
		}
	}
	if sha != "" && !isSHA256(sha) {
		add("evidence", "the evidence's SHA-256 must be 64 lowercase hexadecimal digits")
	}
	if !utf8.ValidString(name) {
		add("evidence", "the evidence file's name is not valid UTF-8 text")
	}
}

// checkOverride adds the problems of an override's text.
func checkOverride(r ConsentRequest, add func(field, format string, args ...any)) {
	o := r.Override
	checkEvidenceText(o.CollectedBy, o.TextVersion, o.EvidenceSHA256, o.EvidenceName, add)
	if !utf8.ValidString(o.OptOut + o.OptOutAt) {
		add("override", "is not valid UTF-8 text")
	}
}
