package client

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/consentdesk/consent/model"
)

// fuzzKey is a short key, so that the fuzzer's mutations often make and
// break its tail ("ab12cd").
const fuzzKey = "pk_ab12cd"

// holdsKey reports whether s holds m's key by the mask's own reading: as
// it is, or as a terminal shows it.
func holdsKey(m *keyMask, s string) bool {
	if strings.Contains(s, m.tail) {
		return true
	}
	_, _, found := m.findShown(model.SanitizeText(s))
	return found
}

// FuzzKeyMaskText: whatever the text, the masked text does not hold the
// key, and text that did not hold it comes back unchanged.
func FuzzKeyMaskText(f *testing.F) {
	for _, s := range []string{fuzzKey, "x pk_ab\u200b12cd y", "ab1\x1b[0m2cd", "PK-ab12cd", "ab12\u00adcd ab12cd", "\x1b]0;ab12cd", "abc", "ab12c\u0336d"} {
		f.Add(s)
	}
	m := newKeyMask(fuzzKey)
	f.Fuzz(func(t *testing.T, s string) {
		out := m.text(s)
		if holdsKey(m, out) {
			t.Errorf("text(%q) = %q still holds the key", s, out)
		}
		if !holdsKey(m, s) && out != s {
			t.Errorf("text(%q) = %q: text without the key changed", s, out)
		}
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Errorf("text(%q) = %q: not UTF-8", s, out)
		}
	})
}

// tokens is every string of a JSON document (keys too), or ok false when
// it is not JSON.
func tokens(doc []byte) (strs []string, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return strs, true
		}
		if err != nil {
			return nil, false
		}
		if s, isStr := tok.(string); isStr {
			strs = append(strs, s)
		}
	}
}

// FuzzKeyMaskBody: a JSON answer stays JSON once masked, none of its
// strings holds the key, and an answer none of whose strings held it
// comes back byte for byte.
func FuzzKeyMaskBody(f *testing.F) {
	for _, s := range []string{
		`{"a":"pk_ab12cd"}`,
		`{"a":"\u0070k_ab12cd","b":["x",1,{"ab\u200b12cd":null}]}`,
		`{"a":"ab1\u001b[0m2cd","b":"Zoë"}`,
		`{"a":"say \"ab12\u00adcd\" \\","b":"ab12cd\\"}`,
		`[{"k":"\ud83d\ude00ab12cd"},"ab12` + "\u200b" + `cd"]`,
		`{"a":"x"} "ab12cd"`,
		`<html>ab12` + "\u00ad" + `cd</html>`,
	} {
		f.Add([]byte(s))
	}
	m := newKeyMask(fuzzKey)
	f.Fuzz(func(t *testing.T, b []byte) {
		in := bytes.Clone(b)
		out := m.body(b)
		if !bytes.Equal(b, in) {
			t.Fatalf("body changed its input: %q", b)
		}
		strs, ok := tokens(in)
		if !ok || !json.Valid(in) {
			return // not JSON: it will not decode; excerpts mask their text
		}
		got, ok := tokens(out)
		if !ok || !json.Valid(out) {
			t.Fatalf("body(%q) = %q: no longer JSON", in, out)
		}
		for _, s := range got {
			if holdsKey(m, s) {
				t.Errorf("body(%q) = %q: string %q holds the key", in, out, s)
			}
		}
		held := bytes.Contains(in, []byte(m.tail))
		for _, s := range strs {
			held = held || holdsKey(m, s)
		}
		if !held && !bytes.Equal(out, in) {
			t.Errorf("body(%q) = %q: an answer without the key changed", in, out)
		}
		if len(got) != len(strs) {
			t.Errorf("body(%q) = %q: %d strings, want %d", in, out, len(got), len(strs))
		}
	})
}
