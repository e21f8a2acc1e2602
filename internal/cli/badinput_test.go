package cli

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestBadInputEverywhere: every kind of bad input gets a clear message and
// the right exit code, never a panic or a stack trace.
func TestBadInputEverywhere(t *testing.T) {
	truncated := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.api+json")
		io.WriteString(w, `{"data":[{"type":"list","id":"Y6nRLr","attributes":{"name":"News`)
	}))
	defer truncated.Close()
	notJSON := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html><body>Maintenance</body></html>")
	}))
	defer notJSON.Close()
	long := strings.Repeat("9", 100_000)
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"over-long phone", nil, []string{"check", "+1" + long}, 2, "too long"},
		{"over-long email", nil, []string{"subscribe", "--list", "Y6nRLr", "--email", long + "@example.com", "--email-marketing"}, 2, "email: too long"},
		{"over-long list id", nil, []string{"subscribe", "--list", long, "--email", "x@example.com", "--email-marketing"}, 2, "list:"},
		{"unknown list", nil, []string{"subscribe", "--list", "NOPE42", "--email", "x@example.com", "--email-marketing"}, 2, "no list with id NOPE42 (see consent lists)"},
		{"bad flag value", nil, []string{"members", "Y6nRLr", "--limit", "many"}, 2, `invalid value "many" for --limit: give a whole number`},
		{"bad duration", nil, []string{"sandbox", "serve", "--latency", "soon"}, 2, "invalid value"},
		{"non-loopback serve", nil, []string{"sandbox", "serve", "--addr", "0.0.0.0:0"}, 2, "must be a loopback address"},
		{"fail rate out of range", nil, []string{"sandbox", "serve", "--fail-rate", "2"}, 2, "between 0 and 1"},
		{"history retry without target", nil, []string{"history", "retry"}, 2, "give one or more entry IDs, or --all"},
		{"history retry unknown id", nil, []string{"history", "retry", "nope"}, 2, `no journal entry "nope"`},
		{"unknown command after the UI's flags", nil, []string{"--api-key", "pk_bad_input_test", "frobnicate"}, 2, `unknown command "frobnicate"`},
		{"history reads without the account", map[string]string{"KLAVIYO_ACCOUNT": "nope"}, []string{"history"}, 0, "The journal is empty"},
		{"malformed key", map[string]string{"KLAVIYO_API_KEY": "sk_not_private"}, []string{"lists"}, 2, "must be a private key starting with pk_"},
		{"truncated API answer", map[string]string{"KLAVIYO_API_KEY": "pk_bad_input_test", "KLAVIYO_API_URL": truncated.URL}, []string{"lists"}, 1, "is not the JSON expected"},
		{"HTML instead of JSON", map[string]string{"KLAVIYO_API_KEY": "pk_bad_input_test", "KLAVIYO_API_URL": notJSON.URL}, []string{"lists"}, 1, "is not the JSON expected"},
		{"bad API URL", map[string]string{"KLAVIYO_API_KEY": "pk_bad_input_test", "KLAVIYO_API_URL": "ftp://example.com"}, []string{"lists"}, 2, "is not an http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut strings.Builder
			vars := map[string]string{"CONSENT_HOME": t.TempDir()}
			for k, v := range tt.env {
				vars[k] = v
			}
			code := run(t.Context(), tt.args, env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut,
				getenv: func(k string) string { return vars[k] }, isTerminal: func() bool { return false }})
			all := out.String() + errOut.String()
			if code != tt.code || !strings.Contains(all, tt.want) {
				t.Errorf("exit %d (want %d), output lacks %q:\n%.500s", code, tt.code, tt.want, all)
			}
			if strings.Contains(all, "goroutine") || strings.Contains(all, "panic") {
				t.Errorf("a panic reached the output:\n%.500s", all)
			}
			if len(all) > 5000 {
				t.Errorf("the message is %d bytes: bad input must not be echoed back whole", len(all))
			}
		})
	}
}
