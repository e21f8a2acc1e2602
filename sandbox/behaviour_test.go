package sandbox

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// The rules of BEHAVIOUR.md ("Consent"), one test each: what Klaviyo does
// where its spec cannot say.

// memberOf reports whether the profile with email is a member of list.
func (c *client) memberOf(list, email string) bool {
	c.t.Helper()
	return len(c.get("/api/lists/"+list+"/profiles?filter="+urlQueryEscape(`equals(email,"`+email+`")`)).must(c.t, 200).data(c.t)) > 0
}

// profilesWithPhone counts the profiles holding phone.
func profilesWithPhone(t *testing.T, s *Sandbox, phone string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow("SELECT count(*) FROM profiles WHERE phone_number = ?", phone).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Rule 1: a number that replaces another does not inherit its SMS consent.
func TestNewNumberDoesNotInheritSMSConsent(t *testing.T) {
	s, clock := openSeeded(t, Options{JobDelay: -1})
	c := inProcess(t, s)
	const email, p1, p2 = "new.number@example.com", "+16175550101", "+16175550102"
	c.post(subscribePath, subscribeBody("Y6nRLr", map[string]any{
		"email": email, "phone_number": p1, "subscriptions": subs("SUBSCRIBED", "email", "sms", "sms_transactional"),
	})).must(t, 202)

	// The same number again, email only: its consent stays.
	clock.Advance(time.Hour)
	c.post(subscribePath, subscribeBody("Y6nRLr", map[string]any{"email": email, "phone_number": p1, "subscriptions": subs("SUBSCRIBED", "email")})).must(t, 202)
	if got := c.lookup(`equals(email,"` + email + `")`)[0]; consentOf(got, "sms/marketing") != "SUBSCRIBED" {
		t.Fatalf("the same number lost its consent: %v", consentOf(got, "sms/marketing"))
	}

	// A new number with email consent only: the old number's SMS consent is gone.
	clock.Advance(time.Hour)
	c.post(subscribePath, subscribeBody("Y6nRLr", map[string]any{"email": email, "phone_number": p2, "subscriptions": subs("SUBSCRIBED", "email")})).must(t, 202)
	got := c.lookup(`equals(email,"` + email + `")`)[0]
	if dig(got, "attributes", "phone_number") != p2 {
		t.Fatalf("phone_number %v, want %s", dig(got, "attributes", "phone_number"), p2)
	}
	for _, ch := range []string{"marketing", "transactional"} {
		sms := dig(got, "attributes", "subscriptions", "sms", ch).(map[string]any)
		if sms["consent"] != "NEVER_SUBSCRIBED" || sms["consent_timestamp"] != nil || sms["method"] != nil {
			t.Errorf("SMS %s for a number that never consented: %v", ch, sms)
		}
	}
	if consentOf(got, "email/marketing") != "SUBSCRIBED" {
		t.Errorf("email consent %v", consentOf(got, "email/marketing"))
	}

	// A new number with its own SMS consent: recorded, dated now.
	clock.Advance(time.Hour)
	c.post(subscribePath, subscribeBody("Y6nRLr", map[string]any{"email": email, "phone_number": p1, "subscriptions": subs("SUBSCRIBED", "sms")})).must(t, 202)
	got = c.lookup(`equals(email,"` + email + `")`)[0]
	sms := dig(got, "attributes", "subscriptions", "sms", "marketing").(map[string]any)
	if sms["consent"] != "SUBSCRIBED" || sms["consent_timestamp"] != consentTime(micros(clock.Now())) {
		t.Errorf("SMS for the new number: %v, want SUBSCRIBED at %s", sms, consentTime(micros(clock.Now())))
	}
}

// Rule 2: on a double opt-in list SMS marketing waits for confirmation, as
// email does, and Confirm is the person confirming.
func TestDoubleOptInWaitsForEveryChannel(t *testing.T) {
	ctx := context.Background()
	s, _ := openSeeded(t, Options{JobDelay: -1})
	c := inProcess(t, s)
	vip := vipListID(t, s)
	const email, phone = "doi.both@example.com", "+447400123456"
	c.post(subscribePath, subscribeBody(vip, map[string]any{
		"email": email, "phone_number": phone, "subscriptions": subs("SUBSCRIBED", "email", "sms"),
	})).must(t, 202)
	got := c.lookup(`equals(email,"` + email + `")`)[0]
	if consentOf(got, "email/marketing") != "NEVER_SUBSCRIBED" || consentOf(got, "sms/marketing") != "NEVER_SUBSCRIBED" || c.memberOf(vip, email) {
		t.Fatalf("before confirmation: email %v, SMS %v, member %v", consentOf(got, "email/marketing"), consentOf(got, "sms/marketing"), c.memberOf(vip, email))
	}

	// The person replies YES to the text: SMS only.
	done, err := s.Confirm(ctx, phone, "")
	if err != nil || len(done) != 1 || done[0].Channel != "sms_marketing" || done[0].ListID != vip {
		t.Fatalf("confirm by phone: %+v %v", done, err)
	}
	got = c.lookup(`equals(email,"` + email + `")`)[0]
	if consentOf(got, "sms/marketing") != "SUBSCRIBED" || consentOf(got, "email/marketing") != "NEVER_SUBSCRIBED" || !c.memberOf(vip, email) {
		t.Fatalf("after the text: email %v, SMS %v, member %v", consentOf(got, "email/marketing"), consentOf(got, "sms/marketing"), c.memberOf(vip, email))
	}
	// Then clicks the email's link.
	if done, err := s.Confirm(ctx, "DOI.Both@example.com", vip); err != nil || len(done) != 1 || done[0].Channel != "email_marketing" {
		t.Fatalf("confirm by email: %+v %v", done, err)
	}
	em := dig(c.lookup(`equals(email,"` + email + `")`)[0], "attributes", "subscriptions", "email", "marketing").(map[string]any)
	if em["consent"] != "SUBSCRIBED" || em["double_optin"] != true || em["custom_method_detail"] != "Support TUI" {
		t.Fatalf("email after confirmation: %v", em)
	}
	if _, err := s.Confirm(ctx, email, ""); !errors.Is(err, ErrNothingToConfirm) {
		t.Fatalf("confirming twice: %v", err)
	}

	// An unsubscribe cancels what waits.
	const later = "doi.cancelled@example.com"
	c.post(subscribePath, subscribeBody(vip, map[string]any{"email": later, "subscriptions": subs("SUBSCRIBED", "email")})).must(t, 202)
	c.post(unsubscribePath, unsubscribeBody("", map[string]any{"email": later, "subscriptions": subs("UNSUBSCRIBED", "email")})).must(t, 202)
	if _, err := s.Confirm(ctx, later, ""); !errors.Is(err, ErrNothingToConfirm) {
		t.Fatalf("confirming after an unsubscribe: %v", err)
	}

	// A person already subscribed on SMS joins at once: there is nothing to confirm.
	const already, alreadyPhone = "doi.already@example.com", "+447400123457"
	c.post(subscribePath, subscribeBody("Y6nRLr", map[string]any{"email": already, "phone_number": alreadyPhone, "subscriptions": subs("SUBSCRIBED", "sms")})).must(t, 202)
	c.post(subscribePath, subscribeBody(vip, map[string]any{"email": already, "phone_number": alreadyPhone, "subscriptions": subs("SUBSCRIBED", "sms")})).must(t, 202)
	if !c.memberOf(vip, already) {
		t.Error("an SMS subscriber waits to confirm consent they already gave")
	}

	// A historical import skips double opt-in for SMS too.
	body := subscribeBody(vip, map[string]any{"email": "doi.historical@example.com", "phone_number": "+447400123458", "subscriptions": map[string]any{
		"sms": map[string]any{"marketing": map[string]any{"consent": "SUBSCRIBED", "consented_at": "2025-01-05T10:00:00Z"}},
	}})
	body["data"].(map[string]any)["attributes"].(map[string]any)["historical_import"] = true
	c.post(subscribePath, body).must(t, 202)
	if got := c.lookup(`equals(email,"doi.historical@example.com")`)[0]; consentOf(got, "sms/marketing") != "SUBSCRIBED" {
		t.Errorf("historical SMS import: %v", consentOf(got, "sms/marketing"))
	}
}

// Rule 4: one phone number, one profile. A job naming A by email and B's
// number changes A's email consent only, and says so.
func TestOnePhoneNumberOneProfile(t *testing.T) {
	s, clock := openSeeded(t, Options{JobDelay: -1})
	c := inProcess(t, s)
	const a, b, phone = "profile.a@example.com", "profile.b@example.com", "+16175550111"
	c.post(subscribePath, subscribeBody("Y6nRLr", map[string]any{"email": a, "subscriptions": subs("SUBSCRIBED", "email")})).must(t, 202)
	c.post(subscribePath, subscribeBody("Y6nRLr", map[string]any{"email": b, "phone_number": phone, "subscriptions": subs("SUBSCRIBED", "email")})).must(t, 202)

	clock.Advance(time.Minute)
	r := c.post(subscribePath, subscribeBody("Y6nRLr", map[string]any{"email": a, "phone_number": phone, "subscriptions": subs("SUBSCRIBED", "email", "sms")})).must(t, 202)
	if r.header.Get(partialFailureHeader) != "phone_number" {
		t.Errorf("X-Klaviyo-Partial-Failure = %q, want phone_number", r.header.Get(partialFailureHeader))
	}
	pa, pb := c.lookup(`equals(email,"` + a + `")`)[0], c.lookup(`equals(email,"` + b + `")`)[0]
	if dig(pa, "attributes", "phone_number") != nil || consentOf(pa, "sms/marketing") != "NEVER_SUBSCRIBED" || consentOf(pb, "sms/marketing") != "NEVER_SUBSCRIBED" {
		t.Errorf("A: phone %v SMS %v; B: SMS %v", dig(pa, "attributes", "phone_number"), consentOf(pa, "sms/marketing"), consentOf(pb, "sms/marketing"))
	}
	if dig(pb, "attributes", "phone_number") != phone || profilesWithPhone(t, s, phone) != 1 {
		t.Errorf("B's number moved: B has %v, %d profiles hold it", dig(pb, "attributes", "phone_number"), profilesWithPhone(t, s, phone))
	}

	// Two profiles of one job giving one new number: the first keeps it.
	r = c.post(subscribePath, map[string]any{"data": map[string]any{"type": subscribeJobType, "attributes": map[string]any{
		"profiles": map[string]any{"data": []any{
			map[string]any{"type": "profile", "attributes": map[string]any{"email": "first@example.com", "phone_number": "+16175550112", "subscriptions": subs("SUBSCRIBED", "sms")}},
			map[string]any{"type": "profile", "attributes": map[string]any{"email": "second@example.com", "phone_number": "+16175550112", "subscriptions": subs("SUBSCRIBED", "email", "sms")}},
		}},
	}}}).must(t, 202)
	if r.header.Get(partialFailureHeader) != "phone_number" || profilesWithPhone(t, s, "+16175550112") != 1 {
		t.Errorf("one job, one number twice: header %q, %d profiles hold it", r.header.Get(partialFailureHeader), profilesWithPhone(t, s, "+16175550112"))
	}
	if got := c.lookup(`equals(email,"second@example.com")`)[0]; consentOf(got, "sms/marketing") != "NEVER_SUBSCRIBED" || consentOf(got, "email/marketing") != "SUBSCRIBED" {
		t.Errorf("second: SMS %v email %v", consentOf(got, "sms/marketing"), consentOf(got, "email/marketing"))
	}
}

// Rule 4 again, when the number is taken between the POST and the job:
// applying checks again.
func TestOnePhoneNumberOneProfileWhenTheJobRuns(t *testing.T) {
	ctx := context.Background()
	s, clock := openSeeded(t, Options{JobDelay: 5 * time.Second})
	c := inProcess(t, s)
	const c1, d1, phone = "profile.c@example.com", "profile.d@example.com", "+16175550121"
	for _, email := range []string{c1, d1} {
		c.post(subscribePath, subscribeBody("Y6nRLr", map[string]any{"email": email, "subscriptions": subs("SUBSCRIBED", "email")})).must(t, 202)
	}
	clock.Advance(10 * time.Second)
	if err := s.ApplyDueJobs(ctx); err != nil {
		t.Fatal(err)
	}
	// Both jobs find the number free when posted.
	for _, email := range []string{c1, d1} {
		r := c.post(subscribePath, subscribeBody("Y6nRLr", map[string]any{"email": email, "phone_number": phone, "subscriptions": subs("SUBSCRIBED", "sms")})).must(t, 202)
		if h := r.header.Get(partialFailureHeader); h != "" {
			t.Fatalf("%s: partial failure %q before the number was taken", email, h)
		}
	}
	clock.Advance(10 * time.Second)
	if err := s.ApplyDueJobs(ctx); err != nil {
		t.Fatal(err)
	}
	if n := profilesWithPhone(t, s, phone); n != 1 {
		t.Fatalf("%d profiles hold %s", n, phone)
	}
	if got := c.lookup(`equals(email,"` + d1 + `")`)[0]; consentOf(got, "sms/marketing") != "NEVER_SUBSCRIBED" || dig(got, "attributes", "phone_number") != nil {
		t.Errorf("the later job: SMS %v, phone %v", consentOf(got, "sms/marketing"), dig(got, "attributes", "phone_number"))
	}
}

// Rule 5: transactional-only SMS consent is on the profile, not the list.
func TestTransactionalOnlyIsNotAListMember(t *testing.T) {
	s, _ := openSeeded(t, Options{JobDelay: -1})
	c := inProcess(t, s)
	const email = "transactional.only@example.com"
	c.post(subscribePath, subscribeBody("Y6nRLr", map[string]any{"email": email, "phone_number": "+16175550131", "subscriptions": subs("SUBSCRIBED", "sms_transactional")})).must(t, 202)
	got := c.lookup(`equals(email,"` + email + `")`)[0]
	if consentOf(got, "sms/transactional") != "SUBSCRIBED" {
		t.Fatalf("transactional consent %v", consentOf(got, "sms/transactional"))
	}
	if c.memberOf("Y6nRLr", email) {
		t.Error("a transactional-only subscriber was added to the list")
	}
	c.post(subscribePath, subscribeBody("Y6nRLr", map[string]any{"email": email, "phone_number": "+16175550131", "subscriptions": subs("SUBSCRIBED", "sms")})).must(t, 202)
	if !c.memberOf("Y6nRLr", email) {
		t.Error("marketing consent did not make a member")
	}
}

// Rule 10: a historical import into a channel already SUBSCRIBED keeps
// that consent's date; a channel not subscribed takes the date asked.
func TestHistoricalImportKeepsAnExistingConsentDate(t *testing.T) {
	s, clock := openSeeded(t, Options{JobDelay: -1})
	c := inProcess(t, s)
	const email = "kept.date@example.com"
	const phone = "+16175550177"
	c.post(subscribePath, subscribeBody("Y6nRLr", map[string]any{"email": email, "phone_number": phone, "subscriptions": subs("SUBSCRIBED", "email", "sms")})).must(t, 202)
	stamp := func(p any, ch ...string) (consent, updated any) {
		path := append([]any{"attributes", "subscriptions"}, ch[0], ch[1])
		return dig(p, append(path, "consent_timestamp")...), dig(p, append(path, "last_updated")...)
	}
	before := c.lookup(`equals(email,"` + email + `")`)[0]
	emailTS, _ := stamp(before, "email", "marketing")
	smsTS, _ := stamp(before, "sms", "marketing")
	if emailTS == nil || smsTS == nil {
		t.Fatalf("no consent timestamps after subscribing: %v", before["attributes"])
	}

	clock.Advance(time.Hour)
	const asked = "2025-01-05T10:00:00Z"
	dated := map[string]any{"consent": "SUBSCRIBED", "consented_at": asked}
	body := subscribeBody("Y6nRLr", map[string]any{"email": email, "phone_number": phone, "subscriptions": map[string]any{
		"email": map[string]any{"marketing": dated},
		"sms":   map[string]any{"marketing": dated, "transactional": dated},
	}})
	body["data"].(map[string]any)["attributes"].(map[string]any)["historical_import"] = true
	c.post(subscribePath, body).must(t, 202)

	after := c.lookup(`equals(email,"` + email + `")`)[0]
	for _, tt := range []struct {
		ch   []string
		want any
	}{
		{[]string{"email", "marketing"}, emailTS},
		{[]string{"sms", "marketing"}, smsTS},
		{[]string{"sms", "transactional"}, "2025-01-05T10:00:00.000000+00:00"}, // not subscribed before: the date asked
	} {
		got, updated := stamp(after, tt.ch...)
		if got != tt.want {
			t.Errorf("%v consent_timestamp = %v, want %v", tt.ch, got, tt.want)
		}
		if u, _ := updated.(string); !strings.HasPrefix(u, "2026-03-10T13:00:00") {
			t.Errorf("%v last_updated = %v, want the import's time", tt.ch, updated)
		}
	}
}

// Rule 11: a STOP reply and a carrier deactivation leave SMS consent
// UNSUBSCRIBED with their methods; the demo's people for them are seeded
// so; a number no profile has is an error.
func TestSMSOptOutMethods(t *testing.T) {
	ctx := context.Background()
	s, _ := openSeeded(t, Options{JobDelay: -1})
	c := inProcess(t, s)
	sms := func(phone string) (marketing, transactional map[string]any) {
		t.Helper()
		got := c.lookup(`equals(phone_number,"` + phone + `")`)
		if len(got) != 1 {
			t.Fatalf("%d profiles with %s", len(got), phone)
		}
		return dig(got[0], "attributes", "subscriptions", "sms", "marketing").(map[string]any),
			dig(got[0], "attributes", "subscriptions", "sms", "transactional").(map[string]any)
	}
	for _, tc := range []struct {
		phone                   string
		consent, method, detail any
	}{{"+12015550191", "UNSUBSCRIBED", "TEXT", "STOP"}, {"+12015550192", "UNSUBSCRIBED", "CARRIER_DEACTIVATION", ""}, {"+12015550193", "SUBSCRIBED", "TEXT", "JOIN"}} {
		if m, _ := sms(tc.phone); m["consent"] != tc.consent || m["method"] != tc.method || m["method_detail"] != tc.detail {
			t.Errorf("demo %s: %v, want %v %v %v", tc.phone, m, tc.consent, tc.method, tc.detail)
		}
	}
	c.post(subscribePath, subscribeBody("Y6nRLr", map[string]any{"phone_number": "+16175550131", "subscriptions": subs("SUBSCRIBED", "sms", "sms_transactional")})).must(t, 202)
	if err := s.ApplyDueJobs(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.OptOutSMS(ctx, "+16175550131", CarrierDeactivation); err != nil {
		t.Fatal(err)
	}
	m, tx := sms("+16175550131")
	if m["consent"] != "UNSUBSCRIBED" || m["method"] != "CARRIER_DEACTIVATION" || tx["consent"] != "UNSUBSCRIBED" || m["can_receive_sms_marketing"] != false {
		t.Errorf("after a carrier deactivation: marketing %v, transactional %v", m, tx)
	}
	if err := s.OptOutSMS(ctx, "+12015550100", ReplyStop); !errors.Is(err, ErrNoSuchNumber) {
		t.Errorf("a number no profile has: %v", err)
	}
}
