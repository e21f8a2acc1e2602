package sandbox

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Text that is not valid UTF-8 is refused, as Klaviyo refuses invalid
// input, rather than stored: Go's JSON decoder (and Go strings printed as
// JSON) would quietly turn each bad byte, and each \u escape of half a
// surrogate pair, into U+FFFD, so that an email address or a source would
// be recorded as something nobody sent.

// checkBodyText refuses a decoded JSON body with a string (a key or a
// value) that is not valid text, naming it by its JSON pointer.
func checkBodyText(body []byte) error {
	pointer, key, bad := invalidText(body)
	switch {
	case !bad:
		return nil
	case key:
		return invalidBody(pointer, "A field name in '%s' is not valid UTF-8 text.", lastSegment(parentPointer(pointer)))
	}
	return invalidBody(pointer, "'%s' is not valid UTF-8 text.", lastSegment(pointer))
}

// checkQueryText refuses a query parameter whose name or value, once
// percent-decoded, is not valid UTF-8, naming the parameter.
func checkQueryText(rawQuery string) error {
	if rawQuery == "" {
		return nil
	}
	q, _ := url.ParseQuery(rawQuery) // malformed pairs are dropped, as r.URL.Query does
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !utf8.ValidString(name) {
			return invalidParam(strings.ToValidUTF8(name, "\uFFFD"), "The name of a query parameter is not valid UTF-8 text.")
		}
		for _, v := range q[name] {
			switch {
			case utf8.ValidString(v):
			case name == "":
				return invalidParam(name, "The value of a query parameter with no name is not valid UTF-8 text.")
			default:
				return invalidParam(name, "The value of '%s' is not valid UTF-8 text.", name)
			}
		}
	}
	return nil
}

// invalidText finds the first string of a well-formed JSON document whose
// text is not valid: raw bytes that are not UTF-8, or a \u escape of half
// a surrogate pair. It returns the string's JSON pointer (for a key, the
// pointer of the member it names, as decoded) and whether it is a key.
func invalidText(doc []byte) (pointer string, key, found bool) {
	if utf8.Valid(doc) && !hasLoneSurrogate(doc) {
		return "", false, false
	}
	// A container being read: its position in the document so far.
	type frame struct {
		array   bool
		index   int
		key     string
		wantKey bool
	}
	var stack []*frame
	path := func() string {
		var b strings.Builder
		for _, f := range stack {
			b.WriteByte('/')
			if f.array {
				b.WriteString(strconv.Itoa(f.index))
			} else {
				b.WriteString(escapePointer(f.key))
			}
		}
		return b.String()
	}
	// valueDone moves the innermost container past the value just read.
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		if f := stack[len(stack)-1]; f.array {
			f.index++
		} else {
			f.wantKey = true
		}
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return "", false, false
		}
		// Between two tokens there is only ASCII (spaces, ',' and ':'), so
		// a bad byte or escape here is the token's own.
		raw := doc[start:dec.InputOffset()]
		bad := !utf8.Valid(raw) || hasLoneSurrogate(raw)
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, &frame{wantKey: true})
			case '[':
				stack = append(stack, &frame{array: true})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
			continue
		case string:
			if n := len(stack); n > 0 && stack[n-1].wantKey {
				stack[n-1].key, stack[n-1].wantKey = t, false
				if bad {
					return path(), true, true
				}
				continue
			}
			if bad {
				return path(), false, true
			}
		}
		valueDone()
	}
}

// hasLoneSurrogate reports whether JSON text holds a \u escape of a UTF-16
// surrogate that is not half of a pair (outside strings, JSON has no
// backslashes).
func hasLoneSurrogate(doc []byte) bool {
	for i := 0; i < len(doc); i++ {
		if doc[i] != '\\' {
			continue
		}
		r, ok := escapedUnit(doc, i)
		if !ok {
			i++ // another escape, such as \\ or \"
			continue
		}
		switch {
		case r >= 0xD800 && r < 0xDC00:
			if low, ok := escapedUnit(doc, i+6); !ok || low < 0xDC00 || low >= 0xE000 {
				return true
			}
			i += 11
		case r >= 0xDC00 && r < 0xE000:
			return true
		default:
			i += 5
		}
	}
	return false
}

// escapedUnit reads a \uXXXX escape at doc[i:].
func escapedUnit(doc []byte, i int) (rune, bool) {
	if i+6 > len(doc) || doc[i] != '\\' || doc[i+1] != 'u' {
		return 0, false
	}
	n, err := strconv.ParseUint(string(doc[i+2:i+6]), 16, 16)
	if err != nil {
		return 0, false
	}
	return rune(n), true
}

// parentPointer is the JSON pointer of the container of what pointer
// names.
func parentPointer(pointer string) string {
	return pointer[:max(strings.LastIndexByte(pointer, '/'), 0)]
}
