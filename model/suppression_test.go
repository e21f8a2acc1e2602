package model

import "testing"

func TestSuppressionWordsAndDescribe(t *testing.T) {
	tests := []struct {
		s                    Suppression
		wantWords, wantDescr string
	}{
		{Suppression{ReasonHardBounce, "2024-03-02T10:00:00.123456+00:00"}, "hard bounce", "hard bounce since 2024-03-02"},
		{Suppression{ReasonSpamComplaint, "2024-03-02T23:30:00-05:00"}, "spam complaint", "spam complaint since 2024-03-03"},
		{Suppression{ReasonInvalidEmail, ""}, "invalid email", "invalid email"},
		{Suppression{ReasonUserSuppressed, "yesterday"}, "suppressed by user/admin", "suppressed by user/admin since yesterday"},
		{Suppression{ReasonUnsubscribe, "2024-01-01T00:00:00Z"}, "unsubscribed", "unsubscribed since 2024-01-01"},
		{Suppression{"", ""}, "no reason given", "no reason given"},
		{Suppression{"CARRIER_\x1b[31mBLOCK", "\x1b]52;c;x\a2024"}, "carrier block", "carrier block since 2024"},
		{Suppression{"USER_\u202eSUPPRESSED", ""}, "suppressed by user/admin", "suppressed by user/admin"},
	}
	for _, tt := range tests {
		if got := tt.s.Words(); got != tt.wantWords {
			t.Errorf("%+v.Words() = %q, want %q", tt.s, got, tt.wantWords)
		}
		if got := tt.s.Describe(); got != tt.wantDescr {
			t.Errorf("%+v.Describe() = %q, want %q", tt.s, got, tt.wantDescr)
		}
	}
}

func TestChannelSuppressed(t *testing.T) {
	bounce := Suppression{ReasonHardBounce, "2024-03-02T10:00:00+00:00"}
	spam := Suppression{ReasonSpamComplaint, "2024-04-01T10:00:00+00:00"}
	onNewsletter := []ListSuppression{{ListID: "Y6nRLr", Reason: ReasonUserSuppressed, Timestamp: "2024-01-02T00:00:00+00:00"}}
	tests := []struct {
		name         string
		c            ChannelConsent
		suppressed   bool
		reason       string
		detail       string
		onNewsletter bool   // SuppressedOnList("Y6nRLr")
		listReason   string // SuppressionReasonOnList("Y6nRLr")
		label        string // SuppressionLabelOnList("Y6nRLr")
	}{
		{"subscribed and can receive", ChannelConsent{Channel: EmailMarketing, Consent: Subscribed, CanReceive: true},
			false, "", "", false, "", ""},
		{"subscribed, hard bounce", ChannelConsent{Channel: EmailMarketing, Consent: Subscribed, Suppressions: []Suppression{bounce}},
			true, "hard bounce", "suppressed (hard bounce since 2024-03-02)", true, "hard bounce", "suppressed: hard bounce"},
		{"subscribed, two reasons, one twice", ChannelConsent{Channel: EmailMarketing, Consent: Subscribed, Suppressions: []Suppression{bounce, spam, bounce}},
			true, "hard bounce, spam complaint", "suppressed (hard bounce since 2024-03-02, spam complaint since 2024-04-01, hard bounce since 2024-03-02)", true, "hard bounce, spam complaint", "suppressed: hard bounce, spam complaint"},
		{"subscribed email, no reason listed", ChannelConsent{Channel: EmailMarketing, Consent: Subscribed},
			true, "cannot receive", "cannot receive", true, "cannot receive", "suppressed"},
		{"subscribed SMS that cannot receive", ChannelConsent{Channel: SMSMarketing, Consent: Subscribed},
			true, "cannot receive", "cannot receive", true, "cannot receive", "cannot receive"},
		{"unsubscribed is not suppressed", ChannelConsent{Channel: EmailMarketing, Consent: Unsubscribed, Suppressions: []Suppression{{ReasonUnsubscribe, ""}}},
			false, "unsubscribed", "suppressed (unsubscribed)", false, "", ""},
		{"never subscribed, can receive (implicit consent)", ChannelConsent{Channel: EmailMarketing, Consent: NeverSubscribed, CanReceive: true},
			false, "", "", false, "", ""},
		{"subscribed, suppressed on this list only", ChannelConsent{Channel: EmailMarketing, Consent: Subscribed, CanReceive: true, ListSuppressions: onNewsletter},
			false, "", "", true, "suppressed on this list", "suppressed on this list"},
		{"unsubscribed with a list suppression", ChannelConsent{Channel: EmailMarketing, Consent: Unsubscribed, CanReceive: false, ListSuppressions: onNewsletter},
			false, "cannot receive", "cannot receive", false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c
			if got := c.Suppressed(); got != tt.suppressed {
				t.Errorf("Suppressed() = %v", got)
			}
			if got := c.SuppressionReason(); got != tt.reason {
				t.Errorf("SuppressionReason() = %q, want %q", got, tt.reason)
			}
			if got := c.SuppressionDetail(); got != tt.detail {
				t.Errorf("SuppressionDetail() = %q, want %q", got, tt.detail)
			}
			if got := c.SuppressedOnList("Y6nRLr"); got != tt.onNewsletter {
				t.Errorf("SuppressedOnList(Y6nRLr) = %v", got)
			}
			if got := c.SuppressionReasonOnList("Y6nRLr"); got != tt.listReason {
				t.Errorf("SuppressionReasonOnList(Y6nRLr) = %q, want %q", got, tt.listReason)
			}
			if got := c.SuppressionLabelOnList("Y6nRLr"); got != tt.label {
				t.Errorf("SuppressionLabelOnList(Y6nRLr) = %q, want %q", got, tt.label)
			}
			if c.Suppressed() != c.SuppressedOnList("other") {
				t.Errorf("another list's suppression counted: SuppressedOnList(other) = %v", c.SuppressedOnList("other"))
			}
		})
	}
}

// TestSuppressedFromKlaviyoShape reads the suppressed profile of Klaviyo's get_profiles example
// shape: SUBSCRIBED, can_receive_email_marketing false, a hard bounce.
func TestSuppressedFromKlaviyoShape(t *testing.T) {
	s := Subscriptions{Email: &EmailSubscriptions{Marketing: &EmailMarketingConsent{
		ConsentDetails: ConsentDetails{Consent: Subscribed},
		Suppression:    []Suppression{{ReasonHardBounce, "2024-03-02T10:00:00+00:00"}}}}}
	email := s.Channel(EmailMarketing)
	if !email.Suppressed() || email.SuppressionReason() != "hard bounce" {
		t.Errorf("email %+v: suppressed %v, reason %q", email, email.Suppressed(), email.SuppressionReason())
	}
	if sms := s.Channel(SMSMarketing); sms.Suppressed() {
		t.Errorf("an absent channel reads as suppressed: %+v", sms)
	}
}
