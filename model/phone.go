package model

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// PhoneStatus is where a typed phone number stands.
type PhoneStatus string

// The states of a phone number as it is typed. Incomplete is not an error:
// it is what every number is until its last digit.
const (
	PhoneEmpty      PhoneStatus = "empty"
	PhoneIncomplete PhoneStatus = "incomplete"
	PhoneInvalid    PhoneStatus = "invalid"
	PhoneValid      PhoneStatus = "valid"
)

// maxPhoneInput bounds what is analysed: no phone number, however spaced,
// needs more characters than this.
const maxPhoneInput = 64

// maxE164Digits is the longest an E.164 number can be, calling code included.
const maxE164Digits = 15

// PhoneRules is what a phone analysis depends on besides the input: the
// account's SMS policy and the region assumed for numbers typed without "+".
type PhoneRules struct {
	Policy        *SMSPolicy
	DefaultRegion string
	// Now is the clock ConsentRequest.Check refuses a back-date after
	// (an offline consent dated in the future); nil means time.Now.
	Now func() time.Time
}

// now is the rules' clock.
func (r PhoneRules) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}

// PhoneAnalysis is everything Consent Desk says about a typed phone number.
// The JSON fields are the `phone` object of `consent check --json`.
type PhoneAnalysis struct {
	Input              string `json:"input"`
	E164               string `json:"e164"`
	Valid              bool   `json:"valid"`
	Region             string `json:"region"`
	Country            string `json:"country"`
	Type               string `json:"type"`
	SMSRegionSupported bool   `json:"sms_region_supported"`
	SMSEligible        bool   `json:"sms_eligible"`
	Reason             string `json:"reason"`

	// Status tells empty, incomplete, invalid and valid apart.
	Status PhoneStatus `json:"-"`
	// Formatted is the international format of a valid number, and the
	// digits read so far ("+1 787") otherwise.
	Formatted string `json:"-"`
	// Likely is the region an incomplete or invalid number appears to
	// belong to ("PR" for "+1787"), "" when it cannot be told yet.
	Likely string `json:"-"`
	// CallingCode is the country calling code once it is known, else 0.
	CallingCode int `json:"-"`
	// DefaultRegion is set when the input had no "+" and was read as a
	// national number of the configured default region.
	DefaultRegion string `json:"-"`
	// RegionRuledOut is set when the number's region, known or likely, is
	// outside the SMS policy: no way of finishing the number can carry SMS
	// consent, so the form can say so before the last digit.
	RegionRuledOut bool `json:"-"`

	// echo is the input as typed, its digits and "+" made ASCII and its
	// runs of space made one: what a partial number is shown as when the
	// agent grouped the digits.
	echo string
}

// Analyze reads raw input as typed (any spacing, dashes, dots, parentheses;
// with "+" and a calling code, or in national format with the default region)
// and says what it is and whether SMS consent can be recorded for it. It never
// fails: every problem is a status and a reason a person can act on.
func (r PhoneRules) Analyze(input string) PhoneAnalysis {
	a := PhoneAnalysis{Input: input, Type: typeNames[phonenumbers.UNKNOWN], Status: PhoneInvalid}
	text := strings.TrimSpace(input)
	if text == "" {
		a.Status = PhoneEmpty
		a.Reason = "enter a phone number: + and the country code, then the number"
		return a
	}
	if len(text) > maxPhoneInput {
		a.Reason = fmt.Sprintf("too long: a phone number has at most %d digits", maxE164Digits)
		return a
	}
	digits, international, echo, problem := scanPhone(text)
	a.echo = echo
	if problem != "" {
		a.Reason = problem
		return a
	}
	if len(digits) > maxE164Digits+2 {
		a.Reason = fmt.Sprintf("too long: a phone number has at most %d digits", maxE164Digits)
		return a
	}
	if !international && r.DefaultRegion == "" && strings.HasPrefix(digits, "00") {
		// "00" is the international prefix in most of the world.
		international, digits = true, digits[2:]
	}
	region := "ZZ"
	if international {
		if ok := r.readCallingCode(&a, digits); !ok {
			return a
		}
		text = "+" + digits
	} else {
		if r.DefaultRegion == "" {
			a.Reason = NoDefaultRegionReason
			return a
		}
		region = r.DefaultRegion
		a.DefaultRegion = region
	}

	num := &phonenumbers.PhoneNumber{}
	if err := phonenumbers.ParseToNumber(text, region, num); err != nil {
		r.parseFailed(&a, err, nationalPart(digits, a.CallingCode))
		return a
	}
	cc := int(num.GetCountryCode())
	nsn := phonenumbers.GetNationalSignificantNumber(num)
	a.CallingCode = cc
	if !phonenumbers.IsValidNumber(num) {
		r.notValid(&a, num, cc, nsn)
		return a
	}
	r.valid(&a, num, cc, nsn)
	return a
}

