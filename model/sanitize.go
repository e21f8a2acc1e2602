package model

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Escape-sequence introducers, as bytes after ESC and as C1 runes.
const (
	esc      = '\x1b'
	bel      = '\a'
	c1CSI    = '\u009b'
	c1OSC    = '\u009d'
	c1ST     = '\u009c'
	c1DCS    = '\u0090'
	c1SOS    = '\u0098'
	c1PM     = '\u009e'
	c1APC    = '\u009f'
	csiFinal = '@' // CSI ends with a rune in '@'..'~'
)

// SanitizeText makes text from outside (the API, a file, the command line)
// safe to put on a terminal: escape sequences (CSI, OSC such as a clipboard
// write, DCS and other strings) are removed whole, C0 and C1 controls and
// bidirectional overrides are dropped, tabs and line breaks become spaces,
// and invalid UTF-8 becomes U+FFFD. Printable text is kept as it is.
func SanitizeText(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune('\uFFFD')
		case r == esc:
			i = skipEscape(s, i)
		case r == c1CSI:
			i = skipCSI(s, i)
		case r == c1OSC || r == c1DCS || r == c1SOS || r == c1PM || r == c1APC:
			i = skipString(s, i)
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case isHidden(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isPlain reports whether s is printable ASCII, the common case.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' {
			return false
		}
	}
	return true
}

// isHidden reports runes that are not shown as themselves: controls and
// the invisible format runes.
func isHidden(r rune) bool {
	return unicode.IsControl(r) || isInvisibleFormat(r)
}

// isInvisibleFormat reports runes that reorder or hide text on screen.
func isInvisibleFormat(r rune) bool {
	return unicode.Is(unicode.Bidi_Control, r) || r == '\u200b' || r == '\ufeff' || r == '\u2028' || r == '\u2029'
}

// skipEscape skips what follows an ESC at s[:i] and returns the index after it.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_':
		return skipString(s, i+1)
	}
	_, size := utf8.DecodeRuneInString(s[i:])
	return i + size
}

// skipCSI skips a control sequence's parameters and its final byte.
func skipCSI(s string, i int) int {
	for i < len(s) {
		c := s[i]
		i++
		if c >= csiFinal && c <= '~' {
			return i
		}
		if c < ' ' && c != esc {
			return i
		}
	}
	return i
}

// skipString skips an OSC/DCS/SOS/PM/APC string up to and including its
// terminator: BEL, ESC \ or the C1 string terminator.
func skipString(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == bel || r == c1ST:
			return i + size
		case r == esc:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i + 1
		}
		i += size
	}
	return i
}

// SanitizeShort is SanitizeText cut to at most n runes, the last of them
// "…" when something was cut: for quoting outside text in a message, or
// fitting it in a column.
func SanitizeShort(s string, n int) string {
	s = SanitizeText(s)
	if n < 1 || utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// maxQuote bounds how much of an input a message quotes back.
const maxQuote = 40
