package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

const subscribePath = "/api/profile-subscription-bulk-create-jobs"
const unsubscribePath = "/api/profile-subscription-bulk-delete-jobs/"

// consentOf returns a profile's consent for a channel path such as
// "email/marketing" or "sms/transactional".
func consentOf(p map[string]any, channel string) any {
	parts := strings.Split(channel, "/")
	return dig(p, "attributes", "subscriptions", parts[0], parts[1], "consent")
}

// vipListID returns the id of the double opt-in demo list.
func vipListID(t *testing.T, s *Sandbox) string {
	t.Helper()
	var id string
	if err := s.db.QueryRow("SELECT id FROM lists WHERE name = 'VIP Early Access'").Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestSubscribeAppliedAfterDelay(t *testing.T) {
	ctx := context.Background()
	s, clock := openSeeded(t, Options{JobDelay: 5 * time.Second})
	c := inProcess(t, s)
	r := c.post(subscribePath, subscribeBody("Y6nRLr", map[string]any{
		"email": "new.person@example.com", "phone_number": "+12125550123",
		"subscriptions": subs("SUBSCRIBED", "email", "sms", "sms_transactional"),
	})).must(t, 202)
	if len(r.body) != 0 {
		t.Errorf("202 has a body: %s", r.body)
	}
	if r.header.Get(partialFailureHeader) != "" {
		t.Errorf("unexpected partial failure")
	}
	if got := c.lookup(`equals(email,"new.person@example.com")`); len(got) != 0 {
		t.Fatal("consent recorded synchronously; Klaviyo's jobs are asynchronous")
	}
	clock.Advance(4 * time.Second)
	if err := s.ApplyDueJobs(ctx); err != nil {
		t.Fatal(err)
	}
	if got := c.lookup(`equals(email,"new.person@example.com")`); len(got) != 0 {
		t.Fatal("job applied before its delay")
	}
	clock.Advance(time.Second)
	// No ApplyDueJobs: the next request applies it.
	got := c.lookup(`equals(phone_number,"+12125550123")`)
	if len(got) != 1 {
		t.Fatalf("profile not created: %v", got)
	}
	p := got[0]
	applied := clock.Now().UTC().Format(consentTimeLayout)
	for _, ch := range []string{"email/marketing", "sms/marketing", "sms/transactional"} {
		if consentOf(p, ch) != "SUBSCRIBED" {
			t.Errorf("%s = %v, want SUBSCRIBED", ch, consentOf(p, ch))
		}
		parts := strings.Split(ch, "/")
		m := dig(p, "attributes", "subscriptions", parts[0], parts[1]).(map[string]any)
		if m["consent_timestamp"] != applied || m["last_updated"] != applied || m["method"] != "API" || m["method_detail"] != "" {
			t.Errorf("%s details: %v (applied %s)", ch, m, applied)
		}
	}
	em := dig(p, "attributes", "subscriptions", "email", "marketing").(map[string]any)
	if em["custom_method_detail"] != "Support TUI" || em["can_receive_email_marketing"] != true {
		t.Errorf("email marketing: %v", em)
	}
	if dig(p, "attributes", "subscriptions", "sms", "marketing", "can_receive_sms_marketing") != true {
		t.Error("can_receive_sms_marketing false after subscribing")
	}
	// The new profile is on the list, joined when the job was applied.
	members := c.get("/api/lists/Y6nRLr/profiles?filter="+urlQueryEscape(`equals(email,"new.person@example.com")`)).must(t, 200).data(t)
	if len(members) != 1 || dig(members[0], "attributes", "joined_group_at") != clock.Now().UTC().Format(entityTimeLayout) {
		t.Fatalf("membership: %v", members)
	}
}

func TestSMSRule(t *testing.T) {
	tests := []struct {
		name       string
		attrs      map[string]any
		status     int
		partial    bool
		wantEmail  any // consent of the profile found by email afterwards (nil: no profile)
		wantSMS    any
		wantPhone  any
		errPointer string
		errText    string
	}{
		{
			name:   "US number: SMS recorded",
			attrs:  map[string]any{"email": "us@example.com", "phone_number": "+14155550199", "subscriptions": subs("SUBSCRIBED", "email", "sms")},
			status: 202, wantEmail: "SUBSCRIBED", wantSMS: "SUBSCRIBED", wantPhone: "+14155550199",
		},
		// Rule 6: outside the SMS countries the whole job is refused, even
		// beside a valid email (revision 2024-05-15 and later).
		{
			name:   "Slovenia with email: rejected, email not applied",
			attrs:  map[string]any{"email": "si@example.com", "phone_number": "+38631234567", "subscriptions": subs("SUBSCRIBED", "email", "sms")},
			status: 400, errPointer: "/data/attributes/profiles/data/0/attributes/phone_number", errText: "Slovenia (SI)",
		},
		{
			name:   "Puerto Rico with email: rejected, email not applied",
			attrs:  map[string]any{"email": "pr@example.com", "phone_number": "+17875551234", "subscriptions": subs("SUBSCRIBED", "email", "sms")},
			status: 400, errPointer: "/data/attributes/profiles/data/0/attributes/phone_number", errText: "Puerto Rico (PR)",
		},
		{
			name:   "landline with email: rejected, email not applied",
			attrs:  map[string]any{"email": "landline@example.com", "phone_number": "+442079460958", "subscriptions": subs("SUBSCRIBED", "email", "sms")},
			status: 400, errPointer: "/data/attributes/profiles/data/0/attributes/phone_number", errText: "cannot receive text",
		},
		{
			name:   "Slovenia phone only: rejected",
			attrs:  map[string]any{"phone_number": "+38631234567", "subscriptions": subs("SUBSCRIBED", "sms")},
			status: 400, errPointer: "/data/attributes/profiles/data/0/attributes/phone_number", errText: "Slovenia",
		},
		{
			name:   "personal number cannot receive texts",
			attrs:  map[string]any{"phone_number": "+15005550007", "subscriptions": subs("SUBSCRIBED", "sms")},
			status: 400, errPointer: "/data/attributes/profiles/data/0/attributes/phone_number", errText: "cannot receive text",
		},
		{
			name:   "malformed phone with email: partial failure",
			attrs:  map[string]any{"email": "bad.phone@example.com", "phone_number": "+1 415 555 0199", "subscriptions": subs("SUBSCRIBED", "email", "sms")},
			status: 202, partial: true, wantEmail: "SUBSCRIBED", wantSMS: "NEVER_SUBSCRIBED", wantPhone: nil,
		},
		{
			name:   "malformed phone only",
			attrs:  map[string]any{"phone_number": "0041 79 123", "subscriptions": subs("SUBSCRIBED", "sms")},
			status: 400, errPointer: "/data/attributes/profiles/data/0/attributes/phone_number", errText: invalidPhoneText,
		},
		{
			name:   "sms without a phone",
			attrs:  map[string]any{"email": "nophone@example.com", "subscriptions": subs("SUBSCRIBED", "email", "sms")},
			status: 400, errPointer: "/data/attributes/profiles/data/0/attributes/phone_number", errText: smsNeedsPhone,
		},
		{
			name:   "Slovenian phone stored when no SMS is asked for",
			attrs:  map[string]any{"email": "si.store@example.com", "phone_number": "+38641234567", "subscriptions": subs("SUBSCRIBED", "email")},
			status: 202, wantEmail: "SUBSCRIBED", wantSMS: "NEVER_SUBSCRIBED", wantPhone: "+38641234567",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := openSeeded(t, Options{JobDelay: -1})
			c := inProcess(t, s)
			r := c.post(subscribePath, subscribeBody("Y6nRLr", tc.attrs)).must(t, tc.status)
			if got := r.header.Get(partialFailureHeader) == "phone_number"; got != tc.partial {
				t.Errorf("X-Klaviyo-Partial-Failure = %q", r.header.Get(partialFailureHeader))
			}
			if tc.status != 202 {
				e := r.firstError(t)
				if dig(e, "source", "pointer") != tc.errPointer || !strings.Contains(e["detail"].(string), tc.errText) {
					t.Fatalf("error %v, want pointer %s and %q", e, tc.errPointer, tc.errText)
				}
				if n, _ := s.PendingJobs(context.Background()); n != 0 {
					t.Fatal("a rejected job was stored")
				}
				if email, ok := tc.attrs["email"].(string); ok {
					if got := c.lookup(`equals(email,"` + email + `")`); len(got) != 0 {
						t.Fatalf("a rejected job changed a profile: %v", got)
					}
				}
				return
			}
			key := `equals(email,"` + tc.attrs["email"].(string) + `")`
			got := c.lookup(key)
			if len(got) != 1 {
				t.Fatalf("profile: %v", got)
			}
			if consentOf(got[0], "email/marketing") != tc.wantEmail || consentOf(got[0], "sms/marketing") != tc.wantSMS {
				t.Errorf("email %v sms %v, want %v %v", consentOf(got[0], "email/marketing"), consentOf(got[0], "sms/marketing"), tc.wantEmail, tc.wantSMS)
			}
			if dig(got[0], "attributes", "phone_number") != tc.wantPhone {
				t.Errorf("phone_number %v, want %v", dig(got[0], "attributes", "phone_number"), tc.wantPhone)
			}
		})
	}
}

