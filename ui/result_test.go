package ui

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/internal/screentest"
	"github.com/consentdesk/consent/model"
)

// TestResultVerifiedLineIsWholeAtAnyWidth subscribes through the form at
// 80 and 60 columns: the verified line, wrapped under its label, keeps its
// timestamp whole, and the read-back's one figure too (a block's padding used to push its first
// line past the edge at 60 columns, where the root cut it).
func TestResultVerifiedLineIsWholeAtAnyWidth(t *testing.T) {
	verified := regexp.MustCompile(`Email marketing ✓ verified SUBSCRIBED at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC .*read back (once|\d+ times) in \d+ms`)
	for _, size := range [][2]int{{80, 24}, {60, 20}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			a, _ := newSandboxApp(t, size[0], size[1])
			emailMarketingToPicker(t, a, "narrow.result@example.com")
			typeAndWait(t, a, "newsl")
			pressAndWait(t, a, tea.KeyEnter, 0)
			pressAndWait(t, a, 's', tea.ModCtrl)
			if !verified.MatchString(screentest.Flat(screen(a))) {
				t.Errorf("the verified line is not whole:\n%s", screen(a))
			}
		})
	}
}

// TestSubmitOnAHardBounceSaysItCannotReceive subscribes, through the form,
// the email of a Newsletter member that is SUBSCRIBED but hard-bounced:
// Klaviyo shows SUBSCRIBED, so the channel is verified, and the result says
// that Klaviyo cannot send to the person, and why (subscribing does not
// lift a hard bounce).
func TestSubmitOnAHardBounceSaysItCannotReceive(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {60, 20}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			a, _ := newSandboxApp(t, size[0], size[1])
			profiles := firstMembers(t, a, newsletterID, client.MaxPageSize)
			bounced := profiles[memberIndex(t, profiles, "hard-bounced", hardBounced)]
			emailMarketingToPicker(t, a, bounced.Email)
			typeAndWait(t, a, "newsl")
			pressAndWait(t, a, tea.KeyEnter, 0)
			pressAndWait(t, a, 's', tea.ModCtrl)
			since := bounced.Subscriptions.Channel(model.EmailMarketing).Suppressions[0].Describe()
			wantScreen(t, a, "Email marketing ✓ verified SUBSCRIBED at 20",
				"— but Klaviyo cannot send email marketing to this person: suppressed ("+since+")")
		})
	}
}

// TestChannelOutcomeLineSaysWhenItCannotReceive: the outcome line of the
// check and profile views and of History says when a channel verified
// SUBSCRIBED cannot receive, and nothing more when it can.
func TestChannelOutcomeLineSaysWhenItCannotReceive(t *testing.T) {
	bounce := []model.Suppression{{Reason: model.ReasonHardBounce, Timestamp: "2024-03-02T10:00:00+00:00"}}
	tests := []struct {
		name string
		ch   client.ChannelResult
		want string
	}{
		{"can receive", client.ChannelResult{Channel: model.EmailMarketing, Outcome: client.Verified, Consent: model.Subscribed, CanReceive: true, After: 750 * time.Millisecond},
			"✓ Email marketing: verified SUBSCRIBED"},
		{"hard bounce", client.ChannelResult{Channel: model.EmailMarketing, Outcome: client.Verified, Consent: model.Subscribed, Suppressions: bounce, After: 750 * time.Millisecond},
			"✓ Email marketing: verified SUBSCRIBED — but Klaviyo cannot send email marketing to this person: suppressed (hard bounce since 2024-03-02); " + model.AnotherAddressWords},
		{"SMS that cannot receive", client.ChannelResult{Channel: model.SMSMarketing, Outcome: client.Verified, Consent: model.Subscribed, After: 750 * time.Millisecond},
			"✓ SMS marketing: verified SUBSCRIBED — but Klaviyo cannot send SMS marketing to this person (Klaviyo gives no reason)"},
		{"unsubscribed, as asked", client.ChannelResult{Channel: model.EmailMarketing, Outcome: client.Verified, Consent: model.Unsubscribed, Suppressions: bounce, After: 750 * time.Millisecond},
			"✓ Email marketing: verified UNSUBSCRIBED"},
	}
	s := newStyles(true)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := screentest.Flat(ansi.Strip(channelOutcomeLine(tt.ch, s, 60)))
			if got != tt.want {
				t.Errorf("channelOutcomeLine = %q\nwant               %q", got, tt.want)
			}
		})
	}
}
