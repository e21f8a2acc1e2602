package model

import (
	"strings"
	"testing"
)

func TestAnalyzePhone(t *testing.T) {
	rules := PhoneRules{Policy: DefaultSMSPolicy()}
	tests := []struct {
		name          string
		input         string
		defaultRegion string
		status        PhoneStatus
		e164          string
		region        string // Region for valid numbers, Likely otherwise
		typ           string
		supported     bool
		eligible      bool
		reason        []string // all must appear in Reason
	}{
		{name: "Slovenian mobile", input: "+386 31 234 567", status: PhoneValid, e164: "+38631234567", region: "SI", typ: "MOBILE",
			reason: []string{"Slovenia (+386) is not an SMS country for this account", "SMS consent would not be recorded", "Email consent is unaffected"}},
		{name: "Puerto Rico is a US territory outside US SMS coverage", input: "+1 787 555 0123", status: PhoneValid, e164: "+17875550123", region: "PR", typ: "FIXED_LINE_OR_MOBILE",
			reason: []string{"Puerto Rico (+1 787) is a US territory; this account's US SMS coverage is the 50 states and DC", "SMS consent would not be recorded"}},
		{name: "Puerto Rico named from the area code alone", input: "+1787", status: PhoneIncomplete, region: "PR", typ: "UNKNOWN",
			reason: []string{"Puerto Rico (+1 787) is a US territory", "incomplete: keep typing"}},
		{name: "US Virgin Islands", input: "+1 (340) 555-0123", status: PhoneValid, e164: "+13405550123", region: "VI", typ: "FIXED_LINE_OR_MOBILE",
			reason: []string{"U.S. Virgin Islands (+1 340) is a US territory"}},
		{name: "Guam", input: "+1.671.555.0123", status: PhoneValid, e164: "+16715550123", region: "GU", typ: "FIXED_LINE_OR_MOBILE",
			reason: []string{"Guam (+1 671) is a US territory"}},
		{name: "Jamaica shares +1 and is no US territory", input: "+1 876 555 0123", status: PhoneValid, e164: "+18765550123", region: "JM", typ: "MOBILE",
			reason: []string{"Jamaica (+1 876) is not an SMS country for this account (it shares +1 with the United States)"}},
		{name: "Canada is in the policy", input: "+1 416 555 0123", status: PhoneValid, e164: "+14165550123", region: "CA", typ: "FIXED_LINE_OR_MOBILE", supported: true, eligible: true},
		{name: "full-width digits and plus", input: "＋３８６ ３１ ２３４ ５６７", status: PhoneValid, e164: "+38631234567", region: "SI", typ: "MOBILE"},
		{name: "Arabic-Indic digits", input: "+٣٨٦٣١٢٣٤٥٦٧", status: PhoneValid, e164: "+38631234567", region: "SI", typ: "MOBILE"},
		{name: "no country code starts with 0", input: "+0", status: PhoneInvalid, typ: "UNKNOWN", reason: []string{"no country code starts with 0"}},
		{name: "+044 is not UK", input: "+044 20 7946 0958", status: PhoneInvalid, typ: "UNKNOWN", reason: []string{"no country code starts with 0"}},
		{name: "US national format with default region", input: "(201) 555-0123", defaultRegion: "US", status: PhoneValid, e164: "+12015550123", region: "US",
			typ: "FIXED_LINE_OR_MOBILE", supported: true, eligible: true, reason: []string{"SMS consent can be recorded", "the United States"}},
		{name: "GB mobile", input: "+44 7400 123456", status: PhoneValid, e164: "+447400123456", region: "GB", typ: "MOBILE", supported: true, eligible: true,
			reason: []string{"SMS consent can be recorded: a mobile number in the United Kingdom"}},
		{name: "GB mobile in national format", input: "07400 123456", defaultRegion: "GB", status: PhoneValid, e164: "+447400123456", region: "GB", typ: "MOBILE", supported: true, eligible: true},
		{name: "GB landline: region supported, not eligible", input: "+44 20 7946 0958", status: PhoneValid, e164: "+442079460958", region: "GB", typ: "FIXED_LINE", supported: true,
			reason: []string{"A landline in the United Kingdom cannot receive texts"}},
		{name: "Guernsey shares +44 but is not GB", input: "+44 7911 123456", status: PhoneValid, e164: "+447911123456", region: "GG", typ: "MOBILE",
			reason: []string{"Guernsey (+44) is not an SMS country", "shares +44 with the United Kingdom"}},
		{name: "Australian mobile", input: "+61 412 345 678", status: PhoneValid, e164: "+61412345678", region: "AU", typ: "MOBILE", supported: true, eligible: true},
		{name: "New Zealand mobile", input: "+64 21 123 4567", status: PhoneValid, e164: "+64211234567", region: "NZ", typ: "MOBILE", supported: true, eligible: true},
		{name: "Hungarian mobile", input: "+36 20 123 4567", status: PhoneValid, e164: "+36201234567", region: "HU", typ: "MOBILE",
			reason: []string{"Hungary (+36) is not an SMS country"}},
		{name: "US toll-free cannot receive texts", input: "+1 800 555 0123", status: PhoneValid, e164: "+18005550123", region: "US", typ: "TOLL_FREE", supported: true,
			reason: []string{"toll-free"}},
		{name: "non-geographic number", input: "+800 1234 5678", status: PhoneValid, e164: "+80012345678", region: "001", typ: "TOLL_FREE",
			reason: []string{"non-geographic"}},
		{name: "international prefix 00 without default region", input: "0038631234567", status: PhoneValid, e164: "+38631234567", region: "SI", typ: "MOBILE"},
		{name: "calling code +1 only", input: "+1", status: PhoneIncomplete, typ: "UNKNOWN", reason: []string{"incomplete: keep typing the number after +1"}},
		{name: "calling code +386 only names Slovenia", input: "+386", status: PhoneIncomplete, region: "SI", typ: "UNKNOWN",
			reason: []string{"Slovenia (+386) is not an SMS country", "keep typing"}},
		{name: "plus alone", input: "+", status: PhoneIncomplete, typ: "UNKNOWN", reason: []string{"incomplete: keep typing the country code"}},
		{name: "partial calling code", input: "+3", status: PhoneIncomplete, typ: "UNKNOWN", reason: []string{"incomplete: keep typing the country code"}},
		{name: "US number one digit short", input: "+1 201 555 012", status: PhoneIncomplete, region: "US", typ: "UNKNOWN", reason: []string{"keep typing"}},
		{name: "Slovenian number one digit short", input: "+386 31 234 56", status: PhoneIncomplete, region: "SI", typ: "UNKNOWN",
			reason: []string{"Slovenia (+386) is not an SMS country", "keep typing"}},
		{name: "Canadian area code guessed", input: "+1 416", status: PhoneIncomplete, region: "CA", typ: "UNKNOWN", reason: []string{"keep typing", "Canada"}},
		{name: "too long", input: "+1 201 555 01234", status: PhoneInvalid, typ: "UNKNOWN", reason: []string{"too long: at most 10 digits after +1"}},
		{name: "far too long", input: "+1 201 555 0123 4567 8901", status: PhoneInvalid, typ: "UNKNOWN", reason: []string{"too long"}},
		{name: "over-long input", input: strings.Repeat("1 ", 100), status: PhoneInvalid, typ: "UNKNOWN", reason: []string{"too long"}},
		{name: "letters", input: "call me", status: PhoneInvalid, typ: "UNKNOWN", reason: []string{`letters are not part of a phone number: remove "call"`}},
		{name: "vanity letters", input: "+1 800 FLOWERS", status: PhoneInvalid, typ: "UNKNOWN", reason: []string{`remove "FLOWERS"`}},
		{name: "unknown calling code", input: "+999 123 456", status: PhoneInvalid, typ: "UNKNOWN", reason: []string{"+999 is not a country calling code"}},
		{name: "plus in the middle", input: "+1 201+555", status: PhoneInvalid, typ: "UNKNOWN", reason: []string{`"+" can only come first`}},
		{name: "symbol", input: "+1 201 #555", status: PhoneInvalid, typ: "UNKNOWN", reason: []string{`'#' is not part of a phone number`}},
		{name: "national format without default region", input: "201 555 0123", status: PhoneInvalid, typ: "UNKNOWN", reason: []string{"start with + and the country code, or set default_region in config.toml"}},
		{name: "empty", input: "   ", status: PhoneEmpty, typ: "UNKNOWN", reason: []string{"enter a phone number"}},
		{name: "invalid for the region", input: "+386 99 999 999", status: PhoneInvalid, region: "SI", typ: "UNKNOWN", reason: []string{"not a valid number in Slovenia"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rules
			r.DefaultRegion = tt.defaultRegion
			a := r.Analyze(tt.input)
			if a.Input != tt.input {
				t.Errorf("Input = %q, want the raw input %q", a.Input, tt.input)
			}
			if a.Status != tt.status {
				t.Fatalf("Status = %s, want %s (reason %q)", a.Status, tt.status, a.Reason)
			}
			if a.Valid != (tt.status == PhoneValid) {
				t.Errorf("Valid = %v with status %s", a.Valid, a.Status)
			}
			if a.E164 != tt.e164 {
				t.Errorf("E164 = %q, want %q", a.E164, tt.e164)
			}
			region := a.Region
			if !a.Valid {
				if a.Region != "" || a.Country != "" {
					t.Errorf("a number that is not valid has Region %q Country %q, want empty", a.Region, a.Country)
				}
				region = a.Likely
			}
			if region != tt.region {
				t.Errorf("region = %q, want %q", region, tt.region)
			}
			if a.Valid && a.Country == "" {
				t.Errorf("Country is empty for valid number in %s", a.Region)
			}
			if a.Type != tt.typ {
				t.Errorf("Type = %q, want %q", a.Type, tt.typ)
			}
			if a.SMSRegionSupported != tt.supported || a.SMSEligible != tt.eligible {
				t.Errorf("supported/eligible = %v/%v, want %v/%v", a.SMSRegionSupported, a.SMSEligible, tt.supported, tt.eligible)
			}
			if a.Reason == "" {
				t.Error("Reason is empty")
			}
			for _, want := range tt.reason {
				if !strings.Contains(a.Reason, want) {
					t.Errorf("Reason = %q, want it to contain %q", a.Reason, want)
				}
			}
		})
	}
}

