package cli

import (
	"bytes"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// secretKey looks like a real private key (pk_ and 34 letters and digits);
// it must never appear in any output or file.
const secretKey = "pk_S3cr3tK3yTh4tMustN3v3rL34k0123456"

// scanForKey fails the test if the key, or its distinctive part, is in data.
func scanForKey(t *testing.T, where string, data []byte) {
	t.Helper()
	for _, needle := range []string{secretKey, secretKey[3:], secretKey[10:30]} {
		if bytes.Contains(data, []byte(needle)) {
			t.Errorf("the API key appears in %s", where)
			return
		}
	}
}

// TestKeyNeverLeaks runs commands with the key in every way it can be given
// (flag, environment, account key_env), against a working sandbox server, a
// failing one and an address where nothing listens, plus the UI in a real
// terminal; then scans every output and every file written under the home
// directory for the key.
func TestKeyNeverLeaks(t *testing.T) {
	home := t.TempDir()
	served := serveSandbox(t, filepath.Join(home, "served.db"), "--fail-rate", "0", "--rate-limit", "off")
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.api+json")
		w.WriteHeader(http.StatusUnauthorized)
		// A misbehaving server that echoes the key it was sent.
		echo := strings.TrimPrefix(r.Header.Get("Authorization"), "Klaviyo-API-Key ")
		w.Write([]byte(`{"errors":[{"id":"1","status":401,"code":"authentication_failed","title":"Incorrect authentication credentials.","detail":"Incorrect authentication credentials: ` + echo + `"}]}`))
	}))
	defer failing.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	if err := os.WriteFile(filepath.Join(home, "config.toml"), []byte("default_account = \"shop\"\n[accounts.shop]\nkey_env = \"SHOP_KEY\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	runs := []struct {
		url  string
		env  []string
		args []string
	}{
		{served.url, []string{"KLAVIYO_API_KEY=" + secretKey}, []string{"lists"}},
		{served.url, nil, []string{"lists", "--api-key", secretKey}},
		{served.url, []string{"SHOP_KEY=" + secretKey}, []string{"subscribe", "--list", "Y6nRLr", "--email", "leak@example.com", "--email-marketing", "--phone", "+1 201 555 0190", "--sms-marketing"}},
		{served.url, []string{"SHOP_KEY=" + secretKey}, []string{"check", "--json", "leak@example.com", "+12015550190"}},
		{served.url, []string{"SHOP_KEY=" + secretKey}, []string{"members", "Y6nRLr", "--limit", "5"}},
		{served.url, []string{"SHOP_KEY=" + secretKey}, []string{"history", "--json"}},
		{failing.URL, []string{"KLAVIYO_API_KEY=" + secretKey}, []string{"subscribe", "--list", "Y6nRLr", "--email", "leak2@example.com", "--email-marketing"}},
		{failing.URL, []string{"KLAVIYO_API_KEY=" + secretKey}, []string{"check", "leak@example.com"}},
		{closedURL, []string{"KLAVIYO_API_KEY=" + secretKey}, []string{"subscribe", "--list", "Y6nRLr", "--email", "leak3@example.com", "--email-marketing"}},
		{served.url, []string{"KLAVIYO_API_KEY=" + secretKey + " "}, []string{"lists"}}, // a key with a stray space is refused
		{served.url, []string{"KLAVIYO_API_KEY=" + secretKey}, []string{"history", "retry", "--all"}},
	}
	for _, r := range runs {
		cmd := exec.Command(consentBinary(t), r.args...)
		cmd.Env = append(append(os.Environ(), "CONSENT_HOME="+home, "KLAVIYO_API_URL="+r.url, "KLAVIYO_API_KEY=", "KLAVIYO_ACCOUNT="), r.env...)
		out, _ := cmd.CombinedOutput()
		scanForKey(t, "the output of consent "+strings.Join(r.args, " "), out)
	}

	// The UI in a real terminal, through the account's key.
	term := startTerminal(t, 100, 30, []string{"CONSENT_HOME=" + home, "KLAVIYO_API_URL=" + served.url, "KLAVIYO_API_KEY=", "SHOP_KEY=" + secretKey, "TERM=xterm-256color"})
	term.waitFor("Klaviyo account shop", "What would you like to do?")
	term.press("c")
	term.press(strings.Split("leak@example.com", "")...)
	term.press(keyEnter)
	term.waitFor("SUBSCRIBED")
	term.press(keyCtrlC)
	select {
	case <-term.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the UI did not exit")
	}
	scanForKey(t, "the UI's screen", []byte(term.screen()))
	scanForKey(t, "what the UI wrote to the terminal", term.written())

	// Every file written under the home directory (the config is the
	// person's; it names only the variable).
	err := filepath.WalkDir(home, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		scanForKey(t, path, data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
