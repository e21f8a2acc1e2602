package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestWrap: lines fit the width in screen cells (wide characters count
// two), a word longer than a line is split rather than cut off at the
// screen's edge, breaks fall at spaces otherwise, and nothing is lost.
func TestWrap(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		width  int
		indent int
		want   string
	}{
		{"at spaces", "Klaviyo answered 400 Bad Request", 20, 0, "Klaviyo answered 400\nBad Request"},
		{"a path is not split at its hyphens", "to POST /api/profile-subscription-jobs now", 30, 0, "to POST\n/api/profile-subscription-jobs\nnow"},
		{"a word longer than a line is split", "see https://example.com/aVeryLongToken ok", 12, 0, "see\nhttps://exam\nple.com/aVer\nyLongToken\nok"},
		{"wide characters count two cells", "日本語のリスト名 テスト", 10, 0, "日本語のリ\nスト名\nテスト"},
		{"indent after the first line", "one two three four five", 10, 3, "one two\n   three four\n   five"},
		{"white space runs become one space", "a \t b\n\nc", 10, 0, "a b c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := indentWrap(tt.text, tt.width, tt.indent)
			if got != tt.want {
				t.Errorf("indentWrap(%q, %d, %d) =\n%s\nwant\n%s", tt.text, tt.width, tt.indent, got, tt.want)
			}
			for _, l := range strings.Split(got, "\n") {
				if w := ansi.StringWidth(strings.TrimPrefix(l, strings.Repeat(" ", tt.indent))); w > tt.width {
					t.Errorf("line %q is %d cells wide, over %d", l, w, tt.width)
				}
			}
		})
	}
}