func TestDoubleOptInLeavesEmailPending(t *testing.T) {
	s, _ := openSeeded(t, Options{JobDelay: -1})
	c := inProcess(t, s)
	vip := vipListID(t, s)
	c.post(subscribePath, subscribeBody(vip, map[string]any{
		"email": "doi@example.com", "subscriptions": subs("SUBSCRIBED", "email"),
	})).must(t, 202)
	got := c.lookup(`equals(email,"doi@example.com")`)
	if len(got) != 1 {
		t.Fatalf("profile: %v", got)
	}
	em := dig(got[0], "attributes", "subscriptions", "email", "marketing").(map[string]any)
	if em["consent"] != "NEVER_SUBSCRIBED" || em["consent_timestamp"] != nil || em["method"] != nil || em["double_optin"] != nil {
		t.Fatalf("email consent recorded before confirmation: %v", em)
	}
	members := c.get("/api/lists/"+vip+"/profiles?filter="+urlQueryEscape(`equals(email,"doi@example.com")`)).must(t, 200).data(t)
	if len(members) != 0 {
		t.Fatal("pending double opt-in already a member")
	}

	// A historical import skips double opt-in.
	body := subscribeBody(vip, map[string]any{"email": "doi3@example.com", "subscriptions": map[string]any{
		"email": map[string]any{"marketing": map[string]any{"consent": "SUBSCRIBED", "consented_at": "2025-01-05T10:00:00Z"}},
	}})
	body["data"].(map[string]any)["attributes"].(map[string]any)["historical_import"] = true
	c.post(subscribePath, body).must(t, 202)
	got = c.lookup(`equals(email,"doi3@example.com")`)
	em = dig(got[0], "attributes", "subscriptions", "email", "marketing").(map[string]any)
	if em["consent"] != "SUBSCRIBED" || em["consent_timestamp"] != "2025-01-05T10:00:00.000000+00:00" {
		t.Fatalf("historical import: %v", em)
	}
}