// scanPhone checks every character of trimmed input and returns its digits,
// whether it is written internationally ("+…", or "00…" with no default
// region needed), the input as echoed back (digits and "+" in ASCII, the
// agent's separators kept, runs of space made one), or a reason the input
// cannot be a phone number. Full-width digits and "＋" (from an East Asian
// keyboard or a copied document) and other decimal digits read as 0-9.
func scanPhone(text string) (digits string, international bool, echo, problem string) {
	var b, e strings.Builder
	space := false
	for i, ch := range text {
		ch = foldPhoneRune(ch)
		if d, ok := digitValue(ch); ok {
			b.WriteByte(d)
			e.WriteByte(d)
			space = false
			continue
		}
		switch {
		case ch == '+':
			if i != 0 {
				return "", false, "", `"+" can only come first, before the country code`
			}
			international = true
			e.WriteByte('+')
		case ch == ' ' || ch == '\u00a0' || ch == '\t' || ch == '\u3000':
			if !space {
				e.WriteByte(' ')
			}
			space = true
			continue
		case ch == '-' || ch == '.' || ch == '(' || ch == ')' || ch == '/':
			e.WriteRune(ch)
		case unicode.IsLetter(ch):
			return "", false, "", fmt.Sprintf("letters are not part of a phone number: remove %q", letterRun(text[i:]))
		default:
			return "", false, "", fmt.Sprintf("%q is not part of a phone number", ch)
		}
		space = false
	}
	return b.String(), international, e.String(), ""
}

// foldPhoneRune maps the full-width forms of "+" and the separators to
// ASCII; every other rune is returned as it is.
func foldPhoneRune(ch rune) rune {
	switch ch {
	case '＋':
		return '+'
	case '－', '‐', '‑', '‒', '–', '—':
		return '-'
	case '．':
		return '.'
	case '（':
		return '('
	case '）':
		return ')'
	case '／':
		return '/'
	}
	return ch
}

// digitValue returns the ASCII digit of any Unicode decimal digit ("3",
// "３", "٣"), and whether ch is one. Unicode lays out each script's digits
// as a run of ten from zero, so the value is the offset in its run.
func digitValue(ch rune) (byte, bool) {
	if ch >= '0' && ch <= '9' {
		return byte(ch), true
	}
	if ch < 0x80 || !unicode.Is(unicode.Nd, ch) {
		return 0, false
	}
	for _, r := range unicode.Nd.R16 {
		if rune(r.Lo) <= ch && ch <= rune(r.Hi) && r.Stride == 1 {
			return '0' + byte((ch-rune(r.Lo))%10), true
		}
	}
	for _, r := range unicode.Nd.R32 {
		if rune(r.Lo) <= ch && ch <= rune(r.Hi) && r.Stride == 1 {
			return '0' + byte((ch-rune(r.Lo))%10), true
		}
	}
	return 0, false
}

// nationalPart is what follows calling code cc in the digits of an
// international number, or "" when cc is not known.
func nationalPart(digits string, cc int) string {
	if cc == 0 {
		return ""
	}
	return strings.TrimPrefix(digits, strconv.Itoa(cc))
}

// letterRun returns the letters at the start of s.
func letterRun(s string) string {
	end := len(s)
	for i, ch := range s {
		if !unicode.IsLetter(ch) {
			end = i
			break
		}
	}
	return s[:end]
}

