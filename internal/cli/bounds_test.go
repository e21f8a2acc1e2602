package cli

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

// TestHugeAnswersAreBounded: a Klaviyo that refuses a subscribe with a
// 2 MB error detail gets a short message on stderr, and the journal keeps
// the entry with its (cut) result, readable: History lists it. A
// configured agent name too long to journal is refused before anything.
func TestHugeAnswersAreBounded(t *testing.T) {
	sb := sandboxtest.Open(t, sandbox.Options{})
	huge := strings.Repeat("Invalid input. ", 140_000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.Header().Set("Content-Type", "application/vnd.api+json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"errors":[{"id":"e","status":400,"code":"invalid","title":"Invalid input.","detail":"` + huge + `"}]}`))
			return
		}
		sb.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	home := t.TempDir()
	env := []string{"CONSENT_HOME=" + home, "KLAVIYO_API_URL=" + srv.URL, "KLAVIYO_API_KEY=" + keyA}
	_, errOut, code := runBinary(t, env, "subscribe", "--list", "Y6nRLr", "--email", "huge@example.com", "--email-marketing")
	if code != 1 || len(errOut) > 4096 || !strings.Contains(string(errOut), "Klaviyo answered 400 Bad Request") {
		t.Fatalf("exit %d, %d bytes on stderr: %.300s", code, len(errOut), errOut)
	}
	entries := journalEntries(t, home)
	if len(entries) != 1 || entries[0]["state"] != "refused" || len(entries[0]["result"].(string)) > 2048 {
		t.Fatalf("journal: %d entries %.300v", len(entries), entries)
	}
	table, _, _ := runBinary(t, []string{"CONSENT_HOME=" + home}, "history")
	if !strings.Contains(string(table), "huge@example.com") {
		t.Errorf("history does not list the entry:\n%.500s", table)
	}

	cfgHome := t.TempDir()
	if err := os.WriteFile(filepath.Join(cfgHome, "config.toml"), []byte(`agent = "`+strings.Repeat("a", 5000)+`"`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = runBinary(t, []string{"CONSENT_HOME=" + cfgHome, "KLAVIYO_API_URL=" + srv.URL, "KLAVIYO_API_KEY=" + keyA},
		"subscribe", "--list", "Y6nRLr", "--email", "huge@example.com", "--email-marketing")
	if code != 2 || !strings.Contains(string(errOut), "agent is 5000 bytes long: at most 120") {
		t.Fatalf("a 5000-byte agent: exit %d %.300s", code, errOut)
	}
}
