package importer

import (
	"context"
	"strings"
	"testing"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

// TestLookUpHoldsTheGuardrails: the demo's people for the guardrails, in
// a sheet: the email and the number on two profiles is not sent; a STOP
// and a carrier deactivation lose their SMS (the email still goes); a
// hard-bounced address is sent, and its detail says to ask for another.
func TestLookUpHoldsTheGuardrails(t *testing.T) {
	sb := sandboxtest.Open(t, sandbox.Options{})
	d, _ := testDesk(t, sb)
	s := readSheet(t, "email,phone,email consent,sms consent\n"+
		"ana.kovac@example.com,+1 201 555 0193,yes,yes\n"+
		"tomas.reyes@example.com,+1 201 555 0191,yes,yes\n"+
		"priya.nair@example.org,+1 201 555 0192,yes,yes\n"+
		"ana.santiago@example.net,,yes,\n")
	rows := Plan(s, Options{ListID: newsletter, Rules: rules})
	if err := LookUp(context.Background(), d.Client, rows, nil); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		verdict  Verdict
		channels []model.Channel
		detail   string
	}{
		{IdentityConflict, nil, "the email is on profile 01H75169M0001G000001FET003 and the phone number on profile 01HNMGQNM00020000001FET004"},
		{OptedOut, []model.Channel{model.EmailMarketing}, "the number opted out of SMS (replied STOP, since 2024-04-22)"},
		{OptedOut, []model.Channel{model.EmailMarketing}, "the number opted out of SMS (carrier deactivation, since 2024-05-07)"},
		{AlreadySubscribed, nil, "nothing to do; the address is suppressed (hard bounce since 2024-05-18): Klaviyo will not lift it"},
	}
	for i, w := range want {
		r := rows[i]
		if r.Verdict != w.verdict || !strings.Contains(r.Detail, w.detail) || len(r.Request.Channels) != len(w.channels) ||
			len(w.channels) > 0 && r.Request.Channels[0] != w.channels[0] {
			t.Errorf("line %d: %s %v %q, want %s %v %q", r.Line, r.Verdict, r.Request.Channels, r.Detail, w.verdict, w.channels, w.detail)
		}
	}
}

// TestJudgeExplainsAHardBounce: a row whose address Klaviyo hard-bounced,
// not yet subscribed, is sent, and its detail says Klaviyo will not lift
// the suppression.
func TestJudgeExplainsAHardBounce(t *testing.T) {
	ts := "2024-04-02T10:00:00+00:00"
	p := client.Profile{ID: "01HB", Email: "bounced@example.com", Subscriptions: &model.Subscriptions{Email: &model.EmailSubscriptions{
		Marketing: &model.EmailMarketingConsent{ConsentDetails: model.ConsentDetails{Consent: model.NeverSubscribed},
			Suppression: []model.Suppression{{Reason: model.ReasonHardBounce, Timestamp: ts}}}}}}
	r := Row{Verdict: OK, Request: model.ConsentRequest{Email: "bounced@example.com", Channels: []model.Channel{model.EmailMarketing}}}
	if judge(&r, people{client.ByEmail: {"bounced@example.com": {p}}, client.ByPhone: {}}) {
		t.Fatal("a never-subscribed address was judged already subscribed")
	}
	if r.Verdict != OK || r.Detail != "the address is suppressed (hard bounce since 2024-04-02): "+model.AnotherAddressWords {
		t.Errorf("row = %s %q", r.Verdict, r.Detail)
	}
}
