package sheet

import (
	"regexp"
	"strings"
)

// Consent reads a consent cell: yes (yes, y, true, 1, x, ✓, ja, oui, si,
// subscribed), no (no, n, false, 0, blank, nein, non, unsubscribed), or
// ok false for anything else, which the caller reports rather than guess.
func Consent(v string) (yes, ok bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "yes", "y", "true", "1", "x", "✓", "✔", "ja", "oui", "si", "sí", "subscribed", "opt-in", "optin":
		return true, true
	case "no", "n", "false", "0", "", "nein", "non", "unsubscribed", "opt-out", "optout", "-":
		return false, true
	}
	return false, false
}

// excelNumber is a number a spreadsheet wrote in scientific notation
// (4.47911E+11): its last digits are gone.
var excelNumber = regexp.MustCompile(`^[+]?\d+(\.\d+)?[eE]\+?\d+$`)

// PhoneText is a phone cell as a number can be read from it: a leading
// apostrophe (Excel's "keep as text") removed. mangled reports a number a
// spreadsheet turned into scientific notation, whose digits cannot be
// recovered: the row needs the number again, as text.
func PhoneText(v string) (text string, mangled bool) {
	v = strings.TrimSpace(v)
	v = strings.TrimSpace(strings.TrimPrefix(v, "'"))
	return v, excelNumber.MatchString(v)
}
