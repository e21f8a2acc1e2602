package sandbox

import (
	"strings"
	"testing"
)

// jobWith is a subscribe job body for profiles given as JSON text, with
// custom_source given as JSON text too, so that a test can put bytes and
// escapes in it that encoding/json would not write.
func jobWith(source string, profiles ...string) string {
	return `{"data":{"type":"profile-subscription-bulk-create-job","attributes":{"custom_source":` + source +
		`,"profiles":{"data":[` + strings.Join(profiles, ",") + `]}}}}`
}

// emailProfile is a profile subscribing email (JSON text) to email
// marketing.
func emailProfile(email string) string {
	return `{"type":"profile","attributes":{"email":` + email + `,"subscriptions":{"email":{"marketing":{"consent":"SUBSCRIBED"}}}}}`
}

// TestJobTextMustBeUTF8: a job with a string that is not valid UTF-8, or
// half a surrogate pair, is refused with a 400 naming the string, and
// nothing of it is stored; valid text, escaped or not, is accepted.
func TestJobTextMustBeUTF8(t *testing.T) {
	const profile = "/data/attributes/profiles/data/"
	tests := []struct {
		name    string
		body    string
		pointer string // "" when the job is accepted
	}{
		{"invalid byte in an email", jobWith(`"Desk"`, emailProfile("\"ann\xff@example.com\"")), profile + "0/attributes/email"},
		{"truncated character in an email", jobWith(`"Desk"`, emailProfile("\"ann\xc3@example.com\"")), profile + "0/attributes/email"},
		{"second profile", jobWith(`"Desk"`, emailProfile(`"bob@example.com"`), emailProfile("\"c\xfe@example.com\"")), profile + "1/attributes/email"},
		{"lone high surrogate", jobWith(`"Desk"`, emailProfile(`"ann\ud800@example.com"`)), profile + "0/attributes/email"},
		{"lone low surrogate", jobWith(`"Desk"`, emailProfile(`"ann\udc00@example.com"`)), profile + "0/attributes/email"},
		{"high surrogate then another escape", jobWith(`"Desk"`, emailProfile(`"ann\ud800\u0041@example.com"`)), profile + "0/attributes/email"},
		{"custom source", jobWith("\"Desk \xe2\x82\"", emailProfile(`"ann@example.com"`)), "/data/attributes/custom_source"},
		{"key name", `{"data":{"type":"profile-subscription-bulk-create-job","attributes":{"x` + "\xff" + `":1}}}`, "/data/attributes/x\uFFFD"},
		{"valid surrogate pair", jobWith(`"Desk \ud83d\ude00"`, emailProfile(`"ann@example.com"`)), ""},
		{"escaped backslash before u", jobWith(`"Desk \\ud800"`, emailProfile(`"ann@example.com"`)), ""},
		{"non-ASCII text", jobWith(`"Caf\u00e9 Ljubljana — blagajna"`, emailProfile(`"žan@example.com"`)), ""},
		{"replacement character sent as such", jobWith("\"Desk \uFFFD\"", emailProfile(`"ann@example.com"`)), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openSeeded(t, Options{JobDelay: -1})
			c := inProcess(t, s)
			before := queryStrings(t, s.db, "SELECT id FROM profiles")
			r := c.post(subscribePath, tt.body)
			if tt.pointer == "" {
				r.must(t, 202)
				return
			}
			r.must(t, 400)
			if got := dig(r.firstError(t), "source", "pointer"); got != tt.pointer {
				t.Errorf("source.pointer %q, want %q: %s", got, tt.pointer, r.body)
			}
			if !strings.Contains(dig(r.firstError(t), "detail").(string), "not valid UTF-8") {
				t.Errorf("the detail does not say what is wrong: %s", r.body)
			}
			after := queryStrings(t, s.db, "SELECT id FROM profiles")
			if len(after) != len(before) {
				t.Errorf("%d profiles before, %d after a refused job", len(before), len(after))
			}
			if n, err := s.PendingJobs(t.Context()); err != nil || n != 0 {
				t.Errorf("%d jobs stored (%v)", n, err)
			}
		})
	}
}

// TestQueryTextMustBeUTF8: a query parameter whose name or value is not
// UTF-8 once percent-decoded is a 400 naming the parameter, even one the
// sandbox would otherwise ignore.
func TestQueryTextMustBeUTF8(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	tests := []struct {
		name      string
		path      string
		parameter string // source.parameter of the 400
		ok        bool   // answered 200 instead
	}{
		{"filter value", "/api/profiles?filter=" + urlQueryEscape("equals(email,\"a\xff@example.com\")"), "filter", false},
		{"ignored parameter", "/api/profiles?fields[profile]=email%FF", "fields[profile]", false},
		{"members page", "/api/lists/Y6nRLr/profiles?page[size]=10&additional-fields[profile]=subscriptions%C3", "additional-fields[profile]", false},
		{"parameter name", "/api/lists?x%FF=1", "x\uFFFD", false},
		{"parameter with no name", "/api/lists?=%FF", "", false},
		{"valid text", "/api/profiles?filter=" + urlQueryEscape("equals(email,\"žan@example.com\")"), "", true},
	}
	for name, c := range clients(t, s) {
		for _, tt := range tests {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				r := c.get(tt.path)
				if tt.ok {
					r.must(t, 200)
					return
				}
				r.must(t, 400)
				if got, ok := dig(r.firstError(t), "source", "parameter").(string); !ok || got != tt.parameter {
					t.Errorf("source.parameter %q, want %q: %s", got, tt.parameter, r.body)
				}
			})
		}
	}
}

func TestHasLoneSurrogate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{`"plain"`, false},
		{`"\ud83d\ude00"`, false},
		{`"\uD83D\uDE00"`, false},
		{`"\u00e9\n\\\""`, false},
		{`"\\ud800"`, false},
		{`"\\\ud800"`, true},
		{`"\ud800"`, true},
		{`"\udfff"`, true},
		{`"\ud800\ud800"`, true},
		{`"\ud800x"`, true},
		{`"\ud800`, true},
	} {
		if got := hasLoneSurrogate([]byte(tc.in)); got != tc.want {
			t.Errorf("hasLoneSurrogate(%s) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
