package client

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/consentdesk/consent/model"
)

// keyMask finds the API key in what comes back from Klaviyo (or from a
// proxy or a misbehaving server in its place) and masks it, wherever the
// text will go: a terminal, an error, the journal, --json output. The key
// is looked for as a terminal would show the text: after JSON decoding
// (so "\u0070k_…" is the key), after model.SanitizeText (so an escape
// sequence inside it does not hide it) and with the invisible runes a
// terminal does not show removed (a zero-width space, a soft hyphen,
// combining marks). It is found by its distinctive part, what follows
// "pk_", so that a mangled prefix does not hide it either. Text where the
// key is found is given up as sent: it becomes its sanitised form with
// the key masked (MaskKey).
type keyMask struct {
	tail   string // the key without its "pk_": what identifies it
	masked string // MaskKey of the key
	// inTail holds the bytes of tail, for a quick count: text with fewer
	// of them than the tail's length cannot hold it.
	inTail [256]bool
}

// newKeyMask returns the mask of key; a key too short to be told from
// other text (never one New accepts) masks nothing.
func newKeyMask(key string) *keyMask {
	m := &keyMask{masked: MaskKey(key)}
	if len(key) >= 8 {
		m.tail = key[len("pk_"):]
	}
	for i := 0; i < len(m.tail); i++ {
		m.inTail[m.tail[i]] = true
	}
	return m
}

// text returns s as it may be shown and kept: s itself when the key is not
// in it as a terminal would show it, else s sanitised with the key masked.
func (m *keyMask) text(s string) string {
	if m.tail == "" || (isPlainASCII(s) && !strings.Contains(s, m.tail)) {
		return s // printable ASCII is shown as it is: no key, nothing hidden
	}
	if !couldHold(m, s) {
		return s
	}
	if out, found := m.mask(s); found {
		return out
	}
	return s
}

// goText masks the key in a message Go's HTTP transport wrote, which may
// quote what the server sent as Go does (%q: a malformed status or header
// line), where "\u200b" is the invisible rune itself: each quoted part is
// read unquoted, and quoted again masked when it holds the key.
func (m *keyMask) goText(msg string) string {
	for i := 0; i < len(msg); {
		q := strings.IndexByte(msg[i:], '"')
		if q < 0 {
			break
		}
		start, end := i+q, i+q+1
		for end < len(msg) && msg[end] != '"' {
			if msg[end] == '\\' {
				end++
			}
			end++
		}
		if end >= len(msg) {
			break
		}
		if u, err := strconv.Unquote(msg[start : end+1]); err == nil {
			if t := m.text(u); t != u {
				t = strconv.Quote(t)
				msg = msg[:start] + t + msg[end+1:]
				end = start + len(t) - 1
			}
		}
		i = end + 1
	}
	return m.text(msg)
}

// header masks the key in every value of h, in place.
func (m *keyMask) header(h http.Header) {
	for _, vs := range h {
		for i, v := range vs {
			vs[i] = m.text(v)
		}
	}
}

// body masks the key in an answer's body before anything reads it. In a
// JSON document each string (object keys too) is read as decoded; one
// that holds the key is replaced by its masked text, so neither the raw
// document (--json output) nor anything decoded from it can carry the
// key, and every other byte stays as Klaviyo sent it. A body that is not
// JSON (a proxy's HTML page) is masked as text. The common answer, with
// no escape, no byte outside ASCII and no plain key, is passed over in
// one quick scan.
func (m *keyMask) body(b []byte) []byte {
	if m.tail == "" {
		return b
	}
	plainKey := bytes.Contains(b, []byte(m.tail))
	if !plainKey && !hasSuspect(b) {
		return b
	}
	var out []byte
	ok := false
	if first := bytes.TrimLeft(b, " \t\r\n"); len(first) > 0 && strings.IndexByte(`{["`, first[0]) >= 0 {
		if plainKey {
			out, ok = m.everyString(b)
		} else {
			out, ok = m.suspectStrings(b)
		}
	}
	if ok {
		return out
	}
	// Not JSON, or not JSON after all: it will not decode, but an error
	// may quote it.
	if masked, found := m.mask(string(b)); found {
		return []byte(masked)
	}
	return b
}

