package client_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/internal/apispec"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

// newSandbox opens a seeded sandbox with jobs applied at once.
func newSandbox(t *testing.T, opts sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	return sandboxtest.Open(t, opts)
}

// specClient is a client on a sandbox served over real HTTP, with every
// request and response validated against Klaviyo's OpenAPI spec.
func specClient(t *testing.T, sb *sandbox.Sandbox) (*client.Client, *apispec.Validator, string) {
	t.Helper()
	spec, err := apispec.New()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	c, err := client.New(client.Options{BaseURL: srv.URL, APIKey: "pk_contract_test_key", Transport: spec.Transport(t, http.DefaultTransport)})
	if err != nil {
		t.Fatal(err)
	}
	return c, spec, srv.URL
}

var rules = model.PhoneRules{Policy: model.DefaultSMSPolicy()}

func checked(t *testing.T, r model.ConsentRequest) model.CheckedRequest {
	t.Helper()
	c, problems := r.Check(rules)
	if len(problems) > 0 {
		t.Fatalf("request refused: %v", problems)
	}
	return c
}

// TestContractClientAndSandbox drives every operation the client has against
// the sandbox; the validating transport fails the test on any request or
// response that does not match Klaviyo's spec.
func TestContractClientAndSandbox(t *testing.T) {
	ctx := context.Background()
	sb := newSandbox(t, sandbox.Options{})
	c, _, _ := specClient(t, sb)

	lists, err := c.Lists(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(lists) <= 10 {
		t.Fatalf("got %d lists: paging past Klaviyo's 10 a page is not exercised", len(lists))
	}
	seen := map[string]bool{}
	var single, double client.List
	for _, l := range lists {
		if seen[l.ID] {
			t.Errorf("list %s twice across pages", l.ID)
		}
		seen[l.ID] = true
		switch {
		case l.OptInProcess == "single_opt_in" && single.ID == "":
			single = l
		case l.OptInProcess == "double_opt_in" && double.ID == "":
			double = l
		}
	}
	one, err := c.List(ctx, single.ID)
	if err != nil || one.Name != single.Name {
		t.Fatalf("List(%s) = %+v, %v", single.ID, one, err)
	}

	// Members, page by page to the end.
	total := 0
	q := client.MembersQuery{PageSize: 25}
	ids := map[string]bool{}
	for {
		page, err := c.Members(ctx, single.ID, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page.Profiles {
			if ids[p.ID] {
				t.Errorf("member %s twice", p.ID)
			}
			ids[p.ID] = true
			if p.JoinedGroupAt == "" || p.Subscriptions == nil {
				t.Errorf("member %s lacks joined_group_at or subscriptions", p.ID)
			}
		}
		total += len(page.Profiles)
		if page.Next == "" {
			break
		}
		q = client.MembersQuery{Next: page.Next}
	}
	if total < 25 {
		t.Errorf("only %d members on %s: paging not exercised", total, single.Name)
	}

	// Subscribe, verify, look up every way.
	req := checked(t, model.ConsentRequest{ListID: single.ID, Email: "contract@example.com", Phone: "+1 201 555 0188",
		Channels: []model.Channel{model.EmailMarketing, model.SMSMarketing, model.SMSTransactional}, Source: "contract test"})
	sub, err := c.Subscribe(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.Verify(ctx, sub, client.VerifyOptions{Timeout: 5 * time.Second})
	if err != nil || !v.AllVerified() {
		t.Fatalf("verify: %+v, %v", v, err)
	}
	for _, ch := range v.Channels {
		if ch.ConsentTimestamp == "" {
			t.Errorf("%s verified without a consent timestamp", ch.Channel)
		}
	}
	byPhone, err := c.LookupPhone(ctx, "+12015550188")
	if err != nil || len(byPhone) != 1 || byPhone[0].ID != v.ProfileID {
		t.Fatalf("LookupPhone = %+v, %v", byPhone, err)
	}
	p, err := c.Profile(ctx, v.ProfileID)
	if err != nil || p.Email != "contract@example.com" {
		t.Fatalf("Profile = %+v, %v", p, err)
	}
	if got := p.Subscriptions.Channel(model.EmailMarketing); got.CustomDetail != "contract test" {
		t.Errorf("custom_method_detail = %q, want the source", got.CustomDetail)
	}
	onLists, err := c.ProfileLists(ctx, v.ProfileID)
	if err != nil || len(onLists) != 1 || onLists[0].ID != single.ID {
		t.Errorf("ProfileLists = %+v, %v", onLists, err)
	}
	filtered, err := c.Members(ctx, single.ID, client.MembersQuery{Phone: "+12015550188"})
	if err != nil || len(filtered.Profiles) != 1 {
		t.Errorf("members filtered by phone = %+v, %v", filtered, err)
	}

	// Double opt-in leaves email pending.
	doi := checked(t, model.ConsentRequest{ListID: double.ID, Email: "doi-contract@example.com", Channels: []model.Channel{model.EmailMarketing}})
	sub, err = c.Subscribe(ctx, doi)
	if err != nil {
		t.Fatal(err)
	}
	v, err = c.Verify(ctx, sub, client.VerifyOptions{Timeout: 5 * time.Second, DoubleOptIn: true})
	if err != nil || len(v.Channels) != 1 || v.Channels[0].Outcome != client.PendingDoubleOptIn {
		t.Errorf("double opt-in: %+v, %v", v, err)
	}

	// Unsubscribe.
	un := checked(t, model.ConsentRequest{Email: "contract@example.com", Phone: "+12015550188", Channels: []model.Channel{model.EmailMarketing, model.SMSMarketing}})
	sub, err = c.Unsubscribe(ctx, un)
	if err != nil {
		t.Fatal(err)
	}
	v, err = c.Verify(ctx, sub, client.VerifyOptions{Timeout: 5 * time.Second})
	if err != nil || !v.AllVerified() || v.Channels[0].Consent != model.Unsubscribed {
		t.Errorf("unsubscribe: %+v, %v", v, err)
	}
}

// TestContractSMSRule shows Klaviyo's SMS rules end to end: SMS consent
// for a Slovenian number is a 400 whose detail the client keeps verbatim,
// with an email or without, and nothing is applied; a malformed number
// beside a valid email is ignored with X-Klaviyo-Partial-Failure, and the
// email applies.
func TestContractSMSRule(t *testing.T) {
	ctx := context.Background()
	sb := newSandbox(t, sandbox.Options{})
	c, _, _ := specClient(t, sb)
	si := rules.Analyze("+386 31 234 567")
	for _, email := range []string{"si@example.com", ""} {
		req := model.CheckedRequest{ConsentRequest: model.ConsentRequest{Email: email, Phone: si.E164, Channels: []model.Channel{model.SMSMarketing}}}
		if email != "" {
			req.Channels = append(req.Channels, model.EmailMarketing)
		}
		_, err := c.Subscribe(ctx, req)
		var ae *client.APIError
		if !asAPIError(err, &ae) || ae.Status != 400 || !strings.Contains(ae.Detail, "Slovenia") || !strings.HasSuffix(ae.Pointer, "/phone_number") {
			t.Errorf("Slovenian SMS with email %q: %v", email, err)
		}
	}
	if got, err := c.LookupEmail(ctx, "si@example.com"); err != nil || len(got) != 0 {
		t.Errorf("a refused job changed a profile: %v %v", got, err)
	}

	malformed := rules.Analyze("+1 415 555 019")
	withEmail := model.CheckedRequest{ConsentRequest: model.ConsentRequest{Email: "malformed@example.com", Phone: "+1415555019",
		Channels: []model.Channel{model.EmailMarketing, model.SMSMarketing}}, PhoneAnalysis: &malformed}
	sub, err := c.Subscribe(ctx, withEmail)
	if err != nil {
		t.Fatal(err)
	}
	if sub.PartialFailure != "phone_number" {
		t.Errorf("X-Klaviyo-Partial-Failure = %q", sub.PartialFailure)
	}
	v, err := c.Verify(ctx, sub, client.VerifyOptions{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if v.Channels[0].Outcome != client.Verified || v.Channels[1].Outcome != client.PartialFailure ||
		!strings.Contains(v.Channels[1].Detail, "ignored the phone number") {
		t.Errorf("verification = %+v", v)
	}
}

// TestContractErrorResponses validates the sandbox's error answers against
// the spec, for requests a broken client might send.
func TestContractErrorResponses(t *testing.T) {
	sb := newSandbox(t, sandbox.Options{})
	spec, err := apispec.New()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	defer srv.Close()
	tests := []struct {
		name, method, path, auth, body string
		status                         int
	}{
		{"no key", "GET", "/api/lists", "", "", 401},
		{"bearer", "GET", "/api/lists", "Bearer x", "", 401},
		{"unknown list", "GET", "/api/lists/NOPE42", "Klaviyo-API-Key pk_x_contract", "", 404},
		{"unknown profile", "GET", "/api/profiles/01ZZZZZZZZZZZZZZZZZZZZZZZZ", "Klaviyo-API-Key pk_x_contract", "", 404},
		{"page too big", "GET", "/api/profiles?page%5Bsize%5D=101", "Klaviyo-API-Key pk_x_contract", "", 400},
		{"bad filter", "GET", "/api/profiles?filter=greater-than(email,1)", "Klaviyo-API-Key pk_x_contract", "", 400},
		{"malformed JSON", "POST", "/api/profile-subscription-bulk-create-jobs", "Klaviyo-API-Key pk_x_contract", "{", 400},
		{"wrong consent", "POST", "/api/profile-subscription-bulk-create-jobs", "Klaviyo-API-Key pk_x_contract",
			`{"data":{"type":"profile-subscription-bulk-create-job","attributes":{"profiles":{"data":[{"type":"profile","attributes":{"email":"a@example.com","subscriptions":{"email":{"marketing":{"consent":"YES"}}}}}]}}}}`, 400},
		{"invalid email", "POST", "/api/profile-subscription-bulk-create-jobs", "Klaviyo-API-Key pk_x_contract",
			`{"data":{"type":"profile-subscription-bulk-create-job","attributes":{"profiles":{"data":[{"type":"profile","attributes":{"email":"a@b","subscriptions":{"email":{"marketing":{"consent":"SUBSCRIBED"}}}}}]}}}}`, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			req.Header.Set("revision", client.Revision)
			req.Header.Set("Accept", "application/vnd.api+json")
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/vnd.api+json")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if err := spec.ValidateResponse(req, []byte(tt.body), resp.StatusCode, resp.Header, body); err != nil {
				t.Errorf("response does not match the spec: %v\n%s", err, body)
			}
		})
	}
}

func asAPIError(err error, target **client.APIError) bool { return errors.As(err, target) }

// TestContractHistoricalImport sends back-dated consent (a historical
// import) through the validating transport: a new person's channels are
// recorded with the date asked, on a double-opt-in list at once; a person
// already subscribed keeps the earlier date (sandbox rule 10), and the
// result says so; a bulk job of back-dated profiles validates too.
func TestContractHistoricalImport(t *testing.T) {
	ctx := context.Background()
	sb := newSandbox(t, sandbox.Options{})
	c, _, _ := specClient(t, sb)
	double, err := c.List(ctx, "NFjKbW") // the demo's VIP Early Access
	if err != nil || !double.DoubleOptIn() {
		t.Fatalf("the double-opt-in demo list: %+v, %v", double, err)
	}
	asked := time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)
	offline := func(at time.Time) *model.OfflineConsent {
		return &model.OfflineConsent{ConsentedAt: at, CollectedBy: "Booth, Spring Fair", TextVersion: "fair-2026"}
	}
	req := checked(t, model.ConsentRequest{ListID: double.ID, Email: "paper@example.com", Phone: "+1 201 555 0177",
		Channels: []model.Channel{model.EmailMarketing, model.SMSMarketing, model.SMSTransactional}, Offline: offline(asked)})
	sub, err := c.Subscribe(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.Verify(ctx, sub, client.VerifyOptions{Timeout: 5 * time.Second, DoubleOptIn: true})
	if err != nil || !v.AllVerified() {
		t.Fatalf("a historical import on a double-opt-in list: %+v, %v", v, err)
	}
	for _, ch := range v.Channels {
		if ch.BackDate != client.BackDateAsAsked || ch.Already || !strings.HasSuffix(ch.Detail, ", as asked") {
			t.Errorf("%s: back date %q, already %v, detail %q", ch.Channel, ch.BackDate, ch.Already, ch.Detail)
		}
	}

	// Entered again, later: the earlier consent and its date stay.
	again := checked(t, model.ConsentRequest{Email: "paper@example.com", Channels: []model.Channel{model.EmailMarketing}, Offline: offline(asked.AddDate(0, 0, 2))})
	sub, err = c.Subscribe(ctx, again)
	if err != nil {
		t.Fatal(err)
	}
	v, err = c.Verify(ctx, sub, client.VerifyOptions{Timeout: 5 * time.Second})
	if err != nil || len(v.Channels) != 1 {
		t.Fatalf("%+v, %v", v, err)
	}
	if got := v.Channels[0]; got.Outcome != client.Verified || got.BackDate != client.BackDateKeptEarlier || got.Already ||
		!strings.Contains(got.Detail, "the person was already subscribed") || got.AskedConsentedAt != "2026-03-16T09:30:00Z" {
		t.Errorf("kept earlier: %+v", got)
	}

	var many []model.CheckedRequest
	for i, email := range []string{"sheet1@example.com", "sheet2@example.com"} {
		many = append(many, checked(t, model.ConsentRequest{Email: email, Channels: []model.Channel{model.EmailMarketing}, Offline: offline(asked.AddDate(0, -i, 0))}))
	}
	if err := c.SubscribeMany(ctx, many, double.ID, "import"); err != nil {
		t.Fatal(err)
	}
}
