package cli

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestListsByName: members and subscribe --list take a list's exact name
// as well as its id; the id is tried first.
func TestListsByName(t *testing.T) {
	home := sandboxHome(t)
	byID := runIn(t, home, "members", "Y6nRLr", "--limit", "3")
	byName := runIn(t, home, "members", "Newsletter", "--limit", "3")
	if byID.code != 0 || byName.code != 0 || byName.stdout != byID.stdout || strings.Count(byName.stdout, "\n") != 4 {
		t.Errorf("members Newsletter: exit %d\n%s%s\nwant as members Y6nRLr:\n%s", byName.code, byName.stdout, byName.stderr, byID.stdout)
	}
	if r := runIn(t, home, "members", "VIP Early Access", "--json", "--limit", "2"); r.code != 0 || len(jsonLines(t, r.stdout)) != 2 {
		t.Errorf("members \"VIP Early Access\": exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, tt := range []struct{ ref, want string }{
		{"newsletter", "consent members: no list with id newsletter (see consent lists)\n"},
		{"No Such List", "consent members: no list with id or name \"No Such List\" (see consent lists)\n"},
		{" ", "consent members: the list is empty: give its id or exact name (see consent lists)\n"},
	} {
		if r := runIn(t, home, "members", tt.ref); r.code != 2 || r.stderr != tt.want || r.stdout != "" {
			t.Errorf("members %q: exit %d\nstdout %q\nstderr %q\nwant   %q", tt.ref, r.code, r.stdout, r.stderr, tt.want)
		}
	}

	r := runIn(t, home, "subscribe", "--list", "Newsletter", "--email", "by.name@example.com", "--email-marketing", "--wait", "20s")
	if r.code != 0 || !strings.Contains(r.stdout, "list Newsletter (Y6nRLr, single opt-in)") {
		t.Errorf("subscribe --list Newsletter: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runIn(t, home, "subscribe", "--list", "VIP Early Access", "--email", "vip.by.name@example.com", "--email-marketing", "--wait", "2s")
	if r.code != 0 || !strings.Contains(r.stdout, "VIP Early Access (") || !strings.Contains(r.stdout, "double opt-in") {
		t.Errorf("subscribe --list \"VIP Early Access\": exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runIn(t, home, "subscribe", "--list", "No Such List", "--email", "x@example.com", "--email-marketing")
	if r.code != 2 || r.stderr != "consent subscribe: no list with id or name \"No Such List\" (see consent lists)\n" {
		t.Errorf("subscribe to a name no list has: exit %d %s", r.code, r.stderr)
	}
	r = runIn(t, home, "subscribe", "--list", "NOPE", "--email", "nope@example.com", "--email-marketing")
	if r.code != 2 || !strings.HasPrefix(r.stderr, "consent subscribe: no list with id NOPE (see consent lists); journal entry ") ||
		!strings.HasSuffix(r.stderr, ": refused\n") {
		t.Errorf("subscribe --list NOPE: exit %d %s", r.code, r.stderr)
	}

	h := runIn(t, home, "history", "--json")
	var lists []string
	for _, e := range jsonLines(t, h.stdout) {
		req := e["request"].(map[string]any)
		lists = append(lists, fmt.Sprintf("%s %v %v", req["email"], req["list_id"], e["state"]))
	}
	want := []string{"nope@example.com NOPE refused", "vip.by.name@example.com NFjKbW awaiting_confirmation", "by.name@example.com Y6nRLr verified"}
	if strings.Join(lists, "\n") != strings.Join(want, "\n") {
		t.Errorf("the journal, newest first:\n%s\nwant\n%s", strings.Join(lists, "\n"), strings.Join(want, "\n"))
	}
	if r := runIn(t, home, "history", "retry", "--all"); r.code != 0 {
		t.Errorf("retry after a refusal: exit %d %s%s", r.code, r.stdout, r.stderr)
	}
}

// TestListNameSharedBySeveral: a name several lists have is refused with
// their ids, before anything is sent.
func TestListNameSharedBySeveral(t *testing.T) {
	var requests, posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/vnd.api+json")
		switch {
		case r.Method == http.MethodPost:
			posts.Add(1)
			w.WriteHeader(http.StatusAccepted)
		case r.URL.Path == "/api/lists":
			fmt.Fprint(w, `{"data":[`+
				`{"type":"list","id":"AAA111","attributes":{"name":"Newsletter","opt_in_process":"single_opt_in"}},`+
				`{"type":"list","id":"BBB222","attributes":{"name":"Newsletter","opt_in_process":"double_opt_in"}},`+
				`{"type":"list","id":"CCC333","attributes":{"name":"newsletter","opt_in_process":"single_opt_in"}}],"links":{"next":null}}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"errors":[{"id":"e","status":404,"code":"not_found","title":"Not found.","detail":"A list with id Newsletter does not exist."}]}`)
		}
	}))
	defer srv.Close()
	vars := map[string]string{"KLAVIYO_API_KEY": "pk_shared_name_test", "KLAVIYO_API_URL": srv.URL}
	want := `2 lists are named "Newsletter": AAA111, BBB222; give the id of the one you mean`
	r := runEnv(t, vars, false, "members", "Newsletter")
	if r.code != 2 || r.stderr != "consent members: "+want+"\n" || requests.Load() != 2 {
		t.Errorf("members: exit %d, %d requests\n%s", r.code, requests.Load(), r.stderr)
	}
	r = runEnv(t, vars, false, "subscribe", "--json", "--list", "Newsletter", "--email", "x@example.com", "--email-marketing")
	if r.code != 2 || r.stdout != `{"status":"refused","problems":[{"field":"list","message":"`+strings.ReplaceAll(want, `"`, `\"`)+`"}]}`+"\n" || posts.Load() != 0 {
		t.Errorf("subscribe: exit %d, %d POSTs\n%s%s", r.code, posts.Load(), r.stdout, r.stderr)
	}
	if r := runEnv(t, vars, false, "history", "--json"); r.stdout != "" {
		t.Errorf("a refusal before anything was sent was journaled: %s", r.stdout)
	}
}
