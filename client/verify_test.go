package client

import (
	"context"
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
	subscribed := `{"data":[{"type":"profile","id":"01ABC","attributes":{"email":"x@example.com","subscriptions":{"email":{"marketing":{"consent":"SUBSCRIBED","consent_timestamp":"2026-11-26T10:00:00Z"}}}}}]}`
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