// readCallingCode fills in the calling code of an international number and
// reports whether analysis can go on; when it cannot, a is complete.
func (r PhoneRules) readCallingCode(a *PhoneAnalysis, digits string) bool {
	if digits == "" {
		a.Status = PhoneIncomplete
		a.Formatted = "+"
		a.Reason = incompleteCountryCode
		return false
	}
	if digits[0] == '0' {
		a.Formatted = "+" + digits
		a.Reason = "no country code starts with 0: after + comes the country code, such as 1 (US, Canada) or 44 (UK)"
		return false
	}
	cc, nsn, ok := countryCodeOf(digits)
	if !ok {
		if len(digits) < 3 {
			a.Status = PhoneIncomplete
			a.Formatted = "+" + digits
			a.Reason = incompleteCountryCode
			return false
		}
		a.Formatted = "+" + digits
		a.Reason = fmt.Sprintf("+%s is not a country calling code: check the digits after +", digits[:3])
		return false
	}
	a.CallingCode = cc
	if nsn == "" {
		a.Formatted = fmt.Sprintf("+%d", cc)
		a.Likely = guessRegion(cc, "")
		r.incomplete(a, "", fmt.Sprintf(incompleteAfter, cc))
		return false
	}
	return true
}

// parseFailed turns a libphonenumber parse error into a status and reason.
// nsn is the national part typed so far, when the calling code is known.
func (r PhoneRules) parseFailed(a *PhoneAnalysis, err error, nsn string) {
	switch {
	case errors.Is(err, phonenumbers.ErrTooShortNSN), errors.Is(err, phonenumbers.ErrTooShortAfterIDD),
		errors.Is(err, phonenumbers.ErrNotANumber):
		// scanPhone has vetted every character, so "not a number" here
		// means too few digits to parse yet.
		a.Likely = a.DefaultRegion
		if a.CallingCode != 0 {
			a.Likely = guessRegion(a.CallingCode, nsn)
			a.Formatted = fmt.Sprintf("+%d %s", a.CallingCode, nsn)
		}
		r.incomplete(a, nsn, incompleteNumber)
	case errors.Is(err, phonenumbers.ErrNumTooLong):
		a.Reason = fmt.Sprintf("too long: a phone number has at most %d digits", maxE164Digits)
	case errors.Is(err, phonenumbers.ErrInvalidCountryCode):
		a.Reason = "not a country calling code: check the digits after +"
	default:
		a.Reason = "not a phone number: use digits, with + and the country code first"
	}
}

// notValid explains a number that parses but is not valid: still being typed
// when it is shorter than any number of its calling code can be, otherwise
// too long or wrong for its region.
func (r PhoneRules) notValid(a *PhoneAnalysis, num *phonenumbers.PhoneNumber, cc int, nsn string) {
	a.Formatted = fmt.Sprintf("+%d %s", cc, nsn)
	a.Likely = guessRegion(cc, nsn)
	if a.Likely == "" {
		a.Likely = a.DefaultRegion
	}
	maxLen := phoneMeta().maxNSN[cc]
	possible := phonenumbers.IsPossibleNumberWithReason(num)
	switch {
	case possible != phonenumbers.TOO_LONG && len(nsn) < maxLen:
		r.incomplete(a, nsn, incompleteNumber)
	case possible == phonenumbers.TOO_LONG || len(nsn) > maxLen:
		a.Reason = fmt.Sprintf("too long: at most %d digits after +%d", maxLen, cc)
	case a.Likely == "" || a.Likely == nonGeographic:
		a.Reason = fmt.Sprintf("not a valid number: check the digits after +%d", cc)
	default:
		a.Reason = fmt.Sprintf("not a valid number in %s: check the digits after +%d", CountryInSentence(a.Likely), cc)
	}
}

// valid fills in a valid number's facts and its SMS eligibility.
func (r PhoneRules) valid(a *PhoneAnalysis, num *phonenumbers.PhoneNumber, cc int, nsn string) {
	typ := phonenumbers.GetNumberType(num)
	a.Status = PhoneValid
	a.Valid = true
	a.E164 = phonenumbers.Format(num, phonenumbers.E164)
	a.Formatted = phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
	a.Region = phonenumbers.GetRegionCodeForNumber(num)
	a.Country = CountryName(a.Region)
	a.Type = typeNames[typ]
	a.SMSRegionSupported = r.Policy.Allows(a.Region)
	canText := typ == phonenumbers.MOBILE || typ == phonenumbers.FIXED_LINE_OR_MOBILE
	a.SMSEligible = a.SMSRegionSupported && canText
	a.RegionRuledOut = !a.SMSRegionSupported
	switch {
	case !a.SMSRegionSupported:
		a.Reason = notSMSCountry(a.Region, cc, nsn, r.Policy)
	case !canText:
		a.Reason = fmt.Sprintf("%s in %s cannot receive texts — SMS consent would not be recorded."+emailUnaffected,
			cannotText(typ), CountryInSentence(a.Region))
	case typ == phonenumbers.MOBILE:
		a.Reason = fmt.Sprintf("SMS consent can be recorded: a mobile number in %s", CountryInSentence(a.Region))
	default:
		a.Reason = fmt.Sprintf("SMS consent can be recorded: a number in %s that can receive texts", CountryInSentence(a.Region))
	}
}

