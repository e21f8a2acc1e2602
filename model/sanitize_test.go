package model

import (
	"strings"
	"testing"
	"unicode"
)

func TestSanitizeText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Sarah Mason", "Sarah Mason"},
		{"unicode kept", "Zoë Müller — 東京", "Zoë Müller — 東京"},
		{"screen clear", "a\x1b[2Jb", "ab"},
		{"colour", "\x1b[31mred\x1b[0m", "red"},
		{"OSC 52 clipboard write with BEL", "x\x1b]52;c;Y3VybCBldmlsfHNo\ay", "xy"},
		{"OSC with ST", "x\x1b]0;title\x1b\\y", "xy"},
		{"DCS", "x\x1bPq#0;2;0;0;0\x1b\\y", "xy"},
		{"C1 CSI", "a\u009b2Jb", "ab"},
		{"C1 OSC", "a\u009d52;c;aGk=\u009cb", "ab"},
		{"BEL", "ding\a!", "ding!"},
		{"newlines become spaces", "line1\nline2\r\tx", "line1 line2  x"},
		{"bidi override", "abc\u202edcba", "abcdcba"},
		{"isolates", "\u2066x\u2069", "x"},
		{"invalid UTF-8", "a\xffb", "a\uFFFDb"},
		{"lone ESC at end", "abc\x1b", "abc"},
		{"unterminated OSC", "abc\x1b]52;c;", "abc"},
		{"DEL", "a\x7fb", "ab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SanitizeText(tt.in); got != tt.want {
				t.Errorf("SanitizeText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzSanitizeText(f *testing.F) {
	for _, seed := range []string{"plain", "\x1b]52;c;aGk=\a", "\u009b31m", "\x1b[", "a\u202eb", "\xff\xfe"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := SanitizeText(in)
		for _, r := range out {
			if unicode.IsControl(r) || isInvisibleFormat(r) {
				t.Fatalf("SanitizeText(%q) = %q keeps %U", in, out, r)
			}
		}
		if SanitizeText(out) != out {
			t.Fatalf("not idempotent on %q", in)
		}
		if !strings.ContainsRune(in, '\x1b') && len(out) > len(in)*3 {
			t.Fatalf("output grew: %q → %q", in, out)
		}
	})
}

func TestSanitizeShort(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven runes", 10, "eleven ru…"},
		{"Zoë Müller 東京 and more", 12, "Zoë Müller …"},
		{"a\x1b[2Jb\x1b]52;c;aGk=\acdef", 4, "abc…"},
		{"anything", 0, "anything"},
	}
	for _, tt := range tests {
		if got := SanitizeShort(tt.in, tt.n); got != tt.want {
			t.Errorf("SanitizeShort(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