func TestUnsubscribe(t *testing.T) {
	s, _ := openSeeded(t, Options{JobDelay: -1})
	for name, c := range clients(t, s) {
		t.Run(name, func(t *testing.T) {
			email := name + ".unsub@example.com"
			c.post(subscribePath, subscribeBody("Y6nRLr", map[string]any{
				"email": email, "phone_number": "+16175550142", "subscriptions": subs("SUBSCRIBED", "email", "sms"),
			})).must(t, 202)
			r := c.post(unsubscribePath, unsubscribeBody("Y6nRLr", map[string]any{
				"email": email, "phone_number": "+16175550142", "subscriptions": subs("UNSUBSCRIBED", "email", "sms"),
			})).must(t, 202)
			if len(r.body) != 0 {
				t.Errorf("202 has a body: %s", r.body)
			}
			p := c.lookup(`equals(email,"` + email + `")`)[0]
			em := dig(p, "attributes", "subscriptions", "email", "marketing").(map[string]any)
			if em["consent"] != "UNSUBSCRIBED" || em["can_receive_email_marketing"] != false {
				t.Errorf("email after unsubscribe: %v", em)
			}
			if reason := dig(em, "suppression", 0, "reason"); reason != "UNSUBSCRIBE" {
				t.Errorf("suppression %v, want UNSUBSCRIBE", em["suppression"])
			}
			if consentOf(p, "sms/marketing") != "UNSUBSCRIBED" || dig(p, "attributes", "subscriptions", "sms", "marketing", "can_receive_sms_marketing") != false {
				t.Errorf("sms after unsubscribe: %v", dig(p, "attributes", "subscriptions", "sms"))
			}
			members := c.get("/api/lists/Y6nRLr/profiles?filter="+urlQueryEscape(`equals(email,"`+email+`")`)).must(t, 200).data(t)
			if len(members) != 0 {
				t.Error("still a member after unsubscribing from the list")
			}

			// Subscribing again clears the UNSUBSCRIBE suppression.
			c.post(subscribePath, subscribeBody("Y6nRLr", map[string]any{"email": email, "subscriptions": subs("SUBSCRIBED", "email")})).must(t, 202)
			p = c.lookup(`equals(email,"` + email + `")`)[0]
			em = dig(p, "attributes", "subscriptions", "email", "marketing").(map[string]any)
			if em["consent"] != "SUBSCRIBED" || em["can_receive_email_marketing"] != true || len(em["suppression"].([]any)) != 0 {
				t.Errorf("resubscribed email: %v", em)
			}
		})
	}
}

