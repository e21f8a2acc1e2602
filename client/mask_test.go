package client

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// testTail is what identifies testKey: all of it after "pk_".
var testTail = testKey[len("pk_"):]

// splitKey is testKey with sep inside it, twice: where a hostile answer
// may hide something a terminal does not show.
func splitKey(sep string) string {
	return testKey[:10] + sep + testKey[10:25] + sep + testKey[25:]
}

// hiddenKeys are the forms of the key, as text once decoded, that a
// terminal shows as the key.
var hiddenKeys = []struct{ name, text string }{
	{"plain", "key " + testKey + " echoed"},
	{"its prefix changed", "PK-" + testTail},
	{"twice", testKey + "," + testKey},
	{"zero-width space", splitKey("\u200b")},
	{"soft hyphen", splitKey("\u00ad")},
	{"word joiner", splitKey("\u2060")},
	{"zero-width joiners", splitKey("\u200c\u200d")},
	{"byte order mark", splitKey("\ufeff")},
	{"combining mark", splitKey("\u0336")},
	{"variation selector", splitKey("\ufe0f")},
	{"Hangul filler", splitKey("\u3164")},
	{"tag character", splitKey("\U000e0041")},
	{"bidi override", splitKey("\u202e")},
	{"CSI", splitKey("\x1b[0m")},
	{"OSC", splitKey("\x1b]0;title\a")},
	{"C1 CSI", splitKey("\u009b31m")},
	{"BEL", splitKey("\a")},
	{"DEL", splitKey("\x7f")},
	{"backspace", splitKey("\b")},
	{"an escape hiding the prefix", "\x1b[" + "X" + testKey},
}

// TestKeyMaskText: every hidden form of the key is masked, the text around
// it kept; text without the key (or with only part of it, or with a
// separator a person sees) is returned as it is.
func TestKeyMaskText(t *testing.T) {
	m := newKeyMask(testKey)
	for _, tt := range hiddenKeys {
		t.Run(tt.name, func(t *testing.T) {
			got := m.text(tt.text)
			if shownLeak(got) {
				t.Errorf("text(%q) = %q: the key shows", tt.text, got)
			}
			if !strings.Contains(got, MaskKey(testKey)) {
				t.Errorf("text(%q) = %q: no masked key", tt.text, got)
			}
		})
	}
	if got := m.text("key " + testKey + " echoed"); got != "key pk_…qrst echoed" {
		t.Errorf("the text around the key: %q", got)
	}
	for _, s := range []string{"", "no key here", "Müller\u200b", testKey[:20], splitKey(" "), splitKey("é"), "\x1b[2J" + testKey[:30]} {
		if got := m.text(s); got != s {
			t.Errorf("text(%q) = %q, want it unchanged", s, got)
		}
	}
}

// jsonString is s as a JSON string, every rune outside ASCII escaped (as
// an encoder keeping its output ASCII writes it) when escapeAll is set.
func jsonString(s string, escapeAll bool) string {
	b, _ := json.Marshal(s)
	if !escapeAll {
		return string(b)
	}
	var out strings.Builder
	for _, r := range string(b) {
		switch {
		case r >= utf8.RuneSelf && r > 0xffff:
			r1, r2 := (r-0x10000)>>10+0xd800, (r-0x10000)&0x3ff+0xdc00
			out.WriteString(`\u` + hex4(r1) + `\u` + hex4(r2))
		case r >= utf8.RuneSelf:
			out.WriteString(`\u` + hex4(r))
		default:
			out.WriteRune(r)
		}
	}
	return out.String()
}

func hex4(r rune) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[r>>12&15], digits[r>>8&15], digits[r>>4&15], digits[r&15]})
}

// escapeASCII writes every character of s as a \u escape.
func escapeASCII(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteString(`\u` + hex4(r))
	}
	return b.String()
}

// jsonStrings is every string of a JSON document, object keys included.
func jsonStrings(t *testing.T, doc []byte) []string {
	t.Helper()
	var out []string
	dec := json.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("not JSON: %v\n%s", err, doc)
		}
		if s, ok := tok.(string); ok {
			out = append(out, s)
		}
	}
}

