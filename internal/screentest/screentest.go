// Package screentest helps tests read a terminal screen as a person does:
// what text is on it, wherever the layout broke lines or padded columns.
// It is for tests only and imports nothing of this module.
package screentest

import "strings"

// Flat is text with every run of whitespace (line breaks, padding) as one
// space, so that a phrase is found however it was laid out.
func Flat(text string) string { return strings.Join(strings.Fields(text), " ") }

// Missing returns the first of wants that text lacks, runs of whitespace
// counting as one space on both sides; "" when text has them all.
func Missing(text string, wants ...string) string {
	flat := Flat(text)
	for _, w := range wants {
		if !strings.Contains(flat, Flat(w)) {
			return w
		}
	}
	return ""
}
