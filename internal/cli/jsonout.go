package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"
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

// errorJSON is, under --json, a command's failure: `{"status":"error",
// "error":"…","exit":1}`, with the exit code the command ends with.
type errorJSON struct {
	Status string `json:"status"`
	Error  string `json:"error"`
	Exit   int    `json:"exit"`
}

// problemJSON is one reason a change was refused, beside its field.
type problemJSON struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// refusalJSON is, under --json, a change refused before anything was
// sent: `{"status":"refused","problems":[{"field","message"}]}`.
type refusalJSON struct {
	Status   string        `json:"status"`
	Problems []problemJSON `json:"problems"`
}

func refusedJSON(r *refusal) refusalJSON {
	out := refusalJSON{Status: "refused", Problems: make([]problemJSON, len(r.problems))}
	for i, p := range r.problems {
		out.Problems[i] = problemJSON{Field: p.Field, Message: p.Reason}
	}
	return out
}

// wantsJSON reports whether cmd was asked for JSON: its --json flag is
// set or, when the command line was refused before the flag was read,
// given among args before "--".
func wantsJSON(cmd *cobra.Command, args []string) bool {
	f := cmd.Flags().Lookup("json")
	if f == nil {
		return false
	}
	if f.Changed {
		return f.Value.String() == "true"
	}
	for _, a := range args {
		switch {
		case a == "--":
			return false
		case a == "--json":
			return true
		case strings.HasPrefix(a, "--json="):
			v, err := strconv.ParseBool(strings.TrimPrefix(a, "--json="))
			return err == nil && v
		}
	}
	return false
}
