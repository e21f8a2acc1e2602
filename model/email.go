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

	// Partial is set when the address is not one yet but could become one
	// as typing goes on: no @ yet, no domain or no dot in it yet. The form
	// says "keep typing" rather than ✗.
	Partial bool `json:"-"`
	// Suggestion is a common domain a valid address's domain is likely a
	// typo of ("gmail.com" for "gmail.con"): a warning, not a refusal.
	Suggestion string `json:"-"`
}

// AnalyzeEmail checks an address's syntax (a bare address: no display name,
// no spaces, a domain with a dot) and normalises it: surrounding space
// trimmed, domain lower-cased. It looks nothing up.
func AnalyzeEmail(input string) EmailAnalysis {
	a := EmailAnalysis{Input: input}
	text := strings.TrimSpace(input)
	a.Reason, a.Partial = emailProblem(text)
	if a.Reason != "" {
		return a
	}
	at := strings.LastIndexByte(text, '@')
	domain := strings.ToLower(text[at+1:])
	a.Normalized = text[:at] + "@" + domain
	a.Valid = true
	a.Reason = "a well-formed address"
	if a.Suggestion = likelyDomain(domain); a.Suggestion != "" {
		a.Reason = "a well-formed address, but did you mean " + a.Suggestion + "?"
	}
	return a
}

// emailProblem returns why text is not a usable address, or "", and
// whether more typing could still make it one (partial).
func emailProblem(text string) (problem string, partial bool) {
	switch {
	case text == "":
		return "enter an email address", true
	case !utf8.ValidString(text):
		return "not valid text: retype the address", false
	case len(text) > maxEmailLength:
		return fmt.Sprintf("too long: an address has at most %d characters", maxEmailLength), false
	case strings.ContainsAny(text, "<>"):
		return "enter just the address, without a name or <brackets>", false
	case strings.IndexFunc(text, unicode.IsSpace) >= 0:
		return "an address has no spaces", false
	// Spaces, U+2028 and U+2029 among them, are refused above.
	case strings.IndexFunc(text, isHidden) >= 0:
		return "the address contains an invisible control character", false
	}
	parts := strings.Split(text, "@")
	switch {
	case len(parts) == 1:
		// A trailing dot is a name being typed ("sarah." before "mason").
		if p := localPartProblem(strings.TrimSuffix(text, ".")); p != "" && !strings.HasPrefix(p, "missing") {
			return p, false
		}
		return "no @ yet: an address looks like name@example.com", true
	case len(parts) > 2:
		return "an address has exactly one @", false
	}
	if p := localPartProblem(parts[0]); p != "" {
		return p, false
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

// domainProblem checks what comes after the @, and says whether more
// typing could fix what is wrong (partial): no domain yet, no dot yet, a
// dot last, a one-letter top-level domain.
func domainProblem(domain string) (string, bool) {
	switch {
	case domain == "":
		return "no domain yet after @, as in name@example.com", true
	case len(domain) > maxDomainLength:
		return fmt.Sprintf("the domain has at most %d characters", maxDomainLength), false
	}
	p := labelsProblem(strings.TrimSuffix(domain, "."))
	switch {
	case p != "":
		return p, false
	case strings.HasSuffix(domain, "."):
		return "the domain ends in a dot: the top-level domain (com, net, de...) comes after it", true
	case !strings.Contains(domain, "."):
		return fmt.Sprintf("the domain %q has no dot yet, as in example.com", domain), true
	}
	labels := strings.Split(domain, ".")
	tld := labels[len(labels)-1]
	if strings.Trim(tld, "0123456789") == "" {
		return fmt.Sprintf("%q is not a top-level domain", tld), false
	}
	if utf8.RuneCountInString(tld) < 2 {
		return fmt.Sprintf("%q is not a top-level domain yet: they have at least two letters", tld), true
	}
	return "", false
}

// labelsProblem checks the dot-separated parts of a domain.
func labelsProblem(domain string) string {
	if domain == "" {
		return "the domain cannot start or end with a dot, or have two dots in a row"
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
