package desk

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

var rules = model.PhoneRules{Policy: model.DefaultSMSPolicy()}

// here is the origin the tests' desks send to.
var here = journal.Origin{Backend: "SANDBOX"}

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

// postCounter counts the POSTs a transport carries.
type postCounter struct {
	next  http.RoundTripper
	posts atomic.Int32
}

func (p *postCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost {
		p.posts.Add(1)
	}
	return p.next.RoundTrip(r)
}

// inProcessClient is sandboxClient on the sandbox's in-process transport:
// no connections, so it works in a synctest bubble, where the client's
// read-back waits and the sandbox's job delays run on the fake clock.
func inProcessClient(t *testing.T, sb *sandbox.Sandbox) (*client.Client, *atomic.Int32) {
	t.Helper()
	tr := &postCounter{next: sb.Transport()}
	c, err := client.New(client.Options{BaseURL: "http://sandbox.invalid", APIKey: "pk_journal_test", Transport: tr, NoLimiter: true, Attempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	return c, &tr.posts
}

// openTemp is a new journal file in the test's temporary directory.
func openTemp(t *testing.T) *journal.File {
	t.Helper()
	j, err := journal.Open(filepath.Join(t.TempDir(), "state", "journal.jsonl"), journal.Meta{Agent: "dana"})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func openSandbox(t *testing.T, path string, opts sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	opts.Path = path
	return sandboxtest.Open(t, opts)
}

// desk is a desk on store and c, sending to here.
func desk(store journal.Store, c *client.Client) *Desk {
	return &Desk{Store: store, Client: c, Rules: rules, Origin: here, Agent: "dana"}
}

func checked(t *testing.T, r model.ConsentRequest) model.CheckedRequest {
	t.Helper()
	c, problems := r.Check(rules)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	return c
}

// entries reads store, failing the test on an error.
func entries(t *testing.T, store journal.Store) []journal.Entry {
	t.Helper()
	es, err := store.Entries()
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// byID is the entry id of store.
func byID(t *testing.T, store journal.Store, id string) journal.Entry {
	t.Helper()
	for _, e := range entries(t, store) {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("no entry %s", id)
	return journal.Entry{}
}

var emailOnly = []model.Channel{model.EmailMarketing}

func TestSubmitRecordsBeforeAndAfter(t *testing.T) {
	ctx := context.Background()
	c, _ := sandboxClient(t, openSandbox(t, "", sandbox.Options{}))
	j := openTemp(t)
	req := checked(t, model.ConsentRequest{ListID: "Y6nRLr", Email: "submit@example.com", Channels: emailOnly})
	out := desk(j, c).Submit(ctx, journal.ActionSubscribe, req, nil, SubmitOptions{})
	if out.Err != nil || out.State() != journal.StateVerified || !out.Settled() {
		t.Fatalf("outcome %+v", out)
	}
	es := entries(t, j)
	if len(es) != 1 || es[0].State != journal.StateVerified || es[0].ID != out.EntryID || es[0].Origin != here {
		t.Errorf("entries = %+v", es)
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
	out := desk(j, failing).Submit(ctx, journal.ActionSubscribe, req, nil, SubmitOptions{People: &People{}}) // looked up before Klaviyo failed
	if out.Err == nil || out.State() != journal.StatePending {
		t.Fatalf("against a failing Klaviyo: %+v", out)
	}
	es := entries(t, j)
	healthy, posts := sandboxClient(t, openSandbox(t, db, sandbox.Options{}))
	retry, err := desk(j, healthy).Retry(ctx, es[0], RetryOptions{})
	if err != nil || retry.State() != journal.StateVerified || retry.EntryID == es[0].ID {
		t.Fatalf("retry: %+v, %v", retry, err)
	}
	es = entries(t, j)
	if len(es) != 2 || es[0].RetryOf != es[1].ID || es[1].State != journal.StateVerified {
		t.Errorf("entries = %+v", es)
	}
	if posts.Load() != 1 {
		t.Errorf("%d POSTs for one retry", posts.Load())
	}
	if _, err := desk(j, healthy).Retry(ctx, es[1], RetryOptions{}); err == nil {
		t.Error("a verified entry was retried")
	}
}

// TestRetryAcceptedOnlyReadsBack: an entry Klaviyo accepted is verified by
// reading the profile back, never by sending it again.
func TestRetryAcceptedOnlyReadsBack(t *testing.T) {
	ctx := context.Background()
	c, posts := sandboxClient(t, openSandbox(t, "", sandbox.Options{}))
	j := openTemp(t)
	req := checked(t, model.ConsentRequest{Email: "sent@example.com", Channels: emailOnly})
	if _, err := c.Subscribe(ctx, req); err != nil {
		t.Fatal(err)
	}
	id, _ := j.Add(journal.Entry{Action: journal.ActionSubscribe, Origin: here, Request: req.ConsentRequest})
	_ = j.Update(id, journal.Change{State: journal.StateAccepted, Result: "accepted by Klaviyo"})
	before := posts.Load()
	out, err := desk(j, c).Retry(ctx, byID(t, j, id), RetryOptions{})
	if err != nil || out.State() != journal.StateVerified || out.EntryID != id {
		t.Fatalf("retry: %+v %v", out, err)
	}
	if posts.Load() != before {
		t.Error("an accepted entry was sent again")
	}
}

// TestAcceptedButNotYetSeenIsNeverResentByRetry: a job Klaviyo accepted
// but had not applied when the read-back gave up is "accepted", not
// "failed"; retrying it reads back and sends nothing, however often; an
// explicit resend is refused before ResendAfter and sends it once after.
func TestAcceptedButNotYetSeenIsNeverResentByRetry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		c, posts := inProcessClient(t, openSandbox(t, "", sandbox.Options{JobDelay: time.Hour}))
		j := openTemp(t)
		d := desk(j, c)
		req := checked(t, model.ConsentRequest{Email: "slow.job@example.com", Channels: emailOnly})
		const bound = 300 * time.Millisecond
		start := time.Now()
		out := d.Submit(ctx, journal.ActionSubscribe, req, nil, SubmitOptions{VerifyBound: bound})
		if out.State() != journal.StateAccepted || out.Err != nil {
			t.Fatalf("a job not applied within the bound: state %s, %+v", out.State(), out)
		}
		if took := time.Since(start); took != bound {
			t.Errorf("the read-back took %v, want its bound, %v", took, bound)
		}
		if e := byID(t, j, out.EntryID); e.State != journal.StateAccepted || e.AcceptedAt.IsZero() {
			t.Fatalf("journal: %+v", e)
		}
		d.Now = func() time.Time { return time.Now().Add(VerifyBound + time.Second) } // past the job's first minutes: one read each
		for range 3 {
			r, err := d.Retry(ctx, byID(t, j, out.EntryID), RetryOptions{})
			if err != nil || r.State() != journal.StateAccepted || r.EntryID != out.EntryID || r.Verification.Polls != 1 {
				t.Fatalf("retry: %s, %d reads, %v", r.State(), r.Verification.Polls, err)
			}
		}
		if posts.Load() != 1 {
			t.Fatalf("%d POSTs: retrying an accepted job sent it again", posts.Load())
		}
		if _, err := d.Retry(ctx, byID(t, j, out.EntryID), RetryOptions{Resend: true}); err == nil || !strings.Contains(err.Error(), "can take minutes") {
			t.Fatalf("resend at once: %v", err)
		}
		d.Now = func() time.Time { return time.Now().Add(ResendAfter + time.Minute) }
		r, err := d.Retry(ctx, byID(t, j, out.EntryID), RetryOptions{Resend: true, VerifyBound: bound})
		if err != nil || r.EntryID == out.EntryID || posts.Load() != 2 {
			t.Fatalf("resend after %s: %+v %v, %d POSTs", ResendAfter, r, err, posts.Load())
		}
		if byID(t, j, r.EntryID).RetryOf != out.EntryID {
			t.Error("the resend is not linked to the entry it resent")
		}
	})
}

// TestRetryOfWhatKlaviyoAlreadyShowsSendsNothing: a pending entry whose
// request did reach Klaviyo (the program died before recording it) is read
// back once and marked verified; nothing is sent again.
func TestRetryOfWhatKlaviyoAlreadyShowsSendsNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		c, posts := inProcessClient(t, openSandbox(t, "", sandbox.Options{JobDelay: time.Millisecond}))
		j := openTemp(t)
		at := time.Now()
		req := checked(t, model.ConsentRequest{Email: "arrived@example.com", Channels: emailOnly})
		sub, err := c.Subscribe(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if v, err := c.Verify(ctx, sub, client.VerifyOptions{}); err != nil || !v.AllVerified() {
			t.Fatalf("the subscribe did not land: %+v %v", v, err)
		}
		id, _ := j.Add(journal.Entry{At: at, Action: journal.ActionSubscribe, Origin: here, Request: req.ConsentRequest}) // left pending
		before := posts.Load()
		out, err := desk(j, c).Retry(ctx, byID(t, j, id), RetryOptions{})
		if err != nil || out.State() != journal.StateVerified || out.EntryID != id || out.Verification.Polls != 1 {
			t.Fatalf("retry: %+v %v", out, err)
		}
		if posts.Load() != before {
			t.Errorf("%d POSTs: what Klaviyo already showed was sent again", posts.Load()-before)
		}
		es := entries(t, j)
		if len(es) != 1 || es[0].State != journal.StateVerified || !strings.HasPrefix(es[0].Result, "Klaviyo already showed it") {
			t.Errorf("entries = %+v", es)
		}
	})
}

// TestRetryNotSentWhenTheProfileCannotBeRead: without the read-back there
// is no knowing whether a pending entry arrived, so nothing is sent.
func TestRetryNotSentWhenTheProfileCannotBeRead(t *testing.T) {
	c, posts := sandboxClient(t, openSandbox(t, "", sandbox.Options{FailRate: 1}))
	j := openTemp(t)
	id, _ := j.Add(journal.Entry{Action: journal.ActionSubscribe, Origin: here, Request: model.ConsentRequest{Email: "unknown@example.com", Channels: emailOnly}})
	_, err := desk(j, c).Retry(context.Background(), byID(t, j, id), RetryOptions{})
	if err == nil || !strings.Contains(err.Error(), "could not check whether Klaviyo already has it") || posts.Load() != 0 {
		t.Errorf("err = %v, %d POSTs", err, posts.Load())
	}
	if e := byID(t, j, id); e.State != journal.StatePending || e.ClaimedBy != "" {
		t.Errorf("entry = %+v: still pending, its claim released", e)
	}
}

// TestRetryRefusesWhatNoLongerPasses: an entry the checks refuse today is
// not sent, and becomes refused, so it is not offered again.
func TestRetryRefusesWhatNoLongerPasses(t *testing.T) {
	j := openTemp(t)
	id, _ := j.Add(journal.Entry{Action: journal.ActionSubscribe, Origin: here, Request: model.ConsentRequest{Phone: "+38631234567", Channels: []model.Channel{model.SMSMarketing}}})
	_, err := desk(j, nil).Retry(context.Background(), byID(t, j, id), RetryOptions{})
	if err == nil || !strings.Contains(err.Error(), "Slovenia") {
		t.Errorf("err = %v", err)
	}
	if e := byID(t, j, id); e.State != journal.StateRefused || journal.NewRetries(entries(t, j)).Needed(e) {
		t.Errorf("entry = %+v", e)
	}
}