// everyString masks the key in every string of a JSON document b, found
// by walking from one string to the next. ok is false when b's strings do
// not end (not JSON).
func (m *keyMask) everyString(b []byte) (out []byte, ok bool) {
	var r rewrite
	for i := 0; ; {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			return r.finish(b), true
		}
		start := i + q
		end := stringEnd(b, start+1)
		if end < 0 {
			return nil, false
		}
		m.literal(&r, b, start, end)
		i = end + 1
	}
}

// suspectStrings masks the key in the strings of a JSON document b that
// hold an escape or a byte outside ASCII, the only ones whose text is not
// their bytes (b holds no plain key). In JSON such bytes are only found in
// strings: the string around one runs from the nearest unescaped quote
// before it to the next one after it. ok is false when a string does not
// end (not JSON).
func (m *keyMask) suspectStrings(b []byte) (out []byte, ok bool) {
	var r rewrite
	for i := 0; ; {
		p := nextSuspect(b, i)
		if p < 0 {
			return r.finish(b), true
		}
		start := stringStart(b, p)
		end := stringEnd(b, p)
		if start < i || end < 0 {
			return nil, false
		}
		m.literal(&r, b, start, end)
		i = end + 1
	}
}

// literal masks the key in the JSON string literal b[start:end+1] (quotes
// included), recording its replacement in r when it holds the key.
func (m *keyMask) literal(r *rewrite, b []byte, start, end int) {
	lit := b[start : end+1]
	if !couldHold(m, lit) {
		return
	}
	var s string
	if bytes.IndexByte(lit, '\\') < 0 {
		s = string(lit[1 : len(lit)-1])
	} else if err := json.Unmarshal(lit, &s); err != nil {
		return // not a string: the document will not decode
	}
	masked, found := m.mask(s)
	if !found {
		return
	}
	var enc bytes.Buffer
	e := json.NewEncoder(&enc)
	e.SetEscapeHTML(false)
	if err := e.Encode(masked); err != nil {
		return
	}
	r.replace(b, start, end+1, bytes.TrimSuffix(enc.Bytes(), []byte("\n")))
}

// couldHold reports whether text (a JSON literal, or text as it is) has
// enough of the tail's bytes to hold it once decoded: each decoded
// character comes from one byte of its own, or from an escape, which has
// a backslash.
func couldHold[T string | []byte](m *keyMask, text T) bool {
	n := 0
	for i := 0; i < len(text); i++ {
		if c := text[i]; m.inTail[c] || c == '\\' {
			n++
		}
	}
	return n >= len(m.tail)
}

// maxMasks bounds how many times one text is masked: text made of nothing
// but copies of the key is masked whole past it.
const maxMasks = 64

// mask masks the key in s as a terminal would show it: the key in s as
// sent, then the key in s sanitised with its invisible runes skipped.
// found is false, and s is returned as it is, when neither holds it.
func (m *keyMask) mask(s string) (string, bool) {
	found := false
	if strings.Contains(s, m.tail) {
		s, found = m.maskPlain(s), true
	}
	shown := model.SanitizeText(s)
	for range maxMasks {
		from, to, ok := m.findShown(shown)
		if !ok {
			if found {
				return shown, true
			}
			return s, false
		}
		shown, found = shown[:from]+m.masked+shown[to:], true
	}
	return m.masked, true
}

// maskPlain replaces every plain occurrence of the tail in s, with the
// "pk_" before it if there is one.
func (m *keyMask) maskPlain(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, m.tail)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		head := s[:i]
		head = strings.TrimSuffix(head, "pk_")
		b.WriteString(head)
		b.WriteString(m.masked)
		s = s[i+len(m.tail):]
	}
}

// findShown finds the key in sanitised text t as a terminal shows it, its
// invisible runes skipped: t[from:to] is the key with its "pk_" (when t
// has one before it) and any invisible runes inside.
func (m *keyMask) findShown(t string) (from, to int, ok bool) {
	if isPlainASCII(t) {
		i := strings.Index(t, m.tail)
		if i < 0 {
			return 0, 0, false
		}
		from = i
		if strings.HasSuffix(t[:i], "pk_") {
			from -= len("pk_")
		}
		return from, i + len(m.tail), true
	}
	// The text shown; then where in t its bytes start and end were.
	shown := make([]byte, 0, len(t))
	for _, r := range t {
		if !invisible(r) {
			shown = utf8.AppendRune(shown, r)
		}
	}
	i := bytes.Index(shown, []byte(m.tail))
	if i < 0 {
		return 0, 0, false
	}
	start, end := i, i+len(m.tail)
	if bytes.HasSuffix(shown[:i], []byte("pk_")) {
		start -= len("pk_")
	}
	from, to, k := 0, len(t), 0
	for j, r := range t {
		if invisible(r) {
			continue
		}
		if k == start {
			from = j
		}
		if k == end {
			to = j
			break
		}
		k += utf8.RuneLen(r)
	}
	return from, to, true
}