func TestSubscribeClearsOnlySomeSuppressions(t *testing.T) {
	s, _ := openSeeded(t, Options{JobDelay: -1})
	c := inProcess(t, s)
	// Rule 3: new consent lifts an unsubscribe, a spam complaint and a
	// manual suppression, never a hard bounce or an invalid address.
	for i, reason := range []string{"HARD_BOUNCE", "SPAM_COMPLAINT", "USER_SUPPRESSED", "UNSUBSCRIBE", "INVALID_EMAIL"} {
		var email string
		err := s.db.QueryRow("SELECT email FROM profiles WHERE email IS NOT NULL AND em_suppression LIKE ? LIMIT 1", `%"`+reason+`"%`).Scan(&email)
		if errors.Is(err, sql.ErrNoRows) {
			email = strings.ToLower(reason) + "@example.com"
			_, err = s.db.Exec(`INSERT INTO profiles (id, email, created, updated, em_consent, em_suppression) VALUES (?, ?, 0, 0, 'UNSUBSCRIBED', ?)`,
				fmt.Sprintf("01HZZZZZZZZZZZZZZZZZZZZZZ%d", i), email, `[{"reason":"`+reason+`","at":0}]`)
		}
		if err != nil {
			t.Fatalf("%s: %v", reason, err)
		}
		c.post(subscribePath, subscribeBody("Y6nRLr", map[string]any{"email": email, "subscriptions": subs("SUBSCRIBED", "email")})).must(t, 202)
		p := c.lookup(`equals(email,"` + email + `")`)[0]
		em := dig(p, "attributes", "subscriptions", "email", "marketing").(map[string]any)
		cleared := reason != "HARD_BOUNCE" && reason != "INVALID_EMAIL"
		if got := len(em["suppression"].([]any)) == 0; got != cleared {
			t.Errorf("%s: suppression after subscribing %v (cleared %v, want %v)", reason, em["suppression"], got, cleared)
		}
		if em["can_receive_email_marketing"] != cleared {
			t.Errorf("%s: can_receive_email_marketing %v", reason, em["can_receive_email_marketing"])
		}
		if em["consent"] != "SUBSCRIBED" {
			t.Errorf("%s: consent %v", reason, em["consent"])
		}
	}
}

func TestSubscribeExistingProfile(t *testing.T) {
	s, _ := openSeeded(t, Options{JobDelay: -1})
	c := inProcess(t, s)
	sarah := c.lookup(`equals(email,"sarah.mason@klaviyo-demo.com")`)[0]
	var before int
	s.db.QueryRow("SELECT count(*) FROM profiles").Scan(&before)
	// By id, adding an SMS-eligible phone number.
	body := subscribeBody("", map[string]any{"email": "sarah.mason@klaviyo-demo.com", "phone_number": "+12125550100", "subscriptions": subs("SUBSCRIBED", "sms")})
	body["data"].(map[string]any)["attributes"].(map[string]any)["profiles"].(map[string]any)["data"].([]any)[0].(map[string]any)["id"] = sarah["id"]
	c.post(subscribePath, body).must(t, 202)
	var after int
	s.db.QueryRow("SELECT count(*) FROM profiles").Scan(&after)
	if after != before {
		t.Fatalf("a profile was created for an existing person (%d → %d)", before, after)
	}
	p := c.get("/api/profiles/"+sarah["id"].(string)+"?additional-fields[profile]=subscriptions").must(t, 200).doc["data"].(map[string]any)
	if dig(p, "attributes", "phone_number") != "+12125550100" || consentOf(p, "sms/marketing") != "SUBSCRIBED" {
		t.Fatalf("Sarah after subscribing by id: %v", p["attributes"])
	}
}