// TestKeyMaskBody: in a JSON answer, a string holding the key in any
// hidden form (written as UTF-8 or as \u escapes, even the key's own
// letters) becomes its masked text, whether a value or an object key; the
// document stays JSON and every other string stays as sent.
func TestKeyMaskBody(t *testing.T) {
	m := newKeyMask(testKey)
	doc := func(hostile string) string {
		return `{"data":[{"type":"profile","id":"01A","attributes":{"email":"x@example.com","first_name":"Zoë",` +
			`"last_name":` + hostile + `,"properties":{` + hostile + `:[1,` + hostile + `]}}}],"links":{"next":null}}`
	}
	untouched := []string{"data", "type", "profile", "id", "01A", "attributes", "email", "x@example.com", "first_name", "Zoë"}
	var cases []struct{ name, body string }
	for _, k := range hiddenKeys {
		cases = append(cases,
			struct{ name, body string }{k.name + " in UTF-8", doc(jsonString(k.text, false))},
			struct{ name, body string }{k.name + " as \\u escapes", doc(jsonString(k.text, true))})
	}
	cases = append(cases,
		struct{ name, body string }{"the key's letters escaped", doc(`"` + escapeASCII(testKey) + `"`)},
		struct{ name, body string }{"p escaped", doc(`"\u0070k_` + testTail + `"`)},
		struct{ name, body string }{"after an escaped quote", doc(`"say \"` + splitKey(`\u200b`) + `\" \\"`)})
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			out := m.body([]byte(tt.body))
			strs := jsonStrings(t, out)
			for _, s := range strs {
				if shownLeak(s) {
					t.Errorf("a decoded string shows the key: %q", s)
				}
			}
			if shownLeak(string(out)) {
				t.Errorf("the raw answer shows the key:\n%s", out)
			}
			if len(strs) < len(untouched) || !equalStrings(strs[:len(untouched)], untouched) {
				t.Errorf("the other strings changed: %q", strs)
			}
		})
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestKeyMaskBodyLeavesOtherAnswersAlone: an answer without the key comes
// back as the very bytes it was (no copy), escapes, accents and invisible
// runes included; a body that is not JSON is masked as text.
func TestKeyMaskBodyLeavesOtherAnswersAlone(t *testing.T) {
	m := newKeyMask(testKey)
	for _, body := range []string{
		`{"data":[],"links":{"next":null}}`,
		`{"data":[{"id":"1","attributes":{"first_name":"Zo\u00eb","last_name":"Müller\u200b","note":"` + testKey[:20] + `\u200b","x":"a\"b\\"}}]}`,
		`{"data":"` + strings.Repeat(testTail[:10]+`\u00ad`, 3) + `"}`,
		`<html>` + testKey[:30] + `</html>`,
	} {
		b := []byte(body)
		if out := m.body(b); len(out) != len(b) || &out[0] != &b[0] {
			t.Errorf("body(%s) = %s, want the same bytes", b, out)
		}
	}
	html := "<html><body>Denied: " + splitKey("\u00ad") + " <b>x</b></body></html>"
	if out := m.body([]byte(html)); shownLeak(string(out)) || !strings.Contains(string(out), "Denied: pk_…qrst") {
		t.Errorf("HTML body = %q", out)
	}
	if out := m.body([]byte(`{"unterminated":"` + splitKey("\u200b"))); shownLeak(string(out)) {
		t.Errorf("broken JSON = %q", out)
	}
}

// TestKeyMaskGoText: Go's transport quotes a malformed header or status
// line with %q, so an invisible rune inside the key is written as its
// escape: the quoted part is read unquoted.
func TestKeyMaskGoText(t *testing.T) {
	m := newKeyMask(testKey)
	for _, msg := range []string{
		`net/http: HTTP/1.x transport connection broken: malformed MIME header line: "X-Echo: ` + splitKey(`\u200b`) + `"`,
		`malformed MIME header line: "X-Echo: ` + splitKey(`\x1b[0m`) + `" and "` + testKey + `"`,
		`malformed HTTP status code "` + testKey + `"`,
	} {
		got := m.goText(msg)
		if shownLeak(got) {
			t.Errorf("goText(%q) = %q: the key shows", msg, got)
		}
		if unq := strings.ReplaceAll(got, `\u200b`, ""); shownLeak(strings.ReplaceAll(unq, `\x1b[0m`, "")) {
			t.Errorf("goText(%q) = %q: the key shows once unquoted", msg, got)
		}
	}
	if msg := `malformed MIME header line: "X-A: caf\u00e9"`; m.goText(msg) != msg {
		t.Errorf("a message without the key changed: %q", m.goText(msg))
	}
}
