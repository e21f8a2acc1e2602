package cli

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

func TestEscapeControls(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a":"plain","b":"ünïcödé 名前"}`, `{"a":"plain","b":"ünïcödé 名前"}`},
		{"{\"a\":\"x\u009b31my\"}", `{"a":"x\u009b31my"}`},
		{"{\"a\":\"\u009d0;pwned\u009c\"}", `{"a":"\u009d0;pwned\u009c"}`},
		{"{\"a\":\"del\x7f\"}", `{"a":"del\u007f"}`},
		{"{\"a\":\"rlo\u202eevil\u2066\"}", `{"a":"rlo\u202eevil\u2066"}`},
		{"{\"a\":\"¡\u0085\"}", `{"a":"¡\u0085"}`},
	}
	for _, tt := range tests {
		got := escapeControls([]byte(tt.in))
		if string(got) != tt.want {
			t.Errorf("escapeControls(%q) = %q, want %q", tt.in, got, tt.want)
		}
		var a, b any
		if err := json.Unmarshal([]byte(tt.in), &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(got, &b); err != nil || !reflect.DeepEqual(a, b) {
			t.Errorf("%q decodes differently after escaping: %v", tt.in, err)
		}
	}
}

// FuzzEscapeControls: for any valid JSON, the escaped text is valid JSON
// holding the same value, with none of the characters it escapes left raw.
func FuzzEscapeControls(f *testing.F) {
	for _, s := range []string{`{"a":"x"}`, "[\"\u009b\",\"\u202e\u2028\"]", "\"\x7f\u0080\u009f\"", `"é¡"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if !json.Valid(in) {
			return
		}
		out := escapeControls(in)
		if !json.Valid(out) {
			t.Fatalf("escaping made %q invalid: %q", in, out)
		}
		var a, b any
		_ = json.Unmarshal(in, &a)
		_ = json.Unmarshal(out, &b)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%q and %q differ", in, out)
		}
		if firstControl(out) >= 0 {
			t.Fatalf("raw control left in %q", out)
		}
		if firstControl(in) < 0 && !bytes.Equal(in, out) {
			t.Fatalf("changed text with nothing to escape: %q", in)
		}
	})
}
