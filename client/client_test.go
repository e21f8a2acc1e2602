package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consentdesk/consent/model"
)

const testKey = "pk_test_0123456789abcdefghijklmnopqrst"

// fakeKlaviyo answers each request with the next scripted reply and records
// what it was sent.
type fakeKlaviyo struct {
	mu       sync.Mutex
	replies  []reply
	requests []*http.Request
	bodies   []string
}

type reply struct {
	status int
	header map[string]string
	body   string
}

func (f *fakeKlaviyo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.requests = append(f.requests, r)
	f.bodies = append(f.bodies, string(body))
	rep := reply{status: 200, body: `{"data":[],"links":{"next":null}}`}
	if len(f.replies) > 0 {
		rep, f.replies = f.replies[0], f.replies[1:]
	}
	f.mu.Unlock()
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	if rep.status != 0 {
		w.WriteHeader(rep.status)
	}
	io.WriteString(w, rep.body)
}

func (f *fakeKlaviyo) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.requests)
}

// testClient returns a client on a fake server whose sleeps are recorded,
// not slept.
func testClient(t *testing.T, replies ...reply) (*Client, *fakeKlaviyo, *[]Wait) {
	t.Helper()
	fake := &fakeKlaviyo{replies: replies}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	var waits []Wait
	c, err := New(Options{BaseURL: srv.URL, APIKey: testKey, NoLimiter: true,
		Sleep:  func(ctx context.Context, d time.Duration) error { return ctx.Err() },
		OnWait: func(w Wait) { waits = append(waits, w) }})
	if err != nil {
		t.Fatal(err)
	}
	return c, fake, &waits
}

func TestRequestHeadersAndFilterEncoding(t *testing.T) {
	c, fake, _ := testClient(t)
	if _, err := c.LookupPhone(context.Background(), "+15005550006"); err != nil {
		t.Fatal(err)
	}
	r := fake.requests[0]
	for h, want := range map[string]string{
		"Authorization": "Klaviyo-API-Key " + testKey,
		"Revision":      "2026-07-15",
		"Accept":        "application/vnd.api+json",
	} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if !strings.Contains(r.URL.RawQuery, "filter=equals%28phone_number%2C%22%2B15005550006%22%29") {
		t.Errorf("query %q does not carry the + as %%2B", r.URL.RawQuery)
	}
	if got := r.URL.Query().Get("filter"); got != `equals(phone_number,"+15005550006")` {
		t.Errorf("filter decodes to %q", got)
	}
	if got := r.URL.Query().Get("additional-fields[profile]"); got != "subscriptions" {
		t.Errorf("additional-fields = %q", got)
	}
}

