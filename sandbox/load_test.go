package sandbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/consentdesk/consent/model"
)

// TestSynthPhonesValid checks the promise synthCountries makes: any
// completion of a prefix is a valid mobile number (or one that can receive
// texts) of the country.
func TestSynthPhonesValid(t *testing.T) {
	rules := model.PhoneRules{Policy: model.DefaultSMSPolicy()}
	rng := newRand(1)
	for _, c := range synthCountries() {
		for i := range 400 {
			n := rng.Uint64N(1 << 40)
			if i < 4 {
				n = uint64(i) // the extremes of the permutation
			}
			phone := c.phone(n)
			a := rules.Analyze(phone)
			if !a.Valid || a.E164 != phone || a.Region != c.region {
				t.Errorf("%s: %s is not a valid %s number: %s", c.region, phone, c.region, a.Reason)
				break
			}
			if a.Type != "MOBILE" && a.Type != "FIXED_LINE_OR_MOBILE" {
				t.Errorf("%s: %s is a %s number, not a mobile one", c.region, phone, a.Type)
				break
			}
		}
	}
}

func TestLoadMembers(t *testing.T) {
	ctx := context.Background()
	s, _ := openSeeded(t, Options{})
	const n = 3000
	id, err := s.LoadMembers(ctx, "Scale Test", n)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.LoadMembers(ctx, "Scale Test", 500)
	if err != nil {
		t.Fatal(err)
	}
	if again != id {
		t.Fatalf("second load created another list: %s vs %s", again, id)
	}
	var members int
	if err := s.db.QueryRow("SELECT count(*) FROM memberships m JOIN lists l ON l.seq = m.list_seq WHERE l.id = ?", id).Scan(&members); err != nil {
		t.Fatal(err)
	}
	if members != n+500 {
		t.Fatalf("%d members, want %d", members, n+500)
	}

	// Mixed countries, consent and suppressions, every phone valid.
	c := inProcess(t, s)
	regions := map[string]int{}
	consent := map[string]int{}
	suppressed := 0
	next := "/api/lists/" + id + "/profiles?page[size]=100&additional-fields[profile]=subscriptions"
	for pages := 0; next != "" && pages < 10; pages++ {
		r := c.get(next).must(t, 200)
		for _, p := range r.data(t) {
			if phone, ok := dig(p, "attributes", "phone_number").(string); ok {
				a := s.phones.Analyze(phone)
				if !a.Valid {
					t.Fatalf("synthetic phone %s invalid: %s", phone, a.Reason)
				}
				regions[a.Region]++
				if a.SMSEligible {
					consent["sms:"+dig(p, "attributes", "subscriptions", "sms", "marketing", "consent").(string)]++
				} else if got := dig(p, "attributes", "subscriptions", "sms", "marketing", "consent"); got != "NEVER_SUBSCRIBED" {
					t.Errorf("%s (%s) has SMS consent %v although it is not SMS-eligible", phone, a.Region, got)
				}
			}
			consent["email:"+dig(p, "attributes", "subscriptions", "email", "marketing", "consent").(string)]++
			if dig(p, "attributes", "subscriptions", "email", "marketing", "can_receive_email_marketing") == false {
				suppressed++
			}
		}
		next, _ = dig(r.doc, "links", "next").(string)
	}
	for _, want := range []string{"US", "GB", "SI", "PR", "HU", "BR", "IN"} {
		if regions[want] == 0 {
			t.Errorf("no member from %s: %v", want, regions)
		}
	}
	for _, want := range []string{"email:SUBSCRIBED", "email:NEVER_SUBSCRIBED", "email:UNSUBSCRIBED", "sms:SUBSCRIBED", "sms:NEVER_SUBSCRIBED"} {
		if consent[want] == 0 {
			t.Errorf("no member with %s: %v", want, consent)
		}
	}
	if suppressed == 0 {
		t.Error("no suppressed member")
	}
}

func TestLoadMembersDeterministic(t *testing.T) {
	ctx := context.Background()
	load := func() []string {
		s := openTest(t, Options{Now: newFakeClock().Now})
		if _, err := s.LoadMembers(ctx, "Repeatable", 200); err != nil {
			t.Fatal(err)
		}
		return queryStrings(t, s.db, "SELECT id || coalesce(email, '') || coalesce(phone_number, '') || em_consent || sm_consent FROM profiles ORDER BY seq")
	}
	a, b := load(), load()
	if len(a) != 200 || len(b) != 200 {
		t.Fatalf("loaded %d and %d profiles, want 200", len(a), len(b))
	}
	if !slices.Equal(a, b) {
		t.Fatalf("the two loads differ:\n%q\n%q", a, b)
	}
}

func TestLoadMembersRejectsBadInput(t *testing.T) {
	s := openTest(t, Options{})
	if _, err := s.LoadMembers(context.Background(), "", 1); err == nil {
		t.Error("empty list name accepted")
	}
	if _, err := s.LoadMembers(context.Background(), "x", -1); err == nil {
		t.Error("negative count accepted")
	}
	if _, err := s.LoadMembers(context.Background(), "x", MaxLoadMembers+1); err == nil {
		t.Error("a count over MaxLoadMembers accepted")
	}
}

// TestLoadMembersInBatches: a load is written in transactions of
// loadBatch members (here 100), reporting each; when it stops (here,
// interrupted after the first), what was committed stays and the error
// says so.
func TestLoadMembersInBatches(t *testing.T) {
	const loadBatch = 100
	tests := []struct {
		name      string
		n         int
		stopAfter int // cancel after this many progress reports; 0: never
		want      []int
		members   int
	}{
		{"one batch", 3, 0, []int{3}, 3},
		{"exact batches", 2 * loadBatch, 0, []int{loadBatch, 2 * loadBatch}, 2 * loadBatch},
		{"a partial last batch", 2*loadBatch + 7, 0, []int{loadBatch, 2 * loadBatch, 2*loadBatch + 7}, 2*loadBatch + 7},
		{"interrupted", 3 * loadBatch, 1, []int{loadBatch}, loadBatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTest(t, Options{})
			s.loadBatch = loadBatch
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			var got []int
			id, err := s.LoadMembersProgress(ctx, "Batches", tt.n, func(added int) {
				got = append(got, added)
				if len(got) == tt.stopAfter {
					cancel()
				}
			})
			switch {
			case tt.stopAfter == 0 && err != nil:
				t.Fatal(err)
			case tt.stopAfter > 0 && (!errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), fmt.Sprintf("after adding %d of %d", tt.members, tt.n))):
				t.Errorf("error %v, want an interruption that says %d of %d were added", err, tt.members, tt.n)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("progress %v, want %v", got, tt.want)
			}
			var members int
			if err := s.db.QueryRow("SELECT count(*) FROM memberships m JOIN lists l ON l.seq = m.list_seq WHERE l.id = ?", id).Scan(&members); err != nil {
				t.Fatal(err)
			}
			if members != tt.members {
				t.Errorf("%d members, want %d", members, tt.members)
			}
		})
	}
}
