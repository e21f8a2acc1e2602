package cli

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/consentdesk/consent/sandbox"
)

// jsonLines decodes every line of out, failing the test on one that is
// not a JSON object.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var objs []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("a line that is not a JSON object: %q (%v)", line, err)
		}
		objs = append(objs, m)
	}
	return objs
}

// TestJSONRefusalsAndErrors: under --json every outcome is JSON on stdout,
// refusals and errors too, with the exit code unchanged; the message for a
// person still goes to stderr.
func TestJSONRefusalsAndErrors(t *testing.T) {
	home := sandboxHome(t)
	unauthorized := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.api+json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"errors":[{"id":"e1","status":401,"code":"not_authenticated","title":"Authentication credentials were not provided.","detail":"Missing or invalid private key."}]}`))
	}))
	defer unauthorized.Close()
	klaviyo := map[string]string{"KLAVIYO_API_KEY": "pk_json_errors_test", "KLAVIYO_API_URL": unauthorized.URL}
	sandbox := map[string]string{"CONSENT_HOME": home}
	slovenia := "Slovenia (+386) is not an SMS country for this account — SMS consent would not be recorded. Email consent is unaffected."
	apiErr := "Klaviyo answered 401 Unauthorized to GET /api/lists: Missing or invalid private key."
	tests := []struct {
		name   string
		vars   map[string]string
		args   []string
		code   int
		last   map[string]any // the last line of stdout
		lines  int            // how many lines stdout has
		stderr string
	}{
		{"subscribe refused before sending", sandbox,
			[]string{"subscribe", "--json", "--list", "Y6nRLr", "--phone", "+386 31 234 567", "--sms-marketing", "--email", "y@example.com", "--email-marketing"}, 2,
			map[string]any{"status": "refused", "problems": []any{map[string]any{"field": "phone", "message": slovenia}}}, 1, "not sent:\n  phone: Slovenia"},
		{"unsubscribe refused before sending", sandbox, []string{"unsubscribe", "--json", "--email", "nobody"}, 2,
			map[string]any{"status": "refused", "problems": []any{map[string]any{"field": "email", "message": "no @ yet: an address looks like name@example.com"}, map[string]any{"field": "channels", "message": "choose at least one channel: email marketing, SMS marketing or SMS transactional"}}}, 1, "not sent:"},
		{"subscribe to a list that does not exist", sandbox, []string{"subscribe", "--json", "--list", "NOPE", "--email", "x@example.com", "--email-marketing"}, 2,
			map[string]any{"status": "refused", "problems": []any{map[string]any{"field": "list", "message": "no list with id NOPE (see consent lists)"}}}, 1, "no list with id NOPE (see consent lists); journal entry "},
		{"subscribe when Klaviyo fails", klaviyo, []string{"subscribe", "--json", "--list", "Y6nRLr", "--email", "x@example.com", "--email-marketing"}, 1,
			map[string]any{"status": "error", "exit": 1.0}, 1, "Klaviyo answered 401 Unauthorized to GET /api/lists/{id}"},
		{"lists when Klaviyo fails", klaviyo, []string{"lists", "--json"}, 1, map[string]any{"status": "error", "error": apiErr, "exit": 1.0}, 1, apiErr},
		{"members when Klaviyo fails", klaviyo, []string{"members", "--json", "Y6nRLr"}, 1, map[string]any{"status": "error", "exit": 1.0}, 1, "401 Unauthorized"},
		{"members of a list that does not exist", sandbox, []string{"members", "NOPE", "--json"}, 2,
			map[string]any{"status": "error", "error": "no list with id NOPE (see consent lists)", "exit": 2.0}, 1, "consent members: no list with id NOPE (see consent lists)\n"},
		{"check when Klaviyo fails: the analyses, then the error", klaviyo, []string{"check", "--json", "+38631234567", "x@example.com"}, 1,
			map[string]any{"status": "error", "exit": 1.0}, 3, "looking up profiles: Klaviyo answered 401"},
		{"history retry when Klaviyo fails", klaviyo, []string{"history", "retry", "--all", "--json"}, 0, nil, 0, ""},
		{"history retry of an entry that does not exist", sandbox, []string{"history", "retry", "nope", "--json"}, 2,
			map[string]any{"status": "error", "error": `no journal entry "nope" (see consent history)`, "exit": 2.0}, 1, `no journal entry "nope"`},
		{"a bad flag value", sandbox, []string{"members", "Y6nRLr", "--json", "--limit", "many"}, 2,
			map[string]any{"status": "error", "error": "invalid value \"many\" for --limit: give a whole number\nusage: consent members LIST [--json] [--fields F,...] [--limit N]", "exit": 2.0}, 1, `invalid value "many"`},
		{"an unknown flag after --json", sandbox, []string{"lists", "--json", "--nope"}, 2,
			map[string]any{"status": "error", "exit": 2.0}, 1, "unknown flag --nope"},
		{"--json=false is not JSON", sandbox, []string{"lists", "--json=false", "--nope"}, 2, nil, 0, "unknown flag --nope"},
		{"a bad config", map[string]string{"KLAVIYO_ACCOUNT": "nope"}, []string{"lists", "--json"}, 2, map[string]any{"status": "error", "exit": 2.0}, 1, "nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runEnv(t, tt.vars, false, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d (want %d)\nstderr %q, want %q", r.code, tt.code, r.stderr, tt.stderr)
			}
			objs := jsonLines(t, r.stdout)
			if len(objs) != tt.lines {
				t.Fatalf("%d JSON lines, want %d:\n%s", len(objs), tt.lines, r.stdout)
			}
			if tt.last == nil {
				return
			}
			last := objs[len(objs)-1]
			for k, want := range tt.last {
				if !reflect.DeepEqual(last[k], want) {
					t.Errorf("%s = %#v, want %#v\n%s", k, last[k], want, r.stdout)
				}
			}
			if last["status"] == "error" && (len(last) != 3 || last["error"] == "") {
				t.Errorf("an error is {status, error, exit}: %v", last)
			}
			if last["status"] == "refused" && len(last) != 2 {
				t.Errorf("a refusal is {status, problems}: %v", last)
			}
		})
	}
}

// TestJSONRetryLines: history retry --json says each entry retried, or
// made elsewhere, as an object of its own.
func TestJSONRetryLines(t *testing.T) {
	d := newKlaviyoDouble(t, sandbox.Options{})
	home := t.TempDir()
	id := pendingSubscribes(t, d, home, keyA, "json.retry@example.com")[0]

	code, out, errOut := d.run(t, home, keyB, "history", "retry", "--all", "--json")
	lines := jsonLines(t, out)
	if code != 0 || len(lines) != 1 || lines[0]["id"] != id || lines[0]["status"] != "elsewhere" || lines[0]["settled"] != false ||
		!strings.Contains(lines[0]["detail"].(string), "not retried here") {
		t.Errorf("another key: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = d.run(t, home, keyA, "history", "retry", "--all", "--json", "--wait", "20s")
	lines = jsonLines(t, out)
	if code != 0 || len(lines) != 1 || lines[0]["id"] != id || lines[0]["status"] != "verified" || lines[0]["settled"] != true ||
		lines[0]["action"] != "subscribe" || lines[0]["who"] != "json.retry@example.com" {
		t.Errorf("retried: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, _ := d.run(t, home, keyA, "history", "retry", "--all", "--json"); code != 0 || out != "" {
		t.Errorf("nothing left: exit %d %q", code, out)
	}
	code, out, _ = d.run(t, home, keyA, "history", "retry", id, "--json")
	if lines = jsonLines(t, out); code != 2 || len(lines) != 1 || lines[0]["status"] != "error" || lines[0]["exit"] != 2.0 {
		t.Errorf("a settled entry: exit %d %s", code, out)
	}
}
