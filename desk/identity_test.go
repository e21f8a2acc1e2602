package desk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
)

var (
	emailAndSMS = []model.Channel{model.EmailMarketing, model.SMSMarketing}
	smsOnly     = []model.Channel{model.SMSMarketing}
)

// subscribeOK subscribes r through d and fails the test unless it is
// verified.
func subscribeOK(t *testing.T, d *Desk, r model.ConsentRequest) Outcome {
	t.Helper()
	out := d.Submit(context.Background(), journal.ActionSubscribe, checked(t, r), nil, SubmitOptions{})
	if out.Err != nil || out.State() != journal.StateVerified {
		t.Fatalf("subscribing %+v: %v (%s)", r, out.Err, out.State())
	}
	return out
}

// TestConflictRefusedUntilChosen: an email on profile A and a number on
// profile B are refused before anything is sent (no POST; the entry is
// journaled refused, with both profiles found and words that say where
// each consent would land); naming B is refused too; naming A sends as
// typed, and Klaviyo records the email consent on A and no SMS consent.
func TestConflictRefusedUntilChosen(t *testing.T) {
	ctx := context.Background()
	c, posts := sandboxClient(t, openSandbox(t, "", sandbox.Options{}))
	j := openTemp(t)
	d := desk(j, c)
	a := subscribeOK(t, d, model.ConsentRequest{Email: "ana@example.com", Channels: emailOnly})
	b := subscribeOK(t, d, model.ConsentRequest{Email: "ana.work@example.com", Phone: "+1 201 555 0140", Channels: emailAndSMS})
	aID, bID := a.Verification.ProfileID, b.Verification.ProfileID
	before := posts.Load()

	req := model.ConsentRequest{Email: "ana@example.com", Phone: "+1 201 555 0140", Channels: emailAndSMS}
	out := d.Submit(ctx, journal.ActionSubscribe, checked(t, req), nil, SubmitOptions{})
	var ce *ConflictError
	if !errors.As(out.Err, &ce) || out.Sent || posts.Load() != before {
		t.Fatalf("conflict not refused before sending: %v, %d POSTs", out.Err, posts.Load()-before)
	}
	if out.People == nil || out.People.ByEmail.ID != aID || out.People.ByPhone.ID != bID {
		t.Fatalf("people found = %+v, want email on %s and phone on %s", out.People, aID, bID)
	}
	for _, want := range []string{"email consent would land on " + aID, "SMS consent would land on neither: the number stays on " + bID} {
		if !strings.Contains(ce.Words, want) {
			t.Errorf("words %q lack %q", ce.Words, want)
		}
	}
	if e := byID(t, j, out.EntryID); e.State != journal.StateRefused || !strings.Contains(e.Result, "two different profiles") {
		t.Errorf("entry = %s %q, want refused with why", e.State, e.Result)
	}

	req.ChosenProfile = bID
	if out := d.Submit(ctx, journal.ActionSubscribe, checked(t, req), nil, SubmitOptions{}); !errors.As(out.Err, &ce) || !strings.Contains(out.Err.Error(), "cannot be chosen") {
		t.Fatalf("choosing the number's profile: %v", out.Err)
	}
	if posts.Load() != before {
		t.Fatal("a refused conflict was sent")
	}

	req.ChosenProfile = aID
	out = d.Submit(ctx, journal.ActionSubscribe, checked(t, req), nil, SubmitOptions{VerifyBound: 2 * time.Second})
	if !out.Sent || posts.Load() != before+1 {
		t.Fatalf("choosing the email's profile did not send: %v", out.Err)
	}
	got := map[model.Channel]client.Outcome{}
	for _, ch := range out.Verification.Channels {
		got[ch.Channel] = ch.Outcome
	}
	if got[model.EmailMarketing] != client.Verified || got[model.SMSMarketing] == client.Verified {
		t.Errorf("outcomes = %v: want email verified on A and SMS not recorded", got)
	}
	if e := byID(t, j, out.EntryID); e.Request.ChosenProfile != aID {
		t.Errorf("the choice is not journaled: %+v", e.Request)
	}
}