func TestAnalyzePhoneKeepsFormattedDigits(t *testing.T) {
	rules := PhoneRules{Policy: DefaultSMSPolicy()}
	tests := []struct{ input, formatted string }{
		{"+", "+"},
		{"+1", "+1"},
		{"+1787", "+1 787"},
		{"+386 31 234 567", "+386 31 234 567"},
		{"+1-201-555-0123", "+1 201-555-0123"},
		{"+386 31 234", "+386 31 234"},    // the agent's grouping
		{"+386  31   234", "+386 31 234"}, // runs of space made one
		{"+38631234", "+386 31234"},       // none: calling code, then the rest
		{"＋３８６ ３１ ２３４", "+386 31 234"},    // full-width, echoed in ASCII
		{"+1 (787) 55", "+1 (787) 55"},
	}
	for _, tt := range tests {
		if got := rules.Analyze(tt.input).Formatted; got != tt.formatted {
			t.Errorf("Analyze(%q).Formatted = %q, want %q", tt.input, got, tt.formatted)
		}
	}
}

func TestAnalyzePhoneRecordsDefaultRegionUse(t *testing.T) {
	rules := PhoneRules{Policy: DefaultSMSPolicy(), DefaultRegion: "US"}
	if got := rules.Analyze("201 555 0123").DefaultRegion; got != "US" {
		t.Errorf("national input: DefaultRegion = %q, want US", got)
	}
	if got := rules.Analyze("+386 31 234 567").DefaultRegion; got != "" {
		t.Errorf("international input: DefaultRegion = %q, want empty", got)
	}
}

