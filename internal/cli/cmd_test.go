package cli

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// sandboxHome is a new CONSENT_HOME, of this test alone, whose sandbox
// has been created and seeded (by a first `consent lists`).
func sandboxHome(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	if r := runIn(t, home, "lists"); r.code != 0 {
		t.Fatalf("lists on a fresh home: %d %s", r.code, r.stderr)
	}
	return home
}

// listIDs returns the sandbox's lists by name.
func listIDs(t *testing.T, home string) map[string]listLine {
	t.Helper()
	r := runIn(t, home, "lists", "--json")
	if r.code != 0 {
		t.Fatalf("lists --json: %d %s", r.code, r.stderr)
	}
	out := map[string]listLine{}
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var l listLine
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		out[l.Name] = l
	}
	return out
}

func TestListsCommand(t *testing.T) {
	home := sandboxHome(t)
	lists := listIDs(t, home)
	if len(lists) < 11 {
		t.Errorf("the demo sandbox has %d lists, want more than one page of 10", len(lists))
	}
	var single, double bool
	for _, l := range lists {
		single = single || l.OptInProcess == "single_opt_in"
		double = double || l.OptInProcess == "double_opt_in"
	}
	if !single || !double {
		t.Errorf("want single and double opt-in lists: %v", lists)
	}
	r := runIn(t, home, "lists")
	if !strings.Contains(r.stdout, "ID") || !strings.Contains(r.stdout, "double opt-in") {
		t.Errorf("human lists output:\n%s", r.stdout)
	}
	raw := runIn(t, home, "lists", "--json").stdout
	var first map[string]any
	json.Unmarshal([]byte(strings.SplitN(raw, "\n", 2)[0]), &first)
	if len(first) != 3 {
		t.Errorf("a list line has keys %v, want id, name, opt_in_process", first)
	}
}

func TestSubscribeVerifiedThenChecked(t *testing.T) {
	home := sandboxHome(t)
	lists := listIDs(t, home)
	newsletter := singleOptIn(t, lists)
	r := runIn(t, home, "subscribe", "--list", newsletter.ID, "--phone", "+1 201 555 0123", "--sms-marketing",
		"--email", "new.person@example.com", "--email-marketing")
	if r.code != 0 {
		t.Fatalf("subscribe: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"Email marketing", "SMS marketing", "✓ verified SUBSCRIBED at 20"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("subscribe output lacks %q:\n%s", want, r.stdout)
		}
	}
	c := runIn(t, home, "check", "+12015550123")
	if c.code != 0 || !strings.Contains(c.stdout, "SMS     SUBSCRIBED · can receive · since 20") {
		t.Errorf("check after subscribe: exit %d\n%s%s", c.code, c.stdout, c.stderr)
	}
	j := runIn(t, home, "check", "--json", "new.person@example.com")
	var line struct {
		Profiles []struct {
			ID            string
			Email         string
			PhoneNumber   string `json:"phone_number"`
			Subscriptions struct {
				Email struct {
					Marketing struct {
						Consent            string `json:"consent"`
						CustomMethodDetail string `json:"custom_method_detail"`
					} `json:"marketing"`
				} `json:"email"`
			} `json:"subscriptions"`
		} `json:"profiles"`
	}
	if err := json.Unmarshal([]byte(j.stdout), &line); err != nil {
		t.Fatalf("%v: %s", err, j.stdout)
	}
	if len(line.Profiles) != 1 || line.Profiles[0].PhoneNumber != "+12015550123" ||
		line.Profiles[0].Subscriptions.Email.Marketing.Consent != "SUBSCRIBED" ||
		line.Profiles[0].Subscriptions.Email.Marketing.CustomMethodDetail != "Consent Desk" {
		t.Errorf("check --json profiles = %+v", line.Profiles)
	}

	m := runIn(t, home, "members", newsletter.ID, "--json")
	if m.code != 0 || !strings.Contains(m.stdout, `"email":"new.person@example.com"`) {
		t.Errorf("the new subscriber is not among the members (exit %d)", m.code)
	}

	u := runIn(t, home, "unsubscribe", "--email", "new.person@example.com", "--email-marketing", "--json")
	var res changeResult
	if err := json.Unmarshal([]byte(u.stdout), &res); err != nil || u.code != 0 {
		t.Fatalf("unsubscribe: exit %d %v\n%s%s", u.code, err, u.stdout, u.stderr)
	}
	if res.Status != "verified" || res.Channels["email_marketing"].Consent != "UNSUBSCRIBED" {
		t.Errorf("unsubscribe result = %+v", res)
	}
}

func singleOptIn(t *testing.T, lists map[string]listLine) listLine {
	t.Helper()
	for _, l := range lists {
		if l.OptInProcess == "single_opt_in" {
			return l
		}
	}
	t.Fatal("no single opt-in list")
	return listLine{}
}

