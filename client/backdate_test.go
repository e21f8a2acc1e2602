package client

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/consentdesk/consent/model"
)

// offlineChecked is a checked request back-dated to at: for every channel
// with a phone, else for email marketing.
func offlineChecked(t *testing.T, email, phone string, at time.Time) model.CheckedRequest {
	t.Helper()
	channels := []model.Channel{model.EmailMarketing}
	if phone != "" {
		channels = append(channels, model.SMSMarketing, model.SMSTransactional)
	}
	req, problems := model.ConsentRequest{ListID: "Y6nRLr", Email: email, Phone: phone, Channels: channels, Source: "Support desk",
		Offline: &model.OfflineConsent{ConsentedAt: at, CollectedBy: "Booth, Spring Fair", TextVersion: "fair-2026"}}.
		Check(model.PhoneRules{Policy: model.DefaultSMSPolicy()})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	return req
}

func TestSubscribeBodyBackDated(t *testing.T) {
	c, fake, _ := testClient(t, reply{status: 202})
	cet := time.FixedZone("CET", 3600)
	req := offlineChecked(t, "ana@example.com", "+1 201 555 0123", time.Date(2026, 3, 14, 0, 0, 0, 900_000_000, cet))
	if _, err := c.Subscribe(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	// The date in UTC, to the second; the offline details stay in the
	// journal, they are not Klaviyo's.
	dated := `{"consent":"SUBSCRIBED","consented_at":"2026-03-13T23:00:00Z"}`
	want := `{"data":{"type":"profile-subscription-bulk-create-job","attributes":{"custom_source":"Support desk","historical_import":true,"profiles":{"data":[{"type":"profile","attributes":{"email":"ana@example.com","phone_number":"+12015550123","subscriptions":{"email":{"marketing":` + dated + `},"sms":{"marketing":` + dated + `,"transactional":` + dated + `}}}}]}},"relationships":{"list":{"data":{"type":"list","id":"Y6nRLr"}}}}}`
	if fake.bodies[0] != want {
		t.Errorf("body\n got %s\nwant %s", fake.bodies[0], want)
	}
}

func TestUnsubscribeBackDatedIsNotSent(t *testing.T) {
	c, fake, _ := testClient(t, reply{status: 202})
	req := offlineChecked(t, "ana@example.com", "", time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC))
	if _, err := c.Unsubscribe(context.Background(), req); !errors.Is(err, ErrOfflineUnsubscribe) {
		t.Fatalf("err = %v, want ErrOfflineUnsubscribe", err)
	}
	if fake.count() != 0 {
		t.Fatalf("%d requests sent", fake.count())
	}
}

func TestSubscribeManyBackDated(t *testing.T) {
	a := offlineChecked(t, "a@example.com", "", time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC))
	b := offlineChecked(t, "b@example.com", "", time.Date(2025, 11, 2, 0, 0, 0, 0, time.UTC))
	now, _ := model.ConsentRequest{Email: "c@example.com", Channels: []model.Channel{model.EmailMarketing}}.Check(model.PhoneRules{})

	c, fake, _ := testClient(t, reply{status: 202})
	a.ListID, b.ListID = "", ""
	if err := c.SubscribeMany(context.Background(), []model.CheckedRequest{a, b}, "Y6nRLr", "import"); err != nil {
		t.Fatal(err)
	}
	want := `{"data":{"type":"profile-subscription-bulk-create-job","attributes":{"custom_source":"import","historical_import":true,"profiles":{"data":[` +
		`{"type":"profile","attributes":{"email":"a@example.com","subscriptions":{"email":{"marketing":{"consent":"SUBSCRIBED","consented_at":"2026-03-14T09:30:00Z"}}}}},` +
		`{"type":"profile","attributes":{"email":"b@example.com","subscriptions":{"email":{"marketing":{"consent":"SUBSCRIBED","consented_at":"2025-11-02T00:00:00Z"}}}}}]}},` +
		`"relationships":{"list":{"data":{"type":"list","id":"Y6nRLr"}}}}}`
	if fake.bodies[0] != want {
		t.Errorf("body\n got %s\nwant %s", fake.bodies[0], want)
	}

	for _, mixed := range [][]model.CheckedRequest{{a, now}, {now, b}} {
		c, fake, _ := testClient(t, reply{status: 202})
		if err := c.SubscribeMany(context.Background(), mixed, "", ""); !errors.Is(err, ErrMixedOffline) {
			t.Errorf("mixed job: err = %v, want ErrMixedOffline", err)
		}
		if fake.count() != 0 {
			t.Errorf("mixed job: %d requests sent", fake.count())
		}
	}

	// Without Offline, no flag and no date.
	c, fake, _ = testClient(t, reply{status: 202})
	if err := c.SubscribeMany(context.Background(), []model.CheckedRequest{now}, "", ""); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(fake.bodies[0], "historical_import") || strings.Contains(fake.bodies[0], "consented_at") {
		t.Errorf("a job of consent given now: %s", fake.bodies[0])
	}
}

func TestCompareBackDate(t *testing.T) {
	asked := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	in := func(t time.Time) string { return t.In(time.Local).Format(backDateLayout) }
	tests := []struct {
		name, readBack string
		want           BackDate
		detail         string
	}{
		{"same instant, Klaviyo's microseconds and offset", "2026-03-14T01:00:00.000000+01:00", BackDateAsAsked, "Klaviyo records consent given on " + in(asked) + ", as asked"},
		{"half a second later is the same second", "2026-03-14T00:00:00.5Z", BackDateAsAsked, ", as asked"},
		{"a second later differs", "2026-03-14T00:00:01Z", BackDateDiffers, "not " + in(asked) + " as asked"},
		{"earlier consent kept", "2025-06-01T08:00:00+00:00", BackDateKeptEarlier,
			"Klaviyo kept the earlier consent date " + in(time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)) + " (not " + in(asked) + " as asked): the person was already subscribed"},
		{"no date", "", BackDateDiffers, "no consent date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ChannelResult{Channel: model.EmailMarketing, Outcome: Verified, Consent: model.Subscribed, ConsentTimestamp: tt.readBack}
			compareBackDate(&r, model.OfflineConsent{ConsentedAt: asked})
			if r.BackDate != tt.want || !strings.Contains(r.Detail, tt.detail) || r.AskedConsentedAt != "2026-03-14T00:00:00Z" {
				t.Errorf("got %s %q (asked %s), want %s containing %q", r.BackDate, r.Detail, r.AskedConsentedAt, tt.want, tt.detail)
			}
		})
	}
}
