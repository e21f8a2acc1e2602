package model

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
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
	digits, international, problem := scanPhone(text)
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
			a.Reason = "start with + and the country code (no default region is set for numbers without one)"
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
// region needed), or a reason the input cannot be a phone number.
func scanPhone(text string) (digits string, international bool, problem string) {
	var b strings.Builder
	for i, ch := range text {
		switch {
		case ch >= '0' && ch <= '9':
			b.WriteRune(ch)
		case ch == '+':
			if i != 0 {
				return "", false, `"+" can only come first, before the country code`
			}
			international = true
		case ch == ' ' || ch == '-' || ch == '.' || ch == '(' || ch == ')' || ch == '/' || ch == '\u00a0' || ch == '\t':
		case unicode.IsLetter(ch):
			return "", false, fmt.Sprintf("letters are not part of a phone number: remove %q", letterRun(text[i:]))
		default:
			return "", false, fmt.Sprintf("%q is not part of a phone number", ch)
		}
	}
	return b.String(), international, ""
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
		a.Reason = "keep typing: the country code after +"
		return false
	}
	cc, nsn, ok := countryCodeOf(digits)
	if !ok {
		if len(digits) < 3 {
			a.Status = PhoneIncomplete
			a.Formatted = "+" + digits
			a.Reason = "keep typing: the country code after +"
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
		r.incomplete(a, "", fmt.Sprintf("keep typing: the number after +%d", cc))
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
		r.incomplete(a, nsn, "keep typing: the number is too short")
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
		r.incomplete(a, nsn, "keep typing: the number is incomplete")
	case possible == phonenumbers.TOO_LONG || len(nsn) > maxLen:
		a.Reason = fmt.Sprintf("too long: at most %d digits after +%d", maxLen, cc)
	case a.Likely == "" || a.Likely == nonGeographic:
		a.Reason = fmt.Sprintf("not a valid number: check the digits after +%d", cc)
	default:
		a.Reason = fmt.Sprintf("not a valid number in %s: check the digits after +%d", countryInSentence(a.Likely), cc)
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
			typeDescriptions[typ], countryInSentence(a.Region))
	case typ == phonenumbers.MOBILE:
		a.Reason = fmt.Sprintf("SMS consent can be recorded: a mobile number in %s", countryInSentence(a.Region))
	default:
		a.Reason = fmt.Sprintf("SMS consent can be recorded: a number in %s that can receive texts", countryInSentence(a.Region))
	}
}

// incomplete finishes the analysis of a number still being typed, whose
// national part so far is nsn: when its region is already known and SMS
// consent cannot be recorded there, that comes first in the reason, since
// typing more will not change it.
func (r PhoneRules) incomplete(a *PhoneAnalysis, nsn, keepTyping string) {
	a.Status = PhoneIncomplete
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
	shares := ""
	if main := phoneMeta().mainOfCC[cc]; main != "" && main != region && policy.Allows(main) {
		shares = fmt.Sprintf(" (it shares +%d with %s but is not part of it)", cc, countryInSentence(main))
	}
	return fmt.Sprintf("%s (%s) is not an SMS country for this account%s — SMS consent would not be recorded."+emailUnaffected,
		CountryName(region), prefix, shares)
}

// countryInSentence names a region as it reads mid-sentence: "the United
// States", "Slovenia".
func countryInSentence(region string) string {
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

// typeDescriptions say in words what a number that cannot take texts is.
var typeDescriptions = map[phonenumbers.PhoneNumberType]string{
	phonenumbers.FIXED_LINE:      "A landline (FIXED_LINE)",
	phonenumbers.TOLL_FREE:       "A toll-free number (TOLL_FREE)",
	phonenumbers.PREMIUM_RATE:    "A premium-rate number (PREMIUM_RATE)",
	phonenumbers.SHARED_COST:     "A shared-cost number (SHARED_COST)",
	phonenumbers.VOIP:            "A VoIP number (VOIP)",
	phonenumbers.PERSONAL_NUMBER: "A personal forwarding number (PERSONAL_NUMBER)",
	phonenumbers.PAGER:           "A pager (PAGER)",
	phonenumbers.UAN:             "A company number (UAN)",
	phonenumbers.VOICEMAIL:       "A voicemail access number (VOICEMAIL)",
	phonenumbers.UNKNOWN:         "A number of unknown type (UNKNOWN)",
}