func TestSubscribeDoubleOptInIsPending(t *testing.T) {
	home := sandboxHome(t)
	var doi listLine
	for _, l := range listIDs(t, home) {
		if l.OptInProcess == "double_opt_in" {
			doi = l
		}
	}
	r := runIn(t, home, "subscribe", "--list", doi.ID, "--email", "doi.person@example.com", "--email-marketing", "--json")
	var res changeResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || r.code != 0 {
		t.Fatalf("exit %d %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	if res.Status != "pending_double_opt_in" || res.Channels["email_marketing"].Outcome != "pending_double_opt_in" {
		t.Errorf("result = %+v", res)
	}
}

// TestSubscribeRefusedBeforeSending points the command at a fake Klaviyo
// that counts requests: a Slovenian number with SMS consent must be refused
// with the reason and no request at all.
func TestSubscribeRefusedBeforeSending(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { requests.Add(1) }))
	defer srv.Close()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--phone", "+386 31 234 567", "--sms-marketing", "--email", "x@example.com", "--email-marketing"},
			"phone: Slovenia (+386) is not an SMS country for this account"},
		{[]string{"--phone", "+1 787 555 0123", "--sms-marketing"}, "phone: Puerto Rico (+1 787) is a US territory"},
		{[]string{"--email", "x@localhost", "--email-marketing"}, `email: the domain "localhost" has no dot yet`},
		{[]string{"--email", "x@example.com"}, "channels: choose at least one channel"},
		{[]string{"--sms-marketing"}, "phone: SMS consent needs a phone number"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			var out, errOut strings.Builder
			vars := map[string]string{"CONSENT_HOME": t.TempDir(), "KLAVIYO_API_KEY": "pk_test_refusal_key", "KLAVIYO_API_URL": srv.URL}
			code := run(t.Context(), append([]string{"subscribe", "--list", "Y6nRLr"}, tt.args...), env{
				stdin: strings.NewReader(""), stdout: &out, stderr: &errOut,
				getenv: func(k string) string { return vars[k] }, isTerminal: func() bool { return false }})
			if code != 2 || !strings.Contains(errOut.String(), "not sent:") || !strings.Contains(errOut.String(), tt.want) {
				t.Errorf("exit %d\nstderr: %s", code, errOut.String())
			}
		})
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("%d requests reached Klaviyo, want none", n)
	}
}

func TestMembersCommand(t *testing.T) {
	home := sandboxHome(t)
	newsletter := singleOptIn(t, listIDs(t, home))
	r := runIn(t, home, "members", newsletter.ID, "--json", "--limit", "7")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 7 {
		t.Fatalf("exit %d, %d lines\n%s", r.code, len(lines), r.stderr)
	}
	for _, l := range lines {
		var p struct {
			Type       string
			ID         string
			Attributes map[string]any
		}
		if err := json.Unmarshal([]byte(l), &p); err != nil || p.Type != "profile" || p.ID == "" || p.Attributes["joined_group_at"] == nil || p.Attributes["subscriptions"] == nil {
			t.Errorf("line is not a profile resource with joined_group_at and subscriptions: %s", l)
		}
	}
	h := runIn(t, home, "members", newsletter.ID, "--limit", "3")
	if h.code != 0 || !strings.Contains(h.stdout, "EMAIL CONSENT") || strings.Count(h.stdout, "\n") != 4 {
		t.Errorf("human members:\n%s", h.stdout)
	}
	for _, bad := range [][]string{{"members"}, {"members", "a", "b"}, {"members", newsletter.ID, "--limit", "-1"}} {
		if r := runIn(t, home, bad...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, r.code)
		}
	}
	if r := runIn(t, home, "members", "NOPE42"); r.code != 2 || r.stderr != "consent members: no list with id NOPE42 (see consent lists)\n" || r.stdout != "" {
		t.Errorf("unknown list: exit %d %s", r.code, r.stderr)
	}
}

func TestAPIKeyPrecedence(t *testing.T) {
	var seen atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.Header.Get("Authorization"))
		w.Write([]byte(`{"data":[],"links":{"next":null}}`))
	}))
	defer srv.Close()
	run1 := func(args []string, envKey string) string {
		vars := map[string]string{"CONSENT_HOME": t.TempDir(), "KLAVIYO_API_URL": srv.URL, "KLAVIYO_API_KEY": envKey}
		var out, errOut strings.Builder
		run(t.Context(), args, env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut,
			getenv: func(k string) string { return vars[k] }, isTerminal: func() bool { return false }})
		if strings.Contains(out.String()+errOut.String(), "pk_flag_key_123") || strings.Contains(out.String()+errOut.String(), "pk_env_key_4567") {
			t.Error("a key was printed")
		}
		s, _ := seen.Load().(string)
		return s
	}
	if got := run1([]string{"lists", "--api-key", "pk_flag_key_123"}, "pk_env_key_4567"); got != "Klaviyo-API-Key pk_flag_key_123" {
		t.Errorf("--api-key did not win: %q", got)
	}
	if got := run1([]string{"lists"}, "pk_env_key_4567"); got != "Klaviyo-API-Key pk_env_key_4567" {
		t.Errorf("KLAVIYO_API_KEY not used: %q", got)
	}
}
