package model

import (
	"strings"
	"testing"
)

func TestAnalyzeEmail(t *testing.T) {
	tests := []struct {
		input      string
		valid      bool
		normalized string
		reason     string
	}{
		{input: "sarah.mason@klaviyo-demo.com", valid: true, normalized: "sarah.mason@klaviyo-demo.com"},
		{input: "  Sarah.Mason@Klaviyo-Demo.COM \t", valid: true, normalized: "Sarah.Mason@klaviyo-demo.com"},
		{input: "o'brien+tag@example.co.uk", valid: true, normalized: "o'brien+tag@example.co.uk"},
		{input: "ana@bücher.de", valid: true, normalized: "ana@bücher.de"},
		{input: "", reason: "enter an email address"},
		{input: "Sarah Mason <sarah@example.com>", reason: "without a name or <brackets>"},
		{input: "sarah mason@example.com", reason: "no spaces"},
		{input: "sarah.example.com", reason: "no @ yet"},
		{input: "a@b@example.com", reason: "exactly one @"},
		{input: "@example.com", reason: "missing the name before @"},
		{input: "sarah@", reason: "no domain yet"},
		{input: "sarah@localhost", reason: "has no dot yet"},
		{input: ".sarah@example.com", reason: "cannot start or end with a dot"},
		{input: "sa..rah@example.com", reason: "two dots in a row"},
		{input: "sarah@example..com", reason: "two dots in a row"},
		{input: "sarah@-example.com", reason: "hyphen"},
		{input: "sarah@example.c", reason: "not a top-level domain"},
		{input: "sarah@example.123", reason: "not a top-level domain"},
		{input: "sa(rah)@example.com", reason: "not allowed before @"},
		{input: "sarah@exa_mple.com", reason: "not allowed in the domain"},
		{input: "sarah\x1b[2J@example.com", reason: "control character"},
		{input: "sarah\u202e@example.com", reason: "control character"},
		{input: strings.Repeat("a", 65) + "@example.com", reason: "at most 64 characters"},
		{input: "a@" + strings.Repeat("b", 64) + ".com", reason: "at most 63 characters"},
		{input: strings.Repeat("a", 250) + "@example.com", reason: "too long"},
		{input: "sarah@example.com\xff", reason: "not valid text"},
	}
	for _, tt := range tests {
		t.Run(tt.input, func(t *testing.T) {
			a := AnalyzeEmail(tt.input)
			if a.Input != tt.input {
				t.Errorf("Input = %q, want %q", a.Input, tt.input)
			}
			if a.Valid != tt.valid {
				t.Fatalf("Valid = %v, want %v (reason %q)", a.Valid, tt.valid, a.Reason)
			}
			if a.Normalized != tt.normalized {
				t.Errorf("Normalized = %q, want %q", a.Normalized, tt.normalized)
			}
			if !strings.Contains(a.Reason, tt.reason) {
				t.Errorf("Reason = %q, want it to contain %q", a.Reason, tt.reason)
			}
		})
	}
}

// TestEmailPartialInput: what more typing can still make an address is
// partial ("keep typing" on screen); a definite error is not.
func TestEmailPartialInput(t *testing.T) {
	tests := []struct {
		input   string
		partial bool
		reason  string
	}{
		{"s", true, "no @ yet"},
		{"sarah.", true, "no @ yet"},
		{"sarah@", true, "no domain yet"},
		{"sarah@gmail", true, `"gmail" has no dot yet`},
		{"sarah@gmail.", true, "ends in a dot"},
		{"sarah@gmail.c", true, "not a top-level domain yet"},
		{"a@b@c", false, "exactly one @"},
		{"sarah mason", false, "no spaces"},
		{".sarah", false, "cannot start or end with a dot"},
		{"sa(rah", false, "not allowed before @"},
		{"sarah@exa_mple", false, "not allowed in the domain"},
		{"sarah@example..", false, "two dots in a row"},
		{"sarah@example.123", false, "not a top-level domain"},
	}
	for _, tt := range tests {
		a := AnalyzeEmail(tt.input)
		if a.Valid || a.Partial != tt.partial || !strings.Contains(a.Reason, tt.reason) {
			t.Errorf("AnalyzeEmail(%q) = valid %v partial %v %q, want partial %v with %q", tt.input, a.Valid, a.Partial, a.Reason, tt.partial, tt.reason)
		}
	}
}

// TestEmailDomainTypos: a likely typo of a common domain is a warning on a
// valid address; the common domains and others are left alone.
func TestEmailDomainTypos(t *testing.T) {
	tests := map[string]string{
		"ana@gmail.con":     "gmail.com",
		"ana@gmial.com":     "gmail.com",
		"ana@hotmial.com":   "hotmail.com",
		"ana@yaho.com":      "yahoo.com",
		"ana@outlok.com":    "outlook.com",
		"ana@GMAIL.CON":     "gmail.com",
		"ana@gmail.com":     "",
		"ana@yahoo.co.uk":   "",
		"ana@example.com":   "",
		"ana@me.co":         "",
		"ana@klaviyo.com":   "",
		"ana@gmaill.comm":   "",
		"ana@hotmail.co.uk": "",
	}
	for input, want := range tests {
		a := AnalyzeEmail(input)
		if !a.Valid || a.Suggestion != want {
			t.Errorf("AnalyzeEmail(%q): valid %v Suggestion %q, want %q", input, a.Valid, a.Suggestion, want)
		}
		if want != "" && !strings.Contains(a.Reason, "did you mean "+want+"?") {
			t.Errorf("AnalyzeEmail(%q).Reason = %q", input, a.Reason)
		}
	}
}
