package present

import (
	"strings"
	"testing"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
)

// inZone runs f with time.Local set to loc.
func inZone(t *testing.T, loc *time.Location, f func()) {
	t.Helper()
	defer func(l *time.Location) { time.Local = l }(time.Local)
	time.Local = loc
	f()
}

func TestBackDateWarnings(t *testing.T) {
	single := &client.List{ID: "Y6nRLr", Name: "Newsletter", OptInProcess: "single_opt_in"}
	double := &client.List{ID: "Xy12ab", Name: "VIP Early Access", OptInProcess: "double_opt_in"}
	tests := []struct {
		name string
		list *client.List
		want []string // the start of each warning, in order
	}{
		{"double opt-in list", double, []string{"Historical import skips double opt-in: VIP Early Access asks", "List-triggered welcome flows will not fire: Klaviyo's historical import bypasses \"Added to list\" flows", "A profile already subscribed keeps its older consent date"}},
		{"single opt-in list", single, []string{"List-triggered welcome flows will not fire", "A profile already subscribed keeps its older consent date"}},
		{"no list", nil, []string{"A profile already subscribed keeps its older consent date"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := BackDateWarnings(tt.list)
			if len(got) != len(tt.want) {
				t.Fatalf("warnings = %q, want %d", got, len(tt.want))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("warning %d = %q, want %q…", i, got[i], tt.want[i])
				}
			}
		})
	}
	if w := BackDateWarnings(&client.List{Name: "Evil\x1b[2J", OptInProcess: "double_opt_in"}); strings.ContainsRune(strings.Join(w, ""), '\x1b') {
		t.Errorf("a list name's escape reached the words: %q", w)
	}
}

func TestBackDateWords(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	asked := "2026-03-13T23:00:00Z"
	tests := []struct {
		name string
		ch   client.ChannelResult
		want string
	}{
		{"as asked", client.ChannelResult{Outcome: client.Verified, Consent: model.Subscribed, BackDate: client.BackDateAsAsked, AskedConsentedAt: asked, ConsentTimestamp: "2026-03-13T23:00:00.000000+00:00"},
			"✓ verified SUBSCRIBED: Klaviyo records consent given on 14 Mar 2026 00:00 +01:00, as asked"},
		{"kept earlier", client.ChannelResult{Outcome: client.Verified, Consent: model.Subscribed, BackDate: client.BackDateKeptEarlier, AskedConsentedAt: asked, ConsentTimestamp: "2025-06-01T08:00:00+00:00"},
			"✓ verified SUBSCRIBED: Klaviyo kept the earlier consent date 1 Jun 2025 09:00 +01:00 (not 14 Mar 2026 00:00 +01:00 as asked): the person was already subscribed"},
		{"differs", client.ChannelResult{Outcome: client.Verified, Consent: model.Subscribed, BackDate: client.BackDateDiffers, AskedConsentedAt: asked, ConsentTimestamp: "2026-03-20T08:00:00+00:00"},
			"✓ verified SUBSCRIBED: Klaviyo records consent given on 20 Mar 2026 09:00 +01:00, not 14 Mar 2026 00:00 +01:00 as asked: the person was probably already subscribed"},
		{"not back-dated", client.ChannelResult{Outcome: client.Verified, Consent: model.Subscribed, ConsentTimestamp: "2026-03-20T08:00:00+00:00"},
			"✓ verified SUBSCRIBED at 2026-03-20 09:00:00 +01:00"},
	}
	inZone(t, cet, func() {
		for _, tt := range tests {
			if got, _ := Outcome(tt.ch); got != tt.want {
				t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
			}
		}
		o := model.OfflineConsent{ConsentedAt: time.Date(2026, 3, 14, 0, 0, 0, 0, cet), CollectedBy: "Booth, Spring Fair", TextVersion: "fair-2026",
			EvidenceSHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", EvidenceName: "sheet.jpg"}
		want := "consent given on 14 Mar 2026 00:00 +01:00; collected by Booth, Spring Fair; wording fair-2026; evidence sheet.jpg (SHA-256 9f86d081884c…)"
		if got := strings.Join(OfflineFacts(o), "; "); got != want {
			t.Errorf("OfflineFacts:\n got %q\nwant %q", got, want)
		}
	})
}