// The one phrasing of a number still being typed: "incomplete", then what
// comes next.
const (
	incompleteCountryCode = "incomplete: keep typing the country code after +"
	incompleteAfter       = "incomplete: keep typing the number after +%d"
	incompleteNumber      = "incomplete: keep typing the number"
)

// NoDefaultRegionReason is why a number without "+" cannot be read when no
// default region is set, and the two ways out.
const NoDefaultRegionReason = "start with + and the country code, or set default_region in config.toml " +
	`(default_region = "US") to read numbers typed without it`

// incomplete finishes the analysis of a number still being typed, whose
// national part so far is nsn: when its region is already known and SMS
// consent cannot be recorded there, that comes first in the reason, since
// typing more will not change it.
func (r PhoneRules) incomplete(a *PhoneAnalysis, nsn, keepTyping string) {
	a.Status = PhoneIncomplete
	if strings.ContainsAny(strings.TrimPrefix(a.echo, "+"), " -.()/") {
		a.Formatted = a.echo // the agent's own grouping: "+386 31 234"
	}
	cc := a.CallingCode
	if cc == 0 && a.Likely != "" {
		cc = phonenumbers.GetCountryCodeForRegion(a.Likely)
	}
	switch {
	case a.Likely != "" && !r.Policy.Allows(a.Likely) && (cc != 1 || len(nsn) >= 3):
		a.RegionRuledOut = true
		a.Reason = notSMSCountry(a.Likely, cc, nsn, r.Policy) + " (" + keepTyping + ")"
	case a.Likely != "" && a.Likely != nonGeographic:
		a.Reason = keepTyping + " (" + CountryName(a.Likely) + ")"
	default:
		a.Reason = keepTyping
	}
}

// Unfinished is what an incomplete number is refused with when it is
// submitted or looked up: that it is incomplete, not the SMS reason a
// likely region may already give ("incomplete: +386 31 234 so far, finish
// the number").
func (a PhoneAnalysis) Unfinished() string {
	so := SanitizeShort(a.Formatted, maxQuote)
	if so == "" {
		so = "the number"
	}
	return "incomplete: " + so + " so far, finish the number"
}

// emailUnaffected closes the reason SMS consent cannot be recorded: said
// to a person whose email consent is being sent too (see ReasonFor).
const emailUnaffected = " Email consent is unaffected."

// ReasonFor is the analysis's reason as said about a request: the closing
// "Email consent is unaffected." only when sendsEmail, that is when email
// consent is sent with it (the form, a refusal).
func (a PhoneAnalysis) ReasonFor(sendsEmail bool) string {
	if sendsEmail {
		return a.Reason
	}
	return strings.Replace(a.Reason, emailUnaffected, "", 1)
}

// usTerritories are the US territories that share +1 with the fifty states:
// Klaviyo's US SMS coverage is the states and DC only.
var usTerritories = map[string]bool{"PR": true, "GU": true, "VI": true, "AS": true, "MP": true}

// notSMSCountry is the reason for a region outside the policy. A region that
// shares its calling code with a policy country says so: +1 787 looks like a
// US number and is not one.
func notSMSCountry(region string, cc int, nsn string, policy *SMSPolicy) string {
	prefix := fmt.Sprintf("+%d", cc)
	if cc == 1 && len(nsn) >= 3 {
		prefix += " " + nsn[:3]
	}
	if region == nonGeographic {
		return fmt.Sprintf("%s is a non-geographic number, not an SMS country for this account — SMS consent would not be recorded."+emailUnaffected, prefix)
	}
	main := phoneMeta().mainOfCC[cc]
	if main == "US" && usTerritories[region] && policy.Allows(main) {
		return fmt.Sprintf("%s (%s) is a US territory; this account's US SMS coverage is the 50 states and DC — SMS consent would not be recorded."+emailUnaffected,
			CountryName(region), prefix)
	}
	shares := ""
	if main != "" && main != region && policy.Allows(main) {
		shares = fmt.Sprintf(" (it shares +%d with %s)", cc, CountryInSentence(main))
	}
	return fmt.Sprintf("%s (%s) is not an SMS country for this account%s — SMS consent would not be recorded."+emailUnaffected,
		CountryName(region), prefix, shares)
}