// TestSMSOptOutNeedsNewEvidence: a number that replied STOP, or that its
// carrier deactivated, is not given SMS consent again without new
// evidence (the wording's version and who collected it, or an evidence
// file); with it, it is, and the entry records what it lifted.
func TestSMSOptOutNeedsNewEvidence(t *testing.T) {
	for _, tc := range []struct {
		name string
		how  sandbox.SMSOptOut
		word string
	}{{"STOP", sandbox.ReplyStop, "replied STOP"}, {"carrier", sandbox.CarrierDeactivation, "carrier deactivation"}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			sb := openSandbox(t, "", sandbox.Options{})
			c, posts := sandboxClient(t, sb)
			j := openTemp(t)
			d := desk(j, c)
			phone := "+1 201 555 0141"
			subscribeOK(t, d, model.ConsentRequest{Phone: phone, Channels: smsOnly})
			if err := sb.OptOutSMS(ctx, "+12015550141", tc.how); err != nil {
				t.Fatal(err)
			}
			before := posts.Load()
			for _, weak := range []*model.Override{nil, {TextVersion: "v3"}, {CollectedBy: "Dana, phone call"}} {
				out := d.Submit(ctx, journal.ActionSubscribe, checked(t, model.ConsentRequest{Phone: phone, Channels: smsOnly, Override: weak}), nil, SubmitOptions{})
				var oe *OptOutError
				if !errors.As(out.Err, &oe) || oe.How != tc.word || out.State() != journal.StateRefused {
					t.Fatalf("with evidence %+v: %v (%s), want refused for %s", weak, out.Err, out.State(), tc.word)
				}
				if !strings.Contains(out.Err.Error(), model.OverrideNeeds) {
					t.Errorf("the refusal does not say what evidence lifts it: %v", out.Err)
				}
			}
			if posts.Load() != before {
				t.Fatal("an opt-out was overridden without new evidence")
			}
			evidence := &model.Override{TextVersion: "sms-2026-11", CollectedBy: "Dana, phone call"}
			out := subscribeOK(t, d, model.ConsentRequest{Phone: phone, Channels: smsOnly, Override: evidence})
			e := byID(t, j, out.EntryID)
			if o := e.Request.Override; o == nil || o.OptOut != tc.word || o.OptOutAt == "" || o.TextVersion != "sms-2026-11" {
				t.Errorf("journaled override = %+v, want the %s it lifted with its evidence", o, tc.word)
			}
		})
	}
}

// TestEvidenceFileLiftsAnOptOut: an evidence file's digest alone is new
// evidence; SMS transactional alone is not held back by a marketing STOP
// it did not have.
func TestEvidenceFileLiftsAnOptOut(t *testing.T) {
	ctx := context.Background()
	sb := openSandbox(t, "", sandbox.Options{})
	c, _ := sandboxClient(t, sb)
	d := desk(openTemp(t), c)
	phone := "+1 201 555 0142"
	subscribeOK(t, d, model.ConsentRequest{Phone: phone, Channels: smsOnly})
	if err := sb.OptOutSMS(ctx, "+12015550142", sandbox.ReplyStop); err != nil {
		t.Fatal(err)
	}
	subscribeOK(t, d, model.ConsentRequest{Phone: phone, Channels: []model.Channel{model.SMSTransactional}})
	out := subscribeOK(t, d, model.ConsentRequest{Phone: phone, Channels: smsOnly, Override: &model.Override{EvidenceSHA256: strings.Repeat("ab", 32), EvidenceName: "call.mp3"}})
	if !out.Request.Override.Lifts() {
		t.Errorf("override = %+v", out.Request.Override)
	}
}

// TestHardBounceIsSentAndExplained: a hard-bounced address is not refused
// (the consent is the person's), and the result says Klaviyo will not
// lift the suppression: ask for another address.
func TestHardBounceIsSentAndExplained(t *testing.T) {
	c, _ := sandboxClient(t, openSandbox(t, "", sandbox.Options{}))
	d := desk(openTemp(t), c)
	out := subscribeOK(t, d, model.ConsentRequest{Email: "ana.santiago@example.net", Channels: emailOnly})
	if w := out.Verification.Channels[0].ReceiveWarning(); !strings.Contains(w, "hard bounce") || !strings.Contains(w, "ask for another address") {
		t.Errorf("warning = %q", w)
	}
}