func TestSubscribeValidation(t *testing.T) {
	s, _ := openSeeded(t, Options{JobDelay: -1})
	c := inProcess(t, s)
	valid := func() map[string]any {
		return subscribeBody("Y6nRLr", map[string]any{"email": "v@example.com", "subscriptions": subs("SUBSCRIBED", "email")})
	}
	data := func(b map[string]any) map[string]any { return b["data"].(map[string]any) }
	attrs := func(b map[string]any) map[string]any { return data(b)["attributes"].(map[string]any) }
	profile := func(b map[string]any) map[string]any {
		return attrs(b)["profiles"].(map[string]any)["data"].([]any)[0].(map[string]any)["attributes"].(map[string]any)
	}
	many := func(n int) map[string]any {
		b := valid()
		var ps []any
		for i := range n {
			ps = append(ps, map[string]any{"type": "profile", "attributes": map[string]any{
				"email": fmt.Sprintf("bulk%d@example.com", i), "subscriptions": subs("SUBSCRIBED", "email")}})
		}
		attrs(b)["profiles"].(map[string]any)["data"] = ps
		return b
	}
	const p0 = "/data/attributes/profiles/data/0"
	tests := []struct {
		name    string
		body    any
		status  int
		pointer string
	}{
		{"not JSON", "{", 400, ""},
		{"empty", "", 400, ""},
		{"trailing data", `{"data":{}} {}`, 400, ""},
		{"array", `[]`, 400, ""},
		{"no data", `{}`, 400, "/data"},
		{"wrong type", func() any { b := valid(); data(b)["type"] = "profile"; return b }(), 400, "/data/type"},
		{"unsubscribe type", func() any { b := valid(); data(b)["type"] = unsubscribeJobType; return b }(), 400, "/data/type"},
		{"no attributes", func() any { b := valid(); delete(data(b), "attributes"); return b }(), 400, "/data/attributes"},
		{"unknown attribute", func() any { b := valid(); attrs(b)["shoe_size"] = 42; return b }(), 400, "/data/attributes/shoe_size"},
		{"no profiles", func() any { b := valid(); attrs(b)["profiles"] = map[string]any{"data": []any{}}; return b }(), 400, "/data/attributes/profiles/data"},
		{"1000 profiles", many(1000), 202, ""},
		{"1001 profiles", many(1001), 400, "/data/attributes/profiles/data"},
		{"profile type", func() any {
			b := valid()
			attrs(b)["profiles"].(map[string]any)["data"].([]any)[0].(map[string]any)["type"] = "list"
			return b
		}(), 400, p0 + "/type"},
		{"consent UNSUBSCRIBED", func() any { b := valid(); profile(b)["subscriptions"] = subs("UNSUBSCRIBED", "email"); return b }(), 400, p0 + "/attributes/subscriptions/email/marketing/consent"},
		{"consent missing", func() any {
			b := valid()
			profile(b)["subscriptions"] = map[string]any{"email": map[string]any{"marketing": map[string]any{}}}
			return b
		}(), 400, p0 + "/attributes/subscriptions/email/marketing/consent"},
		{"no subscriptions", func() any { b := valid(); delete(profile(b), "subscriptions"); return b }(), 400, p0 + "/attributes/subscriptions"},
		{"invalid email", func() any { b := valid(); profile(b)["email"] = "not-an-email"; return b }(), 400, p0 + "/attributes/email"},
		{"email number", func() any { b := valid(); profile(b)["email"] = 12; return b }(), 400, p0 + "/attributes/email"},
		{"email channel without email", func() any {
			b := valid()
			delete(profile(b), "email")
			profile(b)["phone_number"] = "+12125550100"
			return b
		}(), 400, p0 + "/attributes/email"},
		{"no identifier", func() any {
			b := valid()
			delete(profile(b), "email")
			profile(b)["subscriptions"] = map[string]any{}
			return b
		}(), 400, p0 + "/attributes"},
		{"consented_at without historical_import", func() any {
			b := valid()
			profile(b)["subscriptions"] = map[string]any{"email": map[string]any{"marketing": map[string]any{"consent": "SUBSCRIBED", "consented_at": "2024-01-01T00:00:00Z"}}}
			return b
		}(), 400, p0 + "/attributes/subscriptions/email/marketing/consented_at"},
		{"historical_import without consented_at", func() any { b := valid(); attrs(b)["historical_import"] = true; return b }(), 400, p0 + "/attributes/subscriptions/email/marketing/consented_at"},
		{"consented_at in the future", func() any {
			b := valid()
			attrs(b)["historical_import"] = true
			profile(b)["subscriptions"] = map[string]any{"email": map[string]any{"marketing": map[string]any{"consent": "SUBSCRIBED", "consented_at": "2099-01-01T00:00:00Z"}}}
			return b
		}(), 400, p0 + "/attributes/subscriptions/email/marketing/consented_at"},
		{"historical_import not a bool", func() any { b := valid(); attrs(b)["historical_import"] = "yes"; return b }(), 400, "/data/attributes/historical_import"},
		{"unknown list", func() any {
			b := valid()
			data(b)["relationships"].(map[string]any)["list"].(map[string]any)["data"].(map[string]any)["id"] = "nope00"
			return b
		}(), 404, "/data/relationships/list/data/id"},
		{"list type", func() any {
			b := valid()
			data(b)["relationships"].(map[string]any)["list"].(map[string]any)["data"].(map[string]any)["type"] = "segment"
			return b
		}(), 400, "/data/relationships/list/data/type"},
		{"no list", func() any { b := valid(); delete(data(b), "relationships"); return b }(), 202, ""},
		{"null custom_source", func() any { b := valid(); attrs(b)["custom_source"] = nil; return b }(), 202, ""},
		{"bad date of birth", func() any { b := valid(); profile(b)["age_gated_date_of_birth"] = "31/01/1990"; return b }(), 400, p0 + "/attributes/age_gated_date_of_birth"},
		{"unknown channel", func() any {
			b := valid()
			profile(b)["subscriptions"].(map[string]any)["fax"] = map[string]any{}
			return b
		}(), 400, p0 + "/attributes/subscriptions/fax"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := c.post(subscribePath, tc.body).must(t, tc.status)
			if tc.status == 202 {
				return
			}
			e := r.firstError(t)
			if tc.pointer != "" && dig(e, "source", "pointer") != tc.pointer {
				t.Fatalf("pointer %v, want %s: %v", dig(e, "source", "pointer"), tc.pointer, e)
			}
			if e["status"] != float64(tc.status) {
				t.Fatalf("error status %v", e["status"])
			}
		})
	}
}