func TestAnalyzePhoneFollowsAccountPolicy(t *testing.T) {
	policy, err := NewSMSPolicy([]string{"SI", "US"}, "test account")
	if err != nil {
		t.Fatal(err)
	}
	rules := PhoneRules{Policy: policy}
	if a := rules.Analyze("+386 31 234 567"); !a.SMSEligible {
		t.Errorf("Slovenia in the account's policy: eligible = false (%s)", a.Reason)
	}
	if a := rules.Analyze("+44 7400 123456"); a.SMSEligible || a.SMSRegionSupported {
		t.Errorf("GB outside the account's policy: supported %v eligible %v", a.SMSRegionSupported, a.SMSEligible)
	}
}

// TestAnalyzePhoneTypedKeyByKey types numbers one key at a time, as the
// form does, and checks no prefix is called invalid before the number is.
func TestAnalyzePhoneTypedKeyByKey(t *testing.T) {
	rules := PhoneRules{Policy: DefaultSMSPolicy()}
	for _, number := range []string{"+386 31 234 567", "+1 787 555 0123", "+44 7400 123456", "+61 412 345 678"} {
		for i := 1; i < len(number); i++ {
			prefix := number[:i]
			if a := rules.Analyze(prefix); a.Status == PhoneInvalid {
				t.Errorf("prefix %q of %q is invalid (%s), want incomplete", prefix, number, a.Reason)
			}
		}
		if a := rules.Analyze(number); a.Status != PhoneValid {
			t.Errorf("%q: %s", number, a.Reason)
		}
	}
}

