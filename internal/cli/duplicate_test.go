package cli

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

// TestSubscribeShowsTheDuplicateProfile: Klaviyo's 409 duplicate_profile
// names the profile that already has an identifier
// (meta.duplicate_profile_id); subscribe shows it as a card, with
// Klaviyo's words, and the entry is refused.
func TestSubscribeShowsTheDuplicateProfile(t *testing.T) {
	sb := sandboxtest.Open(t, sandbox.Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.Header().Set("Content-Type", "application/vnd.api+json")
			w.WriteHeader(http.StatusConflict)
			_, _ = w.Write([]byte(`{"errors":[{"id":"e","status":409,"code":"duplicate_profile","title":"Conflict.","detail":"A profile already exists with one of these identifiers.","source":{"pointer":"/data/attributes"},"links":{},"meta":{"duplicate_profile_id":"01GQ21PHM00010000001FET002"}}]}`))
			return
		}
		sb.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	home := t.TempDir()
	env := []string{"CONSENT_HOME=" + home, "KLAVIYO_API_URL=" + srv.URL, "KLAVIYO_API_KEY=" + keyA}
	_, errOut, code := runBinary(t, env, "subscribe", "--list", "Y6nRLr", "--email", "new.person@example.com", "--email-marketing")
	for _, want := range []string{
		"Klaviyo says this profile already has one of these identifiers:",
		"profile   01GQ21PHM00010000001FET002  Priya Nair priya.nair@example.org +12015550192",
		"SMS     UNSUBSCRIBED · cannot receive · since 2024-05-07 09:00 UTC · method CARRIER_DEACTIVATION · opted out 2024-05-07: carrier deactivation",
		"Klaviyo answered 409 Conflict to POST /api/profile-subscription-bulk-create-jobs: A profile already exists with one of these identifiers.",
		"refused",
	} {
		if !strings.Contains(string(errOut), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
}
