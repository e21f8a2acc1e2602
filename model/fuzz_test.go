package model

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzAnalyzePhone feeds arbitrary input to the phone analyser: it must never
// panic, always explain itself, and only call valid what has an E.164 form.
func FuzzAnalyzePhone(f *testing.F) {
	for _, seed := range []string{"+386 31 234 567", "+1787", "(201) 555-0123", "+", "", "+999", "+1 800 FLOWERS", "0038631234567", "+44 7911 123456", "\x1b]52;c;aGk=\a", "+٣٨٦"} {
		f.Add(seed, "")
		f.Add(seed, "US")
	}
	policy := DefaultSMSPolicy()
	f.Fuzz(func(t *testing.T, input, region string) {
		if _, err := ParseRegion(region); err != nil {
			region = ""
		}
		a := PhoneRules{Policy: policy, DefaultRegion: strings.ToUpper(strings.TrimSpace(region))}.Analyze(input)
		if a.Reason == "" {
			t.Fatalf("no reason for %q", input)
		}
		if a.Valid != (a.Status == PhoneValid) {
			t.Fatalf("Valid %v with status %s", a.Valid, a.Status)
		}
		if a.Valid && (!strings.HasPrefix(a.E164, "+") || a.Region == "") {
			t.Fatalf("valid %q has E164 %q region %q", input, a.E164, a.Region)
		}
		if a.SMSEligible && (!a.Valid || !a.SMSRegionSupported) {
			t.Fatalf("eligible without being valid and supported: %+v", a)
		}
		if !utf8.ValidString(a.Reason) {
			t.Fatalf("reason is not UTF-8: %q", a.Reason)
		}
	})
}

// FuzzAnalyzeEmail feeds arbitrary input to the email check: it must never
// panic, and a valid address must normalise to a fixed point.
func FuzzAnalyzeEmail(f *testing.F) {
	for _, seed := range []string{"sarah@example.com", "Sarah <s@x.com>", "a@b", "@", "", "a@b.co\x00", "ä@ü.de"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		a := AnalyzeEmail(input)
		if a.Reason == "" {
			t.Fatalf("no reason for %q", input)
		}
		if !a.Valid {
			if a.Normalized != "" {
				t.Fatalf("invalid %q normalised to %q", input, a.Normalized)
			}
			return
		}
		again := AnalyzeEmail(a.Normalized)
		if !again.Valid || again.Normalized != a.Normalized {
			t.Fatalf("normalising %q is not stable: %q then %+v", input, a.Normalized, again)
		}
	})
}
