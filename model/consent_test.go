package model

import (
	"encoding/json"
	"testing"
)

// klaviyoSubscriptions is the subscriptions object of a profile as Klaviyo documents it (get_profiles).
const klaviyoSubscriptions = `{
  "email": {"marketing": {"can_receive_email_marketing": true, "consent": "SUBSCRIBED",
    "consent_timestamp": "2024-06-20T14:21:58.123456+00:00", "last_updated": "2024-06-20T14:21:58.123456+00:00",
    "method": "API", "method_detail": "", "custom_method_detail": "Support TUI", "double_optin": false,
    "suppression": [{"reason": "HARD_BOUNCE", "timestamp": "2024-01-01T00:00:00+00:00"}],
    "list_suppressions": [{"list_id": "Y6nRLr", "reason": "USER_SUPPRESSED", "timestamp": "2024-01-02T00:00:00+00:00"}]}},
  "sms": {
    "marketing": {"can_receive_sms_marketing": true, "consent": "SUBSCRIBED",
      "consent_timestamp": "2024-06-20T14:21:58.123456+00:00", "method": "API", "method_detail": "",
      "last_updated": "2024-06-20T14:21:58.123456+00:00"},
    "transactional": {"can_receive_sms_transactional": false, "consent": "NEVER_SUBSCRIBED",
      "consent_timestamp": null, "method": null, "method_detail": null, "last_updated": null}},
  "mobile_push": {"marketing": {"can_receive_push_marketing": false, "consent": "NEVER_SUBSCRIBED", "consent_timestamp": null}}
}`

func TestSubscriptionsDecodeKlaviyoShape(t *testing.T) {
	var s Subscriptions
	if err := json.Unmarshal([]byte(klaviyoSubscriptions), &s); err != nil {
		t.Fatal(err)
	}
	email := s.Channel(EmailMarketing)
	if !email.Present || email.Consent != Subscribed || !email.CanReceive || email.CustomDetail != "Support TUI" || email.Method != "API" ||
		email.LastUpdated != "2024-06-20T14:21:58.123456+00:00" {
		t.Errorf("email marketing = %+v", email)
	}
	if len(email.Suppressions) != 1 || email.Suppressions[0].Reason != "HARD_BOUNCE" {
		t.Errorf("suppressions = %+v", email.Suppressions)
	}
	if len(email.ListSuppressions) != 1 || email.ListSuppressions[0].ListID != "Y6nRLr" {
		t.Errorf("list suppressions = %+v", email.ListSuppressions)
	}
	ts, ok := email.Timestamp()
	if !ok || ts.Nanosecond() != 123456000 || ts.Year() != 2024 {
		t.Errorf("timestamp = %v, %v", ts, ok)
	}
	sms := s.Channel(SMSMarketing)
	if !sms.Present || sms.Consent != Subscribed || !sms.CanReceive {
		t.Errorf("sms marketing = %+v", sms)
	}
	tx := s.Channel(SMSTransactional)
	if !tx.Present || tx.Consent != NeverSubscribed || tx.CanReceive || tx.ConsentTimestamp != "" || tx.LastUpdated != "" {
		t.Errorf("sms transactional = %+v", tx)
	}
	if _, ok := tx.Timestamp(); ok {
		t.Error("null timestamp parsed as a time")
	}
}

func TestSubscriptionsEncodeNullsLikeKlaviyo(t *testing.T) {
	s := Subscriptions{SMS: &SMSSubscriptions{Transactional: &SMSTransactionalConsent{ConsentDetails: ConsentDetails{Consent: NeverSubscribed}}}}
	out, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"sms":{"transactional":{"can_receive_sms_transactional":false,"consent":"NEVER_SUBSCRIBED","consent_timestamp":null,"last_updated":null,"method":null,"method_detail":null}}}`
	if string(out) != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
}

func TestChannelOfMissingSubscriptions(t *testing.T) {
	var s *Subscriptions
	for _, c := range Channels {
		got := s.Channel(c)
		if got.Present || got.Consent != NeverSubscribed {
			t.Errorf("%s of nil subscriptions = %+v", c, got)
		}
	}
	if (&Subscriptions{}).Channel(SMSMarketing).Present {
		t.Error("absent sms reported present")
	}
}

func TestChannelLabels(t *testing.T) {
	for _, c := range Channels {
		if c.Label() == string(c) {
			t.Errorf("%s has no label", c)
		}
	}
	if EmailMarketing.IsSMS() || !SMSMarketing.IsSMS() || !SMSTransactional.IsSMS() {
		t.Error("IsSMS wrong")
	}
}
