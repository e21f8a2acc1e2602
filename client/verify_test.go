package client

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/consentdesk/consent/model"
)

// TestVerifyWaitsBeforeItsFirstRead: Klaviyo applies a job after answering
// it, so Verify does not read the profile the moment the 202 came back (a
// read that could only find it unchanged): it waits the first delay, and
// one read then finds the consent. A read-back of an older submit (a
// retry's) reads at once.
func TestVerifyWaitsBeforeItsFirstRead(t *testing.T) {
	// Stamped now: the job's own change (an older stamp would be read again
	// before it counts, TestVerifySaysWhenTheConsentWasAlreadyThere).
	subscribed := `{"data":[{"type":"profile","id":"01ABC","attributes":{"email":"x@example.com","subscriptions":{"email":{"marketing":{"consent":"SUBSCRIBED","consent_timestamp":"` +
		time.Now().UTC().Format(time.RFC3339Nano) + `"}}}}}]}`
	req, problems := model.ConsentRequest{Email: "x@example.com", Channels: []model.Channel{model.EmailMarketing}}.Check(model.PhoneRules{Policy: model.DefaultSMSPolicy()})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	for _, tt := range []struct {
		name      string
		submitted time.Duration // how long before Verify the submit was
		wantSleep bool
	}{
		{"just submitted", 0, true},
		{"a retry's read-back", time.Hour, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, fake, _ := testClient(t, reply{status: 200, body: subscribed})
			var slept []time.Duration
			c.opts.Sleep = func(ctx context.Context, d time.Duration) error { slept = append(slept, d); return ctx.Err() }
			v, err := c.Verify(context.Background(), Submission{Request: req, Want: model.Subscribed, At: time.Now().Add(-tt.submitted)}, VerifyOptions{})
			if err != nil || !v.AllVerified() || v.Polls != 1 || fake.count() != 1 {
				t.Fatalf("verification %+v, %v; %d requests", v, err, fake.count())
			}
			waitedFirst := len(slept) == 1 && slept[0] > 0 && slept[0] <= pollDelays[0]
			if tt.wantSleep && !waitedFirst || !tt.wantSleep && len(slept) > 0 {
				t.Errorf("slept %v before reading", slept)
			}
		})
	}
}

// TestVerifyKeepsWhetherTheChannelCanReceive: a subscribe is verified on the
// consent, but the result also carries what Klaviyo says of sending on the
// channel (can_receive, the suppressions, last_updated), and ReceiveWarning
// says so when a verified SUBSCRIBED channel cannot receive.
func TestVerifyKeepsWhetherTheChannelCanReceive(t *testing.T) {
	const updated = "2026-11-26T10:00:01Z"
	profile := func(marketing string) string {
		return `{"data":[{"type":"profile","id":"01ABC","attributes":{"email":"x@example.com","phone_number":"+12015550123","subscriptions":` + marketing + `}}]}`
	}
	tests := []struct {
		name        string
		channel     model.Channel
		body        string
		canReceive  bool
		suppression []string
		warning     string
	}{
		{"email that can receive", model.EmailMarketing,
			profile(`{"email":{"marketing":{"can_receive_email_marketing":true,"consent":"SUBSCRIBED","consent_timestamp":"2026-11-26T10:00:00Z","last_updated":"` + updated + `","suppression":[],"list_suppressions":[]}}}`),
			true, nil, ""},
		{"email with a hard bounce", model.EmailMarketing,
			profile(`{"email":{"marketing":{"can_receive_email_marketing":false,"consent":"SUBSCRIBED","consent_timestamp":"2026-11-26T10:00:00Z","last_updated":"` + updated + `","suppression":[{"reason":"HARD_BOUNCE","timestamp":"2024-03-02T08:00:00+00:00"}],"list_suppressions":[]}}}`),
			false, []string{"HARD_BOUNCE"}, "Klaviyo cannot send email marketing to this person: suppressed (hard bounce since 2024-03-02); " + model.AnotherAddressWords},
		{"SMS that cannot receive", model.SMSMarketing,
			profile(`{"sms":{"marketing":{"can_receive_sms_marketing":false,"consent":"SUBSCRIBED","consent_timestamp":"2026-11-26T10:00:00Z","last_updated":"` + updated + `"}}}`),
			false, nil, "Klaviyo cannot send SMS marketing to this person (Klaviyo gives no reason)"},
	}
	rules := model.PhoneRules{Policy: model.DefaultSMSPolicy()}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, problems := model.ConsentRequest{Email: "x@example.com", Phone: "+12015550123", Channels: []model.Channel{tt.channel}}.Check(rules)
			if len(problems) > 0 {
				t.Fatal(problems)
			}
			c, _, _ := testClient(t, reply{status: 200, body: tt.body})
			submitted := time.Date(2026, 11, 26, 9, 59, 0, 0, time.UTC) // the consent is stamped after: this job's
			v, err := c.Verify(context.Background(), Submission{Request: req, Want: model.Subscribed, At: submitted}, VerifyOptions{})
			if err != nil || len(v.Channels) != 1 || v.Channels[0].Outcome != Verified {
				t.Fatalf("verification %+v, %v", v, err)
			}
			got := v.Channels[0]
			var reasons []string
			for _, s := range got.Suppressions {
				reasons = append(reasons, s.Reason)
			}
			if got.CanReceive != tt.canReceive || !slices.Equal(reasons, tt.suppression) || got.LastUpdated != updated {
				t.Errorf("result = %+v", got)
			}
			if w := got.ReceiveWarning(); w != tt.warning {
				t.Errorf("ReceiveWarning() = %q, want %q", w, tt.warning)
			}
		})
	}
}

// TestVerifySaysWhenTheConsentWasAlreadyThere: a profile that shows the
// consent asked, but stamped from before the submission, is read again
// (the job may not have run yet): when a later read shows the job's stamp,
// it is verified as the job's; when the old stamp stays, it is verified as
// already there, not as this change.
func TestVerifySaysWhenTheConsentWasAlreadyThere(t *testing.T) {
	body := func(ts string) string {
		return `{"data":[{"type":"profile","id":"01ABC","attributes":{"email":"x@example.com","subscriptions":{"email":{"marketing":{"consent":"SUBSCRIBED","consent_timestamp":"` + ts + `"}}}}}]}`
	}
	req, _ := model.ConsentRequest{Email: "x@example.com", Channels: []model.Channel{model.EmailMarketing}}.Check(model.PhoneRules{Policy: model.DefaultSMSPolicy()})
	at := time.Now()
	old, fresh := "2024-05-31T06:40:35Z", at.Add(time.Second).UTC().Format(time.RFC3339Nano)
	tests := []struct {
		name    string
		replies []reply
		polls   int
		already bool
	}{
		{"the job's stamp comes", []reply{{status: 200, body: body(old)}, {status: 200, body: body(fresh)}}, 2, false},
		{"the old stamp stays", []reply{{status: 200, body: body(old)}, {status: 200, body: body(old)}, {status: 200, body: body(old)}}, alreadyPolls, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, _ := testClient(t, tt.replies...)
			v, err := c.Verify(context.Background(), Submission{Request: req, Want: model.Subscribed, At: at}, VerifyOptions{})
			if err != nil || !v.AllVerified() || v.Polls != tt.polls || v.Channels[0].Already != tt.already {
				t.Fatalf("polls %d, %+v, %v", v.Polls, v.Channels, err)
			}
		})
	}
}
