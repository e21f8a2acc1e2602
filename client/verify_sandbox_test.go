package client_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

// TestVerifySubscribeOnAHardBounce subscribes a demo member whose email is
// SUBSCRIBED but hard-bounced through the single opt-in Newsletter:
// subscribing does not lift a hard bounce, so the channel is verified
// SUBSCRIBED and the result says Klaviyo cannot send to it, and why.
func TestVerifySubscribeOnAHardBounce(t *testing.T) {
	ctx := context.Background()
	c := sandboxtest.Client(t, newSandbox(t, sandbox.Options{}), client.Options{})
	const newsletter = "Y6nRLr"
	page, err := c.Members(ctx, newsletter, client.MembersQuery{PageSize: client.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	var bounced string
	for _, p := range page.Profiles {
		em := p.Subscriptions.Channel(model.EmailMarketing)
		if em.Suppressed() && len(em.Suppressions) == 1 && em.Suppressions[0].Reason == model.ReasonHardBounce {
			bounced = p.Email
			break
		}
	}
	if bounced == "" {
		t.Fatal("no hard-bounced SUBSCRIBED member in the Newsletter's first page")
	}
	req, problems := model.ConsentRequest{ListID: newsletter, Email: bounced, Channels: []model.Channel{model.EmailMarketing}, Source: "test"}.
		Check(model.PhoneRules{Policy: model.DefaultSMSPolicy()})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	sub, err := c.Subscribe(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.Verify(ctx, sub, client.VerifyOptions{Timeout: 5 * time.Second})
	if err != nil || len(v.Channels) != 1 {
		t.Fatalf("verification %+v, %v", v, err)
	}
	got := v.Channels[0]
	if got.Outcome != client.Verified || got.Consent != model.Subscribed || got.CanReceive ||
		len(got.Suppressions) != 1 || got.Suppressions[0].Reason != model.ReasonHardBounce || got.LastUpdated == "" {
		t.Errorf("result = %+v", got)
	}
	if w := got.ReceiveWarning(); !strings.HasPrefix(w, "Klaviyo cannot send email marketing to this person: suppressed (hard bounce since ") {
		t.Errorf("ReceiveWarning() = %q", w)
	}
}