// CountryInSentence names a region as it reads mid-sentence: "the United
// States", "Slovenia".
func CountryInSentence(region string) string {
	name := CountryName(region)
	if strings.HasPrefix(name, "United ") || strings.HasSuffix(name, " Islands") || name == "Netherlands" {
		return "the " + name
	}
	return name
}

// typeNames are libphonenumber's names for number types, as `consent check
// --json` reports them.
var typeNames = map[phonenumbers.PhoneNumberType]string{
	phonenumbers.FIXED_LINE:           "FIXED_LINE",
	phonenumbers.MOBILE:               "MOBILE",
	phonenumbers.FIXED_LINE_OR_MOBILE: "FIXED_LINE_OR_MOBILE",
	phonenumbers.TOLL_FREE:            "TOLL_FREE",
	phonenumbers.PREMIUM_RATE:         "PREMIUM_RATE",
	phonenumbers.SHARED_COST:          "SHARED_COST",
	phonenumbers.VOIP:                 "VOIP",
	phonenumbers.PERSONAL_NUMBER:      "PERSONAL_NUMBER",
	phonenumbers.PAGER:                "PAGER",
	phonenumbers.UAN:                  "UAN",
	phonenumbers.VOICEMAIL:            "VOICEMAIL",
	phonenumbers.UNKNOWN:              "UNKNOWN",
}

// typeWords say a number type as an agent says it to a customer: "mobile",
// "landline", "mobile or landline" (libphonenumber cannot tell the two
// apart in the US and elsewhere), "toll-free".
var typeWords = map[phonenumbers.PhoneNumberType]string{
	phonenumbers.FIXED_LINE:           "landline",
	phonenumbers.MOBILE:               "mobile",
	phonenumbers.FIXED_LINE_OR_MOBILE: "mobile or landline",
	phonenumbers.TOLL_FREE:            "toll-free",
	phonenumbers.PREMIUM_RATE:         "premium-rate",
	phonenumbers.SHARED_COST:          "shared-cost",
	phonenumbers.VOIP:                 "internet (VoIP)",
	phonenumbers.PERSONAL_NUMBER:      "personal forwarding number",
	phonenumbers.PAGER:                "pager",
	phonenumbers.UAN:                  "company number",
	phonenumbers.VOICEMAIL:            "voicemail access",
	phonenumbers.UNKNOWN:              "unknown type",
}

// typeByName is typeNames reversed.
var typeByName = func() map[string]phonenumbers.PhoneNumberType {
	m := make(map[string]phonenumbers.PhoneNumberType, len(typeNames))
	for t, name := range typeNames {
		m[name] = t
	}
	return m
}()

// TypeWords is the number's type in words ("mobile or landline"), for the
// screen; Type keeps libphonenumber's name ("FIXED_LINE_OR_MOBILE") for
// JSON. "" for a number that is not valid.
func (a PhoneAnalysis) TypeWords() string {
	if !a.Valid {
		return ""
	}
	t, ok := typeByName[a.Type]
	if !ok {
		return "unknown type"
	}
	return typeWords[t]
}

// cannotText names a number that cannot receive texts, to start a
// sentence: "A landline", "A toll-free number".
func cannotText(t phonenumbers.PhoneNumberType) string {
	switch t {
	case phonenumbers.FIXED_LINE:
		return "A landline"
	case phonenumbers.PAGER:
		return "A pager"
	case phonenumbers.PERSONAL_NUMBER:
		return "A personal forwarding number"
	case phonenumbers.UNKNOWN:
		return "A number of unknown type"
	case phonenumbers.VOIP:
		return "An internet (VoIP) number"
	case phonenumbers.VOICEMAIL:
		return "A voicemail access number"
	}
	return "A " + typeWords[t] + " number"
}