// TestDuplicateProfileIsRead: a 409 duplicate_profile answer names the
// profile that already has an identifier (meta.duplicate_profile_id): the
// outcome carries that profile, read back, and the entry is refused.
func TestDuplicateProfileIsRead(t *testing.T) {
	sb := openSandbox(t, "", sandbox.Options{})
	holder, _ := sandboxClient(t, sb)
	d0 := desk(journal.NewMemory(), holder)
	a := subscribeOK(t, d0, model.ConsentRequest{Email: "holder@example.com", Phone: "+1 201 555 0144", Channels: emailAndSMS})
	dup := a.Verification.ProfileID
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.Header().Set("Content-Type", "application/vnd.api+json")
			w.WriteHeader(http.StatusConflict)
			fmt.Fprintf(w, `{"errors":[{"id":"e","status":409,"code":"duplicate_profile","title":"Conflict.","detail":"A profile already exists with one of these identifiers.","source":{"pointer":"/data/attributes"},"links":{},"meta":{"duplicate_profile_id":%q}}]}`, dup)
			return
		}
		sb.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := client.New(client.Options{BaseURL: srv.URL, APIKey: "pk_journal_test", NoLimiter: true, Attempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	j := openTemp(t)
	out := desk(j, c).Submit(context.Background(), journal.ActionSubscribe, checked(t, model.ConsentRequest{Email: "new@example.com", Channels: emailOnly}), nil, SubmitOptions{})
	if client.DuplicateProfile(out.Err) != dup || out.Duplicate == nil || out.Duplicate.ID != dup || out.Duplicate.Email != "holder@example.com" {
		t.Fatalf("outcome: err %v, duplicate %+v; want profile %s", out.Err, out.Duplicate, dup)
	}
	if e := byID(t, j, out.EntryID); e.State != journal.StateRefused {
		t.Errorf("entry state %s, want refused", e.State)
	}
}

// TestGuardNamesEveryOptedOutChannel: a number whose carrier deactivated
// it is refused on each SMS channel asked that opted out (OptOutsIn has
// one per channel); a channel that did not opt out is not refused; with
// evidence, nothing is refused and the override names the first.
func TestGuardNamesEveryOptedOutChannel(t *testing.T) {
	ts := "2024-05-07T09:00:00+00:00"
	method := "CARRIER_DEACTIVATION"
	off := model.ConsentDetails{Consent: model.Unsubscribed, ConsentTimestamp: &ts, Method: &method}
	holder := client.Profile{ID: "01B", PhoneNumber: "+12015550192", Subscriptions: &model.Subscriptions{SMS: &model.SMSSubscriptions{
		Marketing: &model.SMSMarketingConsent{ConsentDetails: off}, Transactional: &model.SMSTransactionalConsent{ConsentDetails: off}}}}
	both := checked(t, model.ConsentRequest{Phone: "+1 201 555 0192", Channels: []model.Channel{model.SMSMarketing, model.SMSTransactional}})
	_, err := Guard(People{ByPhone: &holder}, both)
	outs := OptOutsIn(err)
	if len(outs) != 2 || outs[0].Channel != model.SMSMarketing || outs[1].Channel != model.SMSTransactional || outs[0].How != "carrier deactivation" {
		t.Fatalf("opt-outs = %+v (%v)", outs, err)
	}
	holder.Subscriptions.SMS.Transactional = nil // never subscribed: nothing to refuse there
	if outs := OptOutsIn(func() error { _, err := Guard(People{ByPhone: &holder}, both); return err }()); len(outs) != 1 || outs[0].Channel != model.SMSMarketing {
		t.Errorf("with transactional never given: %+v", outs)
	}
	both.Override = &model.Override{EvidenceSHA256: strings.Repeat("ab", 32)}
	req, err := Guard(People{ByPhone: &holder}, both)
	if err != nil || !req.Override.Lifts() || req.Override.OptOut != "carrier deactivation" {
		t.Errorf("with evidence: %v, override %+v", err, req.Override)
	}
}
