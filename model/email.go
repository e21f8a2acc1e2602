package model

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of RFC 5321 on an address and its parts.
const (
	maxEmailLength  = 254
	maxLocalLength  = 64
	maxDomainLength = 253
	maxLabelLength  = 63
)

// EmailAnalysis is what Consent Desk says about a typed email address. The
// JSON fields are the `email` object of `consent check --json`.
type EmailAnalysis struct {
	Input      string `json:"input"`
	Normalized string `json:"normalized"`
	Valid      bool   `json:"valid"`
	Reason     string `json:"reason"`
}

// AnalyzeEmail checks an address's syntax (a bare address: no display name,
// no spaces, a domain with a dot) and normalises it: surrounding space
// trimmed, domain lower-cased. It looks nothing up.
func AnalyzeEmail(input string) EmailAnalysis {
	a := EmailAnalysis{Input: input}
	text := strings.TrimSpace(input)
	a.Reason = emailProblem(text)
	if a.Reason != "" {
		return a
	}
	at := strings.LastIndexByte(text, '@')
	a.Normalized = text[:at] + "@" + strings.ToLower(text[at+1:])
	a.Valid = true
	a.Reason = "a well-formed address"
	return a
}

// emailProblem returns why text is not a usable address, or "".
func emailProblem(text string) string {
	switch {
	case text == "":
		return "enter an email address"
	case !utf8.ValidString(text):
		return "not valid text: retype the address"
	case len(text) > maxEmailLength:
		return fmt.Sprintf("too long: an address has at most %d characters", maxEmailLength)
	case strings.ContainsAny(text, "<>"):
		return "enter just the address, without a name or <brackets>"
	case strings.IndexFunc(text, unicode.IsSpace) >= 0:
		return "an address has no spaces"
	// Spaces, U+2028 and U+2029 among them, are refused above.
	case strings.IndexFunc(text, isHidden) >= 0:
		return "the address contains an invisible control character"
	}
	parts := strings.Split(text, "@")
	switch {
	case len(parts) == 1:
		return "missing @: an address looks like name@example.com"
	case len(parts) > 2:
		return "an address has exactly one @"
	}
	if p := localPartProblem(parts[0]); p != "" {
		return p
	}
	return domainProblem(parts[1])
}

// localPartProblem checks what comes before the @ (unquoted forms only).
func localPartProblem(local string) string {
	switch {
	case local == "":
		return "missing the name before @"
	case len(local) > maxLocalLength:
		return fmt.Sprintf("the part before @ has at most %d characters", maxLocalLength)
	case strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, ".."):
		return "the part before @ cannot start or end with a dot, or have two dots in a row"
	}
	for _, r := range local {
		if r < utf8.RuneSelf && !isAtext(byte(r)) && r != '.' {
			return fmt.Sprintf("%q is not allowed before @", r)
		}
	}
	return ""
}

// domainProblem checks what comes after the @.
func domainProblem(domain string) string {
	switch {
	case domain == "":
		return "missing the domain after @, as in name@example.com"
	case len(domain) > maxDomainLength:
		return fmt.Sprintf("the domain has at most %d characters", maxDomainLength)
	case !strings.Contains(domain, "."):
		return fmt.Sprintf("the domain %q needs a dot, as in example.com", domain)
	}
	labels := strings.Split(domain, ".")
	for _, label := range labels {
		switch {
		case label == "":
			return "the domain cannot start or end with a dot, or have two dots in a row"
		case len(label) > maxLabelLength:
			return fmt.Sprintf("a part of the domain has at most %d characters", maxLabelLength)
		case strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-"):
			return "a part of the domain cannot start or end with a hyphen"
		}
		for _, r := range label {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return fmt.Sprintf("%q is not allowed in the domain", r)
			}
		}
	}
	tld := labels[len(labels)-1]
	if utf8.RuneCountInString(tld) < 2 || strings.Trim(tld, "0123456789") == "" {
		return fmt.Sprintf("%q is not a top-level domain", tld)
	}
	return ""
}

// isAtext reports whether an ASCII byte may appear unquoted in a local part
// (RFC 5322 atext).
func isAtext(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}