func TestAnalyzePhoneRegionRuledOut(t *testing.T) {
	rules := PhoneRules{Policy: DefaultSMSPolicy(), DefaultRegion: "SI"}
	tests := map[string]bool{
		"+1787":            true,
		"+386":             true,
		"+386 31 234 567":  true,
		"031 234":          true, // national format, default region Slovenia
		"+1":               false,
		"+1 20":            false,
		"+1 201":           false,
		"+44 7400 123456":  false,
		"+44 20 7946 0958": false, // landline: the region allows SMS, the type does not
	}
	for input, want := range tests {
		if got := rules.Analyze(input).RegionRuledOut; got != want {
			t.Errorf("Analyze(%q).RegionRuledOut = %v, want %v", input, got, want)
		}
	}
}

// TestPhoneTypeWords: the screen says a number's type in words, JSON keeps
// libphonenumber's name.
func TestPhoneTypeWords(t *testing.T) {
	rules := PhoneRules{Policy: DefaultSMSPolicy()}
	tests := []struct{ input, typ, words string }{
		{"+386 31 234 567", "MOBILE", "mobile"},
		{"+44 20 7946 0958", "FIXED_LINE", "landline"},
		{"+1 201 555 0123", "FIXED_LINE_OR_MOBILE", "mobile or landline"},
		{"+1 800 555 0123", "TOLL_FREE", "toll-free"},
		{"+1 201 555", "UNKNOWN", ""},
	}
	for _, tt := range tests {
		a := rules.Analyze(tt.input)
		if a.Type != tt.typ || a.TypeWords() != tt.words {
			t.Errorf("Analyze(%q): Type %q TypeWords %q, want %q %q", tt.input, a.Type, a.TypeWords(), tt.typ, tt.words)
		}
		if strings.Contains(a.Reason, "_") || strings.Contains(a.Reason, "FIXED") || strings.Contains(a.Reason, "TOLL") {
			t.Errorf("Analyze(%q).Reason has libphonenumber's names: %q", tt.input, a.Reason)
		}
	}
}

// TestIncompleteHasOnePhrasing: every number still being typed says
// "incomplete: keep typing".
func TestIncompleteHasOnePhrasing(t *testing.T) {
	rules := PhoneRules{Policy: DefaultSMSPolicy(), DefaultRegion: "US"}
	for _, input := range []string{"+", "+3", "+1", "+386", "+1 201 555 012", "+386 31 234 56", "201 555", "+1787", "+44 7400"} {
		a := rules.Analyze(input)
		if a.Status != PhoneIncomplete || !strings.Contains(a.Reason, "incomplete: keep typing") {
			t.Errorf("Analyze(%q) = %s %q, want incomplete with \"incomplete: keep typing\"", input, a.Status, a.Reason)
		}
	}
}