// invisible reports the runes a terminal shows as nothing, or as a mark on
// the rune before: format characters (zero-width space and joiners, soft
// hyphen, bidi controls, tags), combining marks, variation selectors and
// the other default-ignorable ones (Hangul fillers), and any control left.
func invisible(r rune) bool {
	if r < utf8.RuneSelf {
		return r < ' ' || r == 0x7f
	}
	return unicode.In(r, unicode.Cf, unicode.Mn, unicode.Me, unicode.Cc, unicode.Zl, unicode.Zp,
		unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}

// isPlainASCII reports whether s is printable ASCII (no DEL), shown byte
// for byte.
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' {
			return false
		}
	}
	return true
}

// hasSuspect reports whether b holds a backslash or a byte outside
// printable ASCII: the bytes that can make a string's text differ from
// its bytes.
func hasSuspect(b []byte) bool { return nextSuspect(b, 0) >= 0 }

// nextSuspect is the index of the first backslash or byte at or above
// DEL in b from i, -1 when there is none. It reads 32 bytes at a time
// while none is among them: most answers hold none.
func nextSuspect(b []byte, i int) int {
	for ; i+32 <= len(b); i += 32 {
		if suspectWord(binary.LittleEndian.Uint64(b[i:]))|suspectWord(binary.LittleEndian.Uint64(b[i+8:]))|
			suspectWord(binary.LittleEndian.Uint64(b[i+16:]))|suspectWord(binary.LittleEndian.Uint64(b[i+24:])) != 0 {
			break // one of these 32: find it byte by byte
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == '\\' || c >= 0x7f {
			return i
		}
	}
	return -1
}

// suspectWord is not 0 when one of the eight bytes of w is a backslash or
// at or above DEL (the high bit of a byte is set for it; a carry from a
// byte at 0xff may flag its neighbour too, which only costs a look).
func suspectWord(w uint64) uint64 {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
		slash = 0x5c5c5c5c5c5c5c5c // '\\' in every byte
	)
	x := w ^ slash
	return ((w | (w + ones)) | ((x - ones) &^ x)) & highs
}

// stringStart is the index of the opening quote of the JSON string that
// holds b[p], -1 when there is none: the nearest quote before p that is
// not escaped.
func stringStart(b []byte, p int) int {
	for {
		q := bytes.LastIndexByte(b[:p], '"')
		if q < 0 || !escaped(b, q) {
			return q
		}
		p = q
	}
}

// stringEnd is the index of the closing quote of the JSON string that
// holds b[i] (or opens just before it), -1 when it does not end.
func stringEnd(b []byte, i int) int {
	for {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			return -1
		}
		if !escaped(b, i+q) {
			return i + q
		}
		i += q + 1
	}
}

// escaped reports whether the quote at b[q] is escaped: an odd run of
// backslashes before it.
func escaped(b []byte, q int) bool {
	n := 0
	for q-n-1 >= 0 && b[q-n-1] == '\\' {
		n++
	}
	return n%2 == 1
}

// rewrite builds a copy of a document with some spans replaced, allocated
// only when the first span is.
type rewrite struct {
	out  []byte
	done int // b[:done] is in out
}

// replace puts with in place of b[from:to]; spans come in order.
func (r *rewrite) replace(b []byte, from, to int, with []byte) {
	if r.out == nil {
		r.out = make([]byte, 0, len(b))
	}
	r.out = append(append(r.out, b[r.done:from]...), with...)
	r.done = to
}

// finish returns the rewritten document: b itself when nothing was
// replaced.
func (r *rewrite) finish(b []byte) []byte {
	if r.out == nil {
		return b
	}
	return append(r.out, b[r.done:]...)
}