func TestSubscribeBody(t *testing.T) {
	c, fake, _ := testClient(t, reply{status: 202, header: map[string]string{"X-Klaviyo-Partial-Failure": "phone_number"}})
	req, problems := model.ConsentRequest{ListID: "Y6nRLr", Email: "Sarah@Example.com", Phone: "+1 201 555 0123",
		Channels: []model.Channel{model.EmailMarketing, model.SMSMarketing, model.SMSTransactional}, Source: "Support desk"}.
		Check(model.PhoneRules{Policy: model.DefaultSMSPolicy()})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	sub, err := c.Subscribe(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if sub.PartialFailure != "phone_number" || sub.Want != model.Subscribed {
		t.Errorf("submission = %+v", sub)
	}
	want := `{"data":{"type":"profile-subscription-bulk-create-job","attributes":{"custom_source":"Support desk","profiles":{"data":[{"type":"profile","attributes":{"email":"Sarah@example.com","phone_number":"+12015550123","subscriptions":{"email":{"marketing":{"consent":"SUBSCRIBED"}},"sms":{"marketing":{"consent":"SUBSCRIBED"},"transactional":{"consent":"SUBSCRIBED"}}}}}]}},"relationships":{"list":{"data":{"type":"list","id":"Y6nRLr"}}}}}`
	if fake.bodies[0] != want {
		t.Errorf("body\n got %s\nwant %s", fake.bodies[0], want)
	}
	r := fake.requests[0]
	if r.Method != http.MethodPost || r.URL.Path != "/api/profile-subscription-bulk-create-jobs" || r.Header.Get("Content-Type") != "application/vnd.api+json" {
		t.Errorf("request %s %s %s", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
	}
}

func TestUnsubscribeBody(t *testing.T) {
	c, fake, _ := testClient(t, reply{status: 202})
	req, _ := model.ConsentRequest{Email: "x@example.com", Channels: []model.Channel{model.EmailMarketing}, Source: "ignored"}.
		Check(model.PhoneRules{Policy: model.DefaultSMSPolicy()})
	if _, err := c.Unsubscribe(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	want := `{"data":{"type":"profile-subscription-bulk-delete-job","attributes":{"profiles":{"data":[{"type":"profile","attributes":{"email":"x@example.com","subscriptions":{"email":{"marketing":{"consent":"UNSUBSCRIBED"}}}}}]}}}}`
	if fake.bodies[0] != want {
		t.Errorf("body\n got %s\nwant %s", fake.bodies[0], want)
	}
}

func TestRetries(t *testing.T) {
	throttled := reply{status: 429, header: map[string]string{"Retry-After": "3"},
		body: `{"errors":[{"id":"x","status":429,"code":"throttled","title":"Request was throttled.","detail":"Request was throttled. Expected available in 3 seconds."}]}`}
	unavailable := reply{status: 503, body: `{"errors":[{"id":"x","status":503,"code":"error","title":"Service unavailable.","detail":"Try again."}]}`}
	ok := reply{status: 200, body: `{"data":[],"links":{"next":null}}`}
	accepted := reply{status: 202}
	tests := []struct {
		name     string
		replies  []reply
		post     bool
		wantErr  string
		requests int
		waits    []string // reason:duration
	}{
		{name: "GET: 429 honours Retry-After", replies: []reply{throttled, ok}, requests: 2, waits: []string{"throttled:3s"}},
		{name: "POST: 429 is retried, Klaviyo did not process it", replies: []reply{throttled, accepted}, post: true, requests: 2, waits: []string{"throttled:3s"}},
		{name: "GET: 5xx retried with backoff", replies: []reply{unavailable, unavailable, ok}, requests: 3, waits: []string{"retry:1s", "retry:2s"}},
		{name: "GET: gives up after 4 attempts", replies: []reply{unavailable, unavailable, unavailable, unavailable, ok}, requests: 4,
			wantErr: "Klaviyo answered 503 Service Unavailable to GET /api/profiles: Try again.", waits: []string{"retry:1s", "retry:2s", "retry:4s"}},
		{name: "POST: 5xx never resent", replies: []reply{unavailable, accepted}, post: true, requests: 1, wantErr: "503"},
		{name: "GET: 400 not retried", replies: []reply{{status: 400, body: `{"errors":[{"id":"x","status":400,"code":"invalid","title":"Invalid input.","detail":"Invalid filter.","source":{"parameter":"filter"}}]}`}},
			requests: 1, wantErr: "Klaviyo answered 400 Bad Request to GET /api/profiles: Invalid filter. (at filter)"},
		{name: "429 longer than the cap is not waited for", replies: []reply{{status: 429, header: map[string]string{"Retry-After": "3600"}}}, requests: 1, wantErr: "try again later"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, fake, waits := testClient(t, tt.replies...)
			var err error
			if tt.post {
				req, _ := model.ConsentRequest{Email: "x@example.com", Channels: []model.Channel{model.EmailMarketing}}.Check(model.PhoneRules{})
				_, err = c.Subscribe(context.Background(), req)
			} else {
				_, err = c.LookupEmail(context.Background(), "x@example.com")
			}
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
			if got := fake.count(); got != tt.requests {
				t.Errorf("server saw %d requests, want %d", got, tt.requests)
			}
			var got []string
			for _, w := range *waits {
				got = append(got, fmt.Sprintf("%s:%s", w.Reason, w.Duration))
			}
			if strings.Join(got, ",") != strings.Join(tt.waits, ",") {
				t.Errorf("waits = %v, want %v", got, tt.waits)
			}
		})
	}
}

func TestNetworkFailures(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close() // nothing listens there now
	attempts := 0
	c, err := New(Options{BaseURL: base, APIKey: testKey, NoLimiter: true,
		Sleep: func(ctx context.Context, d time.Duration) error { attempts++; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Lists(context.Background())
	if err == nil || !strings.Contains(err.Error(), "could not reach Klaviyo") || attempts != 3 {
		t.Errorf("GET: err %v after %d retries, want 3 retries", err, attempts)
	}
	attempts = 0
	req, _ := model.ConsentRequest{Email: "x@example.com", Channels: []model.Channel{model.EmailMarketing}}.Check(model.PhoneRules{})
	_, err = c.Subscribe(context.Background(), req)
	if err == nil || !strings.Contains(err.Error(), "may or may not have been received") || attempts != 0 {
		t.Errorf("POST: err %v after %d retries, want none", err, attempts)
	}
	for _, e := range []error{err} {
		if strings.Contains(e.Error(), testKey) {
			t.Error("error carries the key")
		}
	}
}

func TestErrorBodies(t *testing.T) {
	tests := []struct {
		name  string
		reply reply
		want  string
	}{
		{"JSON:API detail verbatim", reply{status: 400, body: `{"errors":[{"id":"1","status":400,"code":"invalid","title":"Invalid input.","detail":"Invalid phone number format (Example of a valid format: +12345678901)","source":{"pointer":"/data/attributes/phone_number"}}]}`},
			"Klaviyo answered 400 Bad Request to GET /api/profiles: Invalid phone number format (Example of a valid format: +12345678901) (at /data/attributes/phone_number)"},
		{"HTML challenge page", reply{status: 403, header: map[string]string{"Content-Type": "text/html"}, body: "<html><head><title>Just a moment...</title></head><body><h1>Checking your browser</h1></body></html>"},
			"Klaviyo answered 403 Forbidden to GET /api/profiles: Just a moment... Checking your browser"},
		{"empty body", reply{status: 401}, "Klaviyo answered 401 Unauthorized to GET /api/profiles: no details given"},
		{"escape sequences stripped", reply{status: 400, body: "{\"errors\":[{\"id\":\"1\",\"status\":400,\"code\":\"invalid\",\"title\":\"t\",\"detail\":\"bad\\u001b]52;c;aGk=\\u0007 input\\u001b[2J\"}]}"},
			"GET /api/profiles: bad input"},
		{"several errors", reply{status: 400, body: `{"errors":[{"id":"1","status":400,"code":"invalid","title":"Invalid input.","detail":"one"},{"id":"2","status":400,"code":"invalid","title":"Invalid input.","detail":"two"}]}`},
			": one (and 1 more)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, _ := testClient(t, tt.reply)
			_, err := c.LookupEmail(context.Background(), "x@example.com")
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want *APIError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want %q", err, tt.want)
			}
			if strings.ContainsAny(err.Error(), "\x1b\a") {
				t.Errorf("error carries control characters: %q", err)
			}
		})
	}
}

func TestPagingFollowsNextAndStaysOnHost(t *testing.T) {
	var srvURL string
	fake := &fakeKlaviyo{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	srvURL = srv.URL
	fake.replies = []reply{
		{body: `{"data":[{"type":"list","id":"A1","attributes":{"name":"One","opt_in_process":"single_opt_in"}}],"links":{"next":"` + srvURL + `/api/lists/?page%5Bcursor%5D=abc"}}`},
		{body: `{"data":[{"type":"list","id":"B2","attributes":{"name":"Two","opt_in_process":"double_opt_in"}}],"links":{"next":"https://evil.example/api/lists/?page%5Bcursor%5D=def"}}`},
	}
	c, err := New(Options{BaseURL: srvURL, APIKey: testKey, NoLimiter: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Lists(context.Background())
	if err == nil || !strings.Contains(err.Error(), "not followed, so the API key stays with Klaviyo") {
		t.Fatalf("err = %v, want the foreign link refused", err)
	}
	if fake.count() != 2 || fake.requests[1].URL.Query().Get("page[cursor]") != "abc" {
		t.Errorf("requests: %d, second cursor %q", fake.count(), fake.requests[1].URL.Query().Get("page[cursor]"))
	}
}

func TestKeyNeverShown(t *testing.T) {
	c, err := New(Options{APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	if s := c.String(); strings.Contains(s, testKey) || !strings.Contains(s, "pk_…qrst") {
		t.Errorf("String() = %q", s)
	}
	for _, bad := range []string{"", "sk_0123456789", "pk_ab", " pk_0123456789", "pk_01234\n56789"} {
		_, err := New(Options{APIKey: bad})
		if err == nil {
			t.Errorf("key %q accepted", bad)
			continue
		}
		if bad != "" && strings.Contains(err.Error(), strings.TrimSpace(bad)) {
			t.Errorf("error quotes the key: %v", err)
		}
	}
	if _, err := New(Options{APIKey: testKey, BaseURL: "ftp://x"}); err == nil {
		t.Error("ftp base URL accepted")
	}
}

func TestBodySizeLimit(t *testing.T) {
	fake := &fakeKlaviyo{replies: []reply{{body: strings.Repeat("x", 2048)}}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	c, _ := New(Options{BaseURL: srv.URL, APIKey: testKey, NoLimiter: true, MaxBody: 1024})
	if _, err := c.Lists(context.Background()); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("err = %v", err)
	}
}

func TestNotJSON(t *testing.T) {
	c, _, _ := testClient(t, reply{status: 200, body: `{"data":[{"type":"profile"`})
	if _, err := c.LookupEmail(context.Background(), "x@example.com"); err == nil || !strings.Contains(err.Error(), "not the JSON expected") {
		t.Errorf("truncated JSON: err = %v", err)
	}
	c, _, _ = testClient(t, reply{status: 200, body: `{"data":[{"type":"list","id":5}]}`})
	if _, err := c.LookupEmail(context.Background(), "x@example.com"); err == nil {
		t.Error("a profile with a numeric id was accepted")
	}
}

func TestRateLimitHeadersExposed(t *testing.T) {
	c, _, _ := testClient(t, reply{status: 200, header: map[string]string{"RateLimit-Limit": "750", "RateLimit-Remaining": "749", "RateLimit-Reset": "42"}, body: `{"data":[]}`})
	if _, err := c.LookupEmail(context.Background(), "x@example.com"); err != nil {
		t.Fatal(err)
	}
	rl := c.LastRateLimit()
	if rl.Limit != 750 || rl.Remaining != 749 || rl.Reset != 42*time.Second {
		t.Errorf("rate limit = %+v", rl)
	}
}

func TestListOptInName(t *testing.T) {
	for process, want := range map[string]string{
		"double_opt_in": "double opt-in",
		"single_opt_in": "single opt-in",
		"triple\x1b[2J": "triple",
		"":              "",
	} {
		if got := (List{OptInProcess: process}).OptInName(); got != want {
			t.Errorf("OptInName of %q = %q, want %q", process, got, want)
		}
	}
}

// TestKeyEchoedByAnswersIsMasked: an answer that repeats the key (a proxy
// echoing the Authorization header) never carries it further, whatever
// becomes of the answer: an API error, an HTML page cut to an excerpt (the
// key across the cut), a resource that does not decode, or a profile whose
// raw JSON is printed by --json.
func TestKeyEchoedByAnswersIsMasked(t *testing.T) {
	pad := strings.Repeat("x", maxErrorExcerpt-20) // the cut falls 19 characters into the key
	tests := []struct {
		name  string
		reply reply
	}{
		{"JSON:API error", reply{status: 400, body: `{"errors":[{"status":400,"code":"invalid","title":"Bad key ` + testKey + `","detail":"you sent ` + testKey + `","source":{"pointer":"/` + testKey + `"}}]}`}},
		{"HTML page, key across the excerpt's cut", reply{status: 403, body: "<html><body>" + pad + " " + testKey + "</body></html>"}},
		{"resource that does not decode", reply{status: 200, body: `{"data":[{"type":"profile","note":"` + testKey + `"}]}`}},
		{"profile echoing the key", reply{status: 200, body: `{"data":[{"type":"profile","id":"01ABC","attributes":{"email":"x@example.com","properties":{"seen":"` + testKey + `"}}}]}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, _ := testClient(t, tt.reply)
			profiles, err := c.LookupEmail(context.Background(), "x@example.com")
			var got strings.Builder
			if err != nil {
				got.WriteString(err.Error())
				got.WriteString(fmt.Sprintf("%+v", err))
			}
			for _, p := range profiles {
				got.Write(p.Raw)
				got.WriteString(fmt.Sprintf("%+v", p))
			}
			if got.Len() == 0 {
				t.Fatal("nothing came back to check")
			}
			if strings.Contains(got.String(), testKey[:12]) {
				t.Errorf("the key (or its first 12 characters) came through:\n%s", got.String())
			}
		})
	}
}
