package present

import (
	"fmt"

	"github.com/consentdesk/consent/model"
)

// Region is the region a table shows for an analysed number: its code,
// "PR?" when only likely, "?" when unknown.
func Region(a model.PhoneAnalysis) string {
	switch {
	case a.Valid && a.Region != "":
		return a.Region
	case a.Likely != "":
		return a.Likely + "?"
	}
	return "?"
}

// PhoneWithRegion is a number with its region in a table cell,
// "+38631234567 SI", read after sanitising (escapes hidden in it must not
// change its region); "" for none.
func PhoneWithRegion(raw string, rules model.PhoneRules) string {
	phone := model.SanitizeText(raw)
	if phone == "" {
		return ""
	}
	return phone + " " + Region(rules.Analyze(phone))
}

// Phone is a profile's number as a summary shows it: Text, formatted with
// its country ("+1 617-547-5595 · United States (US)"), and NotEligible,
// why it cannot take SMS consent ("" when it can, or there is none).
type Phone struct{ Text, NotEligible string }

// DescribePhone reads a profile's number with the account's rules, after
// sanitising it. It parses the number (tens of µs): keep the result rather
// than calling it per frame.
func DescribePhone(raw string, rules model.PhoneRules) Phone {
	raw = model.SanitizeText(raw)
	if raw == "" {
		return Phone{}
	}
	a := rules.Analyze(raw)
	if !a.Valid {
		return Phone{Text: raw, NotEligible: model.SanitizeText(a.Reason)}
	}
	out := Phone{Text: fmt.Sprintf("%s · %s (%s)", a.Formatted, a.Country, a.Region)}
	if !a.SMSEligible {
		out.NotEligible = model.SanitizeText(a.Reason)
	}
	return out
}

// PhoneFacts is what the live phone line says of a number as it is typed,
// before its verdict: as read, its country ("probably Slovenia (SI)" while
// incomplete) and type in words, and that it was read in a default region.
func PhoneFacts(a model.PhoneAnalysis) []string {
	var facts []string
	if a.Formatted != "" {
		facts = append(facts, a.Formatted)
	}
	switch {
	case a.Valid:
		facts = append(facts, fmt.Sprintf("%s (%s)", a.Country, a.Region), a.TypeWords())
	case a.Likely != "":
		facts = append(facts, fmt.Sprintf("probably %s (%s)", model.CountryName(a.Likely), a.Likely))
	}
	if a.DefaultRegion != "" {
		facts = append(facts, "national format, default region "+a.DefaultRegion)
	}
	return facts
}

// PhoneVerdict is the live phone line's verdict, marked: "✓ SMS consent
// can be recorded…", "… incomplete: keep typing…" (Waiting: empty, or
// still typing a number whose region does not rule it out), "✗ …" (Bad).
// sendsEmail says whether email consent goes with it (see ReasonFor).
func PhoneVerdict(a model.PhoneAnalysis, sendsEmail bool) (string, Tone) {
	reason := a.ReasonFor(sendsEmail)
	switch {
	case a.SMSEligible:
		return "✓ " + reason, Good
	case a.Status == model.PhoneEmpty || (a.Status == model.PhoneIncomplete && !a.RegionRuledOut):
		return "… " + reason, Waiting
	}
	return "✗ " + reason, Bad
}
