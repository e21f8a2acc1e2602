package client_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

// TestLookupMany finds many profiles in one request, by email and by phone,
// with their subscriptions and without keeping each one's raw JSON; an
// address nobody has finds nothing; too many values are refused unsent.
func TestLookupMany(t *testing.T) {
	ctx := context.Background()
	sb := newSandbox(t, sandbox.Options{})
	counted := &countingTransport{next: sb.Transport(), countingHandler: countingHandler{n: map[string]int{}}}
	c, err := client.New(client.Options{BaseURL: "http://sandbox.invalid", APIKey: "pk_sandboxtest", Transport: counted, NoLimiter: true})
	if err != nil {
		t.Fatal(err)
	}
	page, err := c.Members(ctx, "Y6nRLr", client.MembersQuery{PageSize: 30})
	if err != nil {
		t.Fatal(err)
	}
	var emails, phones []string
	for _, p := range page.Profiles {
		if p.Email != "" {
			emails = append(emails, p.Email)
		}
		if p.PhoneNumber != "" {
			phones = append(phones, p.PhoneNumber)
		}
	}
	if len(emails) < 10 || len(phones) < 3 {
		t.Fatalf("demo members: %d emails, %d phones", len(emails), len(phones))
	}
	before := counted.count("GET")
	got, err := c.LookupMany(ctx, client.ByEmail, append(slices.Clone(emails), "nobody-at-all@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if n := counted.count("GET") - before; n != 1 {
		t.Errorf("%d requests for %d emails, want 1", n, len(emails))
	}
	if len(got) != len(emails) {
		t.Fatalf("found %d profiles for %d emails", len(got), len(emails))
	}
	for _, p := range got {
		if !slices.Contains(emails, p.Email) || p.Subscriptions == nil || p.Raw != nil {
			t.Errorf("profile %s: email %q, subscriptions %v, raw %d bytes", p.ID, p.Email, p.Subscriptions != nil, len(p.Raw))
		}
		if p.Subscriptions.Channel(model.EmailMarketing).Consent == "" {
			t.Errorf("profile %s has no email consent state", p.ID)
		}
	}
	byPhone, err := c.LookupMany(ctx, client.ByPhone, phones)
	if err != nil || len(byPhone) < len(phones) {
		t.Fatalf("by phone: %d profiles for %d numbers, %v", len(byPhone), len(phones), err)
	}
	many := make([]string, client.MaxLookupValues+1)
	for i := range many {
		many[i] = fmt.Sprintf("p%d@example.com", i)
	}
	before = counted.count("GET")
	if _, err := c.LookupMany(ctx, client.ByEmail, many); err == nil {
		t.Error("101 values were looked up")
	}
	if _, err := c.LookupMany(ctx, "first_name", []string{"x"}); err == nil {
		t.Error("a look-up by first_name was sent")
	}
	if n := counted.count("GET") - before; n != 0 {
		t.Errorf("%d requests for refused look-ups", n)
	}
}

// TestMembersAmong finds which of some people are on a list: members are,
// a profile that is not on it is not.
func TestMembersAmong(t *testing.T) {
	ctx := context.Background()
	c := sandboxtest.Client(t, newSandbox(t, sandbox.Options{}), client.Options{})
	page, err := c.Members(ctx, "Y6nRLr", client.MembersQuery{PageSize: 5})
	if err != nil {
		t.Fatal(err)
	}
	var emails []string
	for _, p := range page.Profiles {
		if p.Email != "" {
			emails = append(emails, p.Email)
		}
	}
	got, err := c.MembersAmong(ctx, "Y6nRLr", client.ByEmail, append(emails, "nobody-at-all@example.com"))
	if err != nil || len(got) != len(emails) {
		t.Fatalf("MembersAmong = %d profiles for %d members, %v", len(got), len(emails), err)
	}
	if got[0].Subscriptions == nil {
		t.Error("members come without subscriptions")
	}
}
