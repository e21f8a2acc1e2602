package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/consentdesk/consent/model"
)

// keyEchoes are the ways a hostile answer writes back the key it was sent
// so that it is not the key's bytes, yet decodes as the key, or shows as
// it on a terminal: jsonForm is the key inside a JSON string, textForm in
// a header (Go's transport takes no control character there).
var keyEchoes = []struct {
	name               string
	jsonForm, textForm func(key string) string
}{
	{"JSON-escaped",
		func(k string) string { return `\u0070` + k[1:] },
		func(k string) string { return k[:3] + "\u200b" + k[3:] }},
	{"every letter escaped",
		func(k string) string {
			var b strings.Builder
			for _, r := range k {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
			return b.String()
		},
		func(k string) string { return k[:12] + "\u00ad" + k[12:] }},
	{"split by a zero-width space",
		func(k string) string { return k[:12] + `\u200b` + k[12:24] + `\u200b` + k[24:] },
		func(k string) string { return k[:12] + "\u200b" + k[12:] }},
	{"split by an escape sequence",
		func(k string) string { return k[:12] + `\u001b[0m` + k[12:24] + `\u001b]0;x\u0007` + k[24:] },
		func(k string) string { return k[:12] + "\u009b0m" + k[12:] }},
}

// serveKeyEcho is a fake Klaviyo that writes the key it is sent, in
// form, into every string a command shows or keeps: list names, a
// member's and a profile's fields and properties, an error's detail, and
// X-Klaviyo-Partial-Failure.
func serveKeyEcho(t *testing.T, jsonForm, textForm func(string) string) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	echo := func(r *http.Request) string {
		return jsonForm(strings.TrimPrefix(r.Header.Get("Authorization"), "Klaviyo-API-Key "))
	}
	write := func(w http.ResponseWriter, status int, doc string) {
		w.Header().Set("Content-Type", "application/vnd.api+json")
		w.WriteHeader(status)
		io.WriteString(w, doc)
	}
	list := func(r *http.Request, id string) string {
		return `{"type":"list","id":"` + id + `","attributes":{"name":"News ` + echo(r) + `","opt_in_process":"single_opt_in"}}`
	}
	profile := func(r *http.Request, email string) string {
		return `{"type":"profile","id":"01ECHO","attributes":{"email":"` + email + `","phone_number":"+12015550123","first_name":"` + echo(r) +
			`","last_name":"Echo","joined_group_at":"2024-05-06T10:11:12+00:00","properties":{"seen":"` + echo(r) + `","` + echo(r) + `":1},` +
			`"subscriptions":{"email":{"marketing":{"consent":"SUBSCRIBED","can_receive_email_marketing":true,"method":"` + echo(r) + `"}},` +
			`"sms":{"marketing":{"consent":"NEVER_SUBSCRIBED"}}}}}`
	}
	page := func(data string) string { return `{"data":[` + data + `],"links":{"next":null,"prev":null}}` }
	mux.HandleFunc("GET /api/lists", func(w http.ResponseWriter, r *http.Request) { write(w, 200, page(list(r, "ECHO1"))) })
	mux.HandleFunc("GET /api/lists/{id}", func(w http.ResponseWriter, r *http.Request) {
		write(w, 200, `{"data":`+list(r, r.PathValue("id"))+`}`)
	})
	mux.HandleFunc("GET /api/lists/{id}/profiles", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") == "ERR1" {
			write(w, 400, `{"errors":[{"status":400,"code":"invalid","title":"Bad key","detail":"you sent `+echo(r)+`","source":{"pointer":"/`+echo(r)+`"}}]}`)
			return
		}
		write(w, 200, page(profile(r, "m."+echo(r)+"@example.com")))
	})
	mux.HandleFunc("GET /api/profiles", func(w http.ResponseWriter, r *http.Request) {
		write(w, 200, page(profile(r, "echo@example.com")))
	})
	mux.HandleFunc("GET /api/profiles/{id}/lists", func(w http.ResponseWriter, r *http.Request) { write(w, 200, page(list(r, "ECHO1"))) })
	mux.HandleFunc("POST /api/profile-subscription-bulk-create-jobs", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Klaviyo-Partial-Failure", "phone_number "+textForm(strings.TrimPrefix(r.Header.Get("Authorization"), "Klaviyo-API-Key ")))
		w.WriteHeader(http.StatusAccepted)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// readableKey says how data carries secretKey as a person or a program
// could read it, "" when it does not: its bytes (or a good part of them),
// the text shown once sanitised with every rune outside printable ASCII
// dropped, or the same in any string of a JSON line once decoded.
func readableKey(data []byte) string {
	shown := func(s string) bool {
		var b strings.Builder
		for _, r := range model.SanitizeText(s) {
			if r >= ' ' && r <= '~' {
				b.WriteRune(r)
			}
		}
		return strings.Contains(b.String(), secretKey[3:])
	}
	for _, part := range []string{secretKey[3:], secretKey[10:30]} {
		if bytes.Contains(data, []byte(part)) {
			return "as it is"
		}
	}
	if shown(string(data)) {
		return "as a terminal shows it"
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		dec := json.NewDecoder(bytes.NewReader(line))
		for {
			tok, err := dec.Token()
			if err != nil {
				break
			}
			if s, ok := tok.(string); ok && (strings.Contains(s, secretKey[3:]) || shown(s)) {
				return fmt.Sprintf("in the JSON string %q", s)
			}
		}
	}
	return ""
}

// TestHostileKeyEchoNeverShown runs the commands that show or keep what
// Klaviyo sends (lists, members, check, subscribe, history; text and
// --json), then the UI's list picker, members and check views, against a
// Klaviyo that writes the key back JSON-escaped or split by what a
// terminal does not show: the key is in no output of the built binary,
// decoded or not, and in no file it wrote (the journal).
func TestHostileKeyEchoNeverShown(t *testing.T) {
	runs := [][]string{
		{"lists"}, {"lists", "--json"},
		{"members", "ECHO1"}, {"members", "--json", "ECHO1"}, {"members", "ERR1"},
		{"check", "echo@example.com"}, {"check", "--json", "echo@example.com"},
		{"subscribe", "--list", "ECHO1", "--email", "echo@example.com", "--email-marketing", "--phone", "+1 201 555 0123", "--sms-marketing"},
		{"subscribe", "--json", "--list", "ECHO1", "--email", "echo@example.com", "--email-marketing", "--phone", "+1 201 555 0123", "--sms-marketing"},
		{"history"}, {"history", "--json"},
	}
	for _, echo := range keyEchoes {
		t.Run(echo.name, func(t *testing.T) {
			t.Parallel()
			srv := serveKeyEcho(t, echo.jsonForm, echo.textForm)
			home := t.TempDir()
			env := []string{"KLAVIYO_API_KEY=" + secretKey, "KLAVIYO_API_URL=" + srv.URL, "CONSENT_HOME=" + home, "KLAVIYO_ACCOUNT="}
			for _, args := range runs {
				stdout, stderr, _ := runBinary(t, env, args...)
				for what, out := range map[string][]byte{"stdout": stdout, "stderr": stderr} {
					if how := readableKey(out); how != "" {
						t.Errorf("consent %s: the key is on %s, %s:\n%s", strings.Join(args, " "), what, how, out)
					}
				}
			}
			// The UI in a real terminal: the list picker, the list's
			// members, the check view.
			term := startTerminal(t, 140, 30, append(env, "TERM=xterm-256color"))
			term.waitFor("What would you like to do?")
			term.press("m")
			term.waitFor("News pk_…3456")
			term.press(keyEnter)
			term.waitFor("m.pk_…3456@example.com")
			term.press(keyEsc)
			term.waitFor("What would you like to do?")
			term.press("c")
			term.press(strings.Split("echo@example.com", "")...)
			term.press(keyEnter)
			term.waitFor("pk_…3456 Echo")
			term.press(keyCtrlC)
			select {
			case <-term.done:
			case <-time.After(5 * time.Second):
				t.Fatal("the UI did not exit")
			}
			if how := readableKey([]byte(term.screen())); how != "" {
				t.Errorf("the key is on the UI's screen, %s", how)
			}
			if how := readableKey(term.written()); how != "" {
				t.Errorf("the UI wrote the key to the terminal, %s", how)
			}
			err := filepath.WalkDir(home, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				data, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				if how := readableKey(data); how != "" {
					t.Errorf("the key is in %s, %s", filepath.Base(path), how)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
