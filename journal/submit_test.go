package journal

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/client/sandbox"
	"github.com/consentdesk/consent/client/sandbox/sandboxtest"
	"github.com/consentdesk/consent/model"
)

var rules = model.PhoneRules{Policy: model.DefaultSMSPolicy()}

// sandboxClient serves a seeded sandbox over HTTP behind a POST counter.
func sandboxClient(t *testing.T, sb *sandbox.Sandbox) (*client.Client, *atomic.Int32) {
	t.Helper()
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts.Add(1)
		}
		sb.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := client.New(client.Options{BaseURL: srv.URL, APIKey: "pk_journal_test", NoLimiter: true, Attempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	return c, &posts
}

func openSandbox(t *testing.T, path string, opts sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	opts.Path = path
	return sandboxtest.Open(t, opts)
}

func checked(t *testing.T, r model.ConsentRequest) model.CheckedRequest {
	t.Helper()
	c, problems := r.Check(rules)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	return c
}

func TestSubmitRecordsBeforeAndAfter(t *testing.T) {
	ctx := context.Background()
	c, _ := sandboxClient(t, openSandbox(t, "", sandbox.Options{}))
	j := openTemp(t)
	req := checked(t, model.ConsentRequest{ListID: "Y6nRLr", Email: "submit@example.com", Channels: []model.Channel{model.EmailMarketing}})
	list, err := c.List(ctx, "Y6nRLr")
	if err != nil {
		t.Fatal(err)
	}
	out := Submit(ctx, j, c, "subscribe", req, &list, SubmitOptions{})
	if out.Err != nil || out.State() != StateVerified {
		t.Fatalf("outcome %+v", out)
	}
	entries, _ := j.Entries()
	if len(entries) != 1 || entries[0].State != StateVerified || entries[0].ID != out.EntryID {
		t.Errorf("entries = %+v", entries)
	}
}

// TestRetryAfterFailure: a subscribe answered 503 by a failing Klaviyo is
// recorded pending (a server error on a POST may have been received);
// retried against a healthy one, whose profile does not show it, it is sent
// again and verified, as a new entry linked to it, and the original is
// marked verified. A verified entry is not retried.
func TestRetryAfterFailure(t *testing.T) {
	ctx := context.Background()
	db := t.TempDir() + "/sb.db"
	failing, _ := sandboxClient(t, openSandbox(t, db, sandbox.Options{FailRate: 1}))
	j := openTemp(t)
	req := checked(t, model.ConsentRequest{Email: "retry@example.com", Phone: "+1 201 555 0101", Channels: []model.Channel{model.EmailMarketing, model.SMSMarketing}})
	out := Submit(ctx, j, failing, "subscribe", req, nil, SubmitOptions{})
	if out.Err == nil || out.State() != StatePending {
		t.Fatalf("against a failing Klaviyo: %+v", out)
	}
	entries, _ := j.Entries()
	healthy, posts := sandboxClient(t, openSandbox(t, db, sandbox.Options{}))
	retry, err := Retry(ctx, j, healthy, rules, entries[0])
	if err != nil || retry.State() != StateVerified || retry.EntryID == entries[0].ID {
		t.Fatalf("retry: %+v, %v", retry, err)
	}
	entries, _ = j.Entries()
	if len(entries) != 2 || entries[0].RetryOf != entries[1].ID || entries[1].State != StateVerified {
		t.Errorf("entries = %+v", entries)
	}
	if posts.Load() != 1 {
		t.Errorf("%d POSTs for one retry", posts.Load())
	}
	if _, err := Retry(ctx, j, healthy, rules, entries[1]); err == nil {
		t.Error("a verified entry was retried")
	}
}

// TestRetrySentOnlyReadsBack: an entry Klaviyo accepted (sent) is verified
// by reading the profile back, never by sending it again.
func TestRetrySentOnlyReadsBack(t *testing.T) {
	ctx := context.Background()
	c, posts := sandboxClient(t, openSandbox(t, "", sandbox.Options{}))
	j := openTemp(t)
	req := checked(t, model.ConsentRequest{Email: "sent@example.com", Channels: []model.Channel{model.EmailMarketing}})
	if _, err := c.Subscribe(ctx, req); err != nil {
		t.Fatal(err)
	}
	id, _ := j.Add(Entry{Action: "subscribe", Request: req.ConsentRequest})
	_ = j.Update(id, StateSent, "accepted by Klaviyo")
	entries, _ := j.Entries()
	before := posts.Load()
	out, err := Retry(ctx, j, c, rules, entries[0])
	if err != nil || out.State() != StateVerified || out.EntryID != id {
		t.Fatalf("retry: %+v %v", out, err)
	}
	if posts.Load() != before {
		t.Error("a sent entry was sent again")
	}
}

// TestRetryOfWhatKlaviyoAlreadyShowsSendsNothing: a pending entry whose
// request did reach Klaviyo (the program died before recording it) is read
// back once and marked verified; nothing is sent again.
func TestRetryOfWhatKlaviyoAlreadyShowsSendsNothing(t *testing.T) {
	ctx := context.Background()
	c, posts := sandboxClient(t, openSandbox(t, "", sandbox.Options{JobDelay: time.Millisecond}))
	j := openTemp(t)
	req := checked(t, model.ConsentRequest{Email: "arrived@example.com", Channels: []model.Channel{model.EmailMarketing}})
	sub, err := c.Subscribe(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := c.Verify(ctx, sub, client.VerifyOptions{}); err != nil || !v.AllVerified() {
		t.Fatalf("the subscribe did not land: %+v %v", v, err)
	}
	id, _ := j.Add(Entry{Action: "subscribe", Request: req.ConsentRequest}) // left pending
	entries, _ := j.Entries()
	before := posts.Load()
	out, err := Retry(ctx, j, c, rules, entries[0])
	if err != nil || out.State() != StateVerified || out.EntryID != id || out.Verification.Polls != 1 {
		t.Fatalf("retry: %+v %v", out, err)
	}
	if posts.Load() != before {
		t.Errorf("%d POSTs: what Klaviyo already showed was sent again", posts.Load()-before)
	}
	entries, _ = j.Entries()
	if len(entries) != 1 || entries[0].State != StateVerified || !strings.HasPrefix(entries[0].Result, "Klaviyo already showed it") {
		t.Errorf("entries = %+v", entries)
	}
}

// TestRetryNotSentWhenTheProfileCannotBeRead: without the read-back there
// is no knowing whether a pending entry arrived, so nothing is sent.
func TestRetryNotSentWhenTheProfileCannotBeRead(t *testing.T) {
	c, posts := sandboxClient(t, openSandbox(t, "", sandbox.Options{FailRate: 1}))
	j := openTemp(t)
	_, _ = j.Add(Entry{Action: "subscribe", Request: model.ConsentRequest{Email: "unknown@example.com", Channels: []model.Channel{model.EmailMarketing}}})
	entries, _ := j.Entries()
	_, err := Retry(context.Background(), j, c, rules, entries[0])
	if err == nil || !strings.Contains(err.Error(), "could not check whether Klaviyo already has it") || posts.Load() != 0 {
		t.Errorf("err = %v, %d POSTs", err, posts.Load())
	}
	if after, _ := j.Entries(); len(after) != 1 || after[0].State != StatePending {
		t.Errorf("entries = %+v", after)
	}
}

func TestRetryRefusesWhatNoLongerPasses(t *testing.T) {
	j := openTemp(t)
	id, _ := j.Add(Entry{Action: "subscribe", Request: model.ConsentRequest{Phone: "+38631234567", Channels: []model.Channel{model.SMSMarketing}}})
	entries, _ := j.Entries()
	_, err := Retry(context.Background(), j, nil, rules, entries[0])
	if err == nil || entries[0].ID != id {
		t.Errorf("err = %v", err)
	}
}
