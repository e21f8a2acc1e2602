package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"
)

// writeJSONLine writes v as one line of JSON, without HTML escaping, with
// what a terminal would act on escaped (escapeControls): still the same
// JSON, and safe to print to a terminal.
func writeJSONLine(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(escapeControls(b.Bytes()))
	return err
}

// writeRawJSONLine writes raw, a JSON document as the API sent it (valid:
// it was decoded), as one line, with escapeControls applied.
func writeRawJSONLine(w io.Writer, raw []byte) error {
	line := append(escapeControls(raw), '\n')
	_, err := w.Write(line)
	return err
}

// escapeControls replaces, in JSON text, the characters JSON lets a string
// carry raw and a terminal acts on instead of showing — DEL, the C1
// controls (U+0080–U+009F: CSI U+009B, OSC U+009D, …), the bidi embeddings,
// overrides and isolates, and the line and paragraph separators — each by
// its \uXXXX escape. Such characters can only stand inside strings in valid
// JSON, where the escape means the same character, so the document is
// unchanged. Text without them (the usual case) is returned as it is.
func escapeControls(b []byte) []byte {
	first := firstControl(b)
	if first < 0 {
		return b
	}
	out := make([]byte, 0, len(b)+32)
	out = append(out, b[:first]...)
	for i := first; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if isTerminalControl(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

// firstControl is the index of the first character escapeControls
// replaces, -1 when there is none.
func firstControl(b []byte) int {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			if b[i] == 0x7f {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if isTerminalControl(r) {
			return i
		}
		i += size
	}
	return -1
}

// isTerminalControl reports the characters escapeControls replaces.
func isTerminalControl(r rune) bool {
	switch {
	case r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x2028, r == 0x2029:
		return true
	}
	return false
}