func TestUnsubscribeValidation(t *testing.T) {
	s, _ := openSeeded(t, Options{JobDelay: -1})
	c := inProcess(t, s)
	many := unsubscribeBody("", map[string]any{"email": "x@example.com", "subscriptions": subs("UNSUBSCRIBED", "email")})
	ps := []any{}
	for i := range 101 {
		ps = append(ps, map[string]any{"type": "profile", "attributes": map[string]any{
			"email": fmt.Sprintf("u%d@example.com", i), "subscriptions": subs("UNSUBSCRIBED", "email")}})
	}
	many["data"].(map[string]any)["attributes"].(map[string]any)["profiles"].(map[string]any)["data"] = ps
	withSource := unsubscribeBody("", map[string]any{"email": "x@example.com", "subscriptions": subs("UNSUBSCRIBED", "email")})
	withSource["data"].(map[string]any)["attributes"].(map[string]any)["custom_source"] = "x"
	for _, tc := range []struct {
		name    string
		body    any
		pointer string
	}{
		{"SUBSCRIBED", unsubscribeBody("", map[string]any{"email": "x@example.com", "subscriptions": subs("SUBSCRIBED", "email")}),
			"/data/attributes/profiles/data/0/attributes/subscriptions/email/marketing/consent"},
		{"101 profiles", many, "/data/attributes/profiles/data"},
		{"custom_source", withSource, "/data/attributes/custom_source"},
		{"subscribe type", subscribeBody("", map[string]any{"email": "x@example.com", "subscriptions": subs("UNSUBSCRIBED", "email")}), "/data/type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := c.post(unsubscribePath, tc.body).must(t, 400).firstError(t)
			if dig(e, "source", "pointer") != tc.pointer {
				t.Fatalf("pointer %v, want %s", dig(e, "source", "pointer"), tc.pointer)
			}
		})
	}
}

func TestSubscribeContentType(t *testing.T) {
	s, _ := openSeeded(t, Options{JobDelay: -1})
	c := inProcess(t, s)
	body := `{"data":{"type":"profile-subscription-bulk-create-job","attributes":{"profiles":{"data":[{"type":"profile","attributes":{"email":"ct@example.com","subscriptions":{}}}]}}}}`
	c.request("POST", subscribePath, body, map[string]string{"Content-Type": "application/json"}).must(t, 202)
	c.request("POST", subscribePath, body, map[string]string{"Content-Type": "text/plain"}).must(t, 415)
}
