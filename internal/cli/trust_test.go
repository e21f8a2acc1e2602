package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

// klaviyoDouble is a seeded sandbox behind an HTTP server the tests can
// turn faulty: with failPosts, every POST is answered 503 before anything
// is applied (a subscribe so answered is journaled pending); latency delays
// every answer. It counts the POSTs that reach the sandbox.
type klaviyoDouble struct {
	sb               *sandbox.Sandbox
	srv              *httptest.Server
	failPosts        atomic.Bool
	failProfileReads atomic.Bool
	latency          atomic.Int64
	posts            atomic.Int32
	// arrived counts the POSTs that reached the double, before their
	// latency: a POST so counted is on its way, whether or not it lands.
	arrived atomic.Int32
}

func newKlaviyoDouble(t *testing.T, opts sandbox.Options) *klaviyoDouble {
	t.Helper()
	d := &klaviyoDouble{sb: sandboxtest.Open(t, opts)}
	d.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body) // read first: only then does a closed connection end r's context
		r.Body = io.NopCloser(bytes.NewReader(body))
		if r.Method == http.MethodPost {
			d.arrived.Add(1)
		}
		select { // a latency, cut short when the client goes away
		case <-time.After(time.Duration(d.latency.Load())):
		case <-r.Context().Done():
			return
		}
		if r.Method == http.MethodPost {
			if d.failPosts.Load() {
				w.Header().Set("Content-Type", "application/vnd.api+json")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte(`{"errors":[{"id":"e","status":503,"code":"unavailable","title":"Service unavailable.","detail":"Try again later."}]}`))
				return
			}
			d.posts.Add(1)
		}
		// Profile reads fail once a job was posted: the guard's look-ups
		// before it pass, the read-back after it fails.
		if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/profiles") && d.failProfileReads.Load() && d.posts.Load() > 0 {
			w.Header().Set("Content-Type", "application/vnd.api+json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"errors":[{"id":"e","status":503,"code":"unavailable","title":"Service unavailable.","detail":"Try again later."}]}`))
			return
		}
		d.sb.ServeHTTP(w, r)
	}))
	t.Cleanup(d.srv.Close)
	return d
}

// run runs the binary against the double with key, the journal in home.
func (d *klaviyoDouble) run(t *testing.T, home, key string, args ...string) (int, string, string) {
	t.Helper()
	out, errOut, code := runBinary(t, []string{"CONSENT_HOME=" + home, "KLAVIYO_API_URL=" + d.srv.URL, "KLAVIYO_API_KEY=" + key}, args...)
	return code, string(out), string(errOut)
}

// client is a client on the double's sandbox, in this process: the person
// (or another tool) changing consent at Klaviyo behind the desk's back.
func (d *klaviyoDouble) client(t *testing.T) *client.Client {
	return sandboxtest.Client(t, d.sb, client.Options{})
}

// journalEntries reads `consent history --json` of home.
func journalEntries(t *testing.T, home string) []map[string]any {
	t.Helper()
	out, errOut, code := runBinary(t, []string{"CONSENT_HOME=" + home}, "history", "--json")
	if code != 0 {
		t.Fatalf("history --json: %d %s", code, errOut)
	}
	var entries []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line == "" {
			continue
		}
		var e map[string]any
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		entries = append(entries, e)
	}
	return entries
}

// pendingSubscribes journals a pending subscribe (email marketing through
// the Newsletter) for each email, by sending them to the double while its
// POSTs fail; then the double is healthy again.
func pendingSubscribes(t *testing.T, d *klaviyoDouble, home, key string, emails ...string) []string {
	t.Helper()
	d.failPosts.Store(true)
	defer d.failPosts.Store(false)
	for _, email := range emails {
		if code, _, errOut := d.run(t, home, key, "subscribe", "--list", "Y6nRLr", "--email", email, "--email-marketing"); code != 1 || !strings.Contains(errOut, "pending") {
			t.Fatalf("subscribe %s against a failing Klaviyo: exit %d %s", email, code, errOut)
		}
	}
	var ids []string
	for _, e := range journalEntries(t, home) {
		req, _ := e["request"].(map[string]any)
		if !slices.Contains(emails, req["email"].(string)) {
			continue
		}
		if e["state"] != "pending" {
			t.Fatalf("entry %v", e)
		}
		ids = append(ids, e["id"].(string))
	}
	return ids
}

const (
	keyA = "pk_account_a_0000000000000000000000"
	keyB = "pk_account_b_1111111111111111111111"
)

// TestRetryOnlyWhereTheEntryWasMade: a pending entry made with one key is
// not resent with another key, nor from the sandbox: --all lists it as
// made elsewhere and sends nothing; naming it is refused; history shows
// where each entry was made. With the key it was made with, it is resent.
func TestRetryOnlyWhereTheEntryWasMade(t *testing.T) {
	d := newKlaviyoDouble(t, sandbox.Options{})
	home := t.TempDir()
	ids := pendingSubscribes(t, d, home, keyA, "where@example.com")

	code, out, errOut := d.run(t, home, keyB, "history", "retry", "--all")
	if code != 0 || !strings.Contains(out, ids[0]+"  subscribe where@example.com: made on Klaviyo "+d.srv.URL+" (key ") ||
		!strings.Contains(out, ": not retried here") || d.posts.Load() != 0 {
		t.Fatalf("retry with another key: exit %d, %d POSTs\n%s%s", code, d.posts.Load(), out, errOut)
	}
	out2, errOut2, code2 := runBinary(t, []string{"CONSENT_HOME=" + home, "KLAVIYO_API_KEY="}, "history", "retry", "--all")
	if code2 != 0 || !strings.Contains(string(out2), "not retried here") || d.posts.Load() != 0 {
		t.Fatalf("retry from the sandbox: exit %d, %d POSTs\n%s%s", code2, d.posts.Load(), out2, errOut2)
	}
	if code, _, errOut := d.run(t, home, keyB, "history", "retry", ids[0]); code != 2 || !strings.Contains(errOut, "was made on Klaviyo "+d.srv.URL) {
		t.Fatalf("retry of the entry by name with another key: exit %d %s", code, errOut)
	}
	_, table, _ := d.run(t, home, keyB, "history")
	if !strings.Contains(table, "MADE ON") || !strings.Contains(table, "Klaviyo "+d.srv.URL+" (key ") {
		t.Errorf("history does not say where the entry was made:\n%s", table)
	}

	code, out, errOut = d.run(t, home, keyA, "history", "retry", "--all")
	if code != 0 || !strings.Contains(out, "verified") || d.posts.Load() != 1 {
		t.Fatalf("retry with its own key: exit %d, %d POSTs\n%s%s", code, d.posts.Load(), out, errOut)
	}
}

// TestRetryNeverOverridesALaterOptOut: a pending subscribe, then the
// person's verified unsubscribe: retry --all refuses the subscribe, says
// why, and the person stays unsubscribed. The same when the person opted
// out at Klaviyo after the entry was made.
func TestRetryNeverOverridesALaterOptOut(t *testing.T) {
	t.Run("a later entry", func(t *testing.T) {
		d := newKlaviyoDouble(t, sandbox.Options{})
		home := t.TempDir()
		pendingSubscribes(t, d, home, keyA, "opted.out@example.com")
		if code, _, errOut := d.run(t, home, keyA, "unsubscribe", "--email", "opted.out@example.com", "--email-marketing"); code != 0 {
			t.Fatalf("unsubscribe: %d %s", code, errOut)
		}
		before := d.posts.Load()
		code, out, _ := d.run(t, home, keyA, "history", "retry", "--all")
		if code != 1 || !strings.Contains(out, "not resent: a later entry") || !strings.Contains(out, "(unsubscribe of Email marketing, verified") {
			t.Fatalf("exit %d:\n%s", code, out)
		}
		if d.posts.Load() != before {
			t.Errorf("%d POSTs: the opt-out was overridden", d.posts.Load()-before)
		}
		if got := readBackConsent(t, home, d.srv.URL, []string{"opted.out@example.com"}); got["opted.out@example.com"] != "UNSUBSCRIBED" {
			t.Errorf("after the retry: %v", got)
		}
	})
	t.Run("at Klaviyo", func(t *testing.T) {
		d := newKlaviyoDouble(t, sandbox.Options{})
		home := t.TempDir()
		pendingSubscribes(t, d, home, keyA, "opted.out.by.link@example.com")
		req, _ := model.ConsentRequest{Email: "opted.out.by.link@example.com", Channels: []model.Channel{model.EmailMarketing}}.Check(model.PhoneRules{Policy: model.DefaultSMSPolicy()})
		if _, err := d.client(t).Unsubscribe(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		code, out, _ := d.run(t, home, keyA, "history", "retry", "--all")
		if code != 1 || !strings.Contains(out, "not resent: Klaviyo shows Email marketing UNSUBSCRIBED since") || d.posts.Load() != 0 {
			t.Fatalf("exit %d, %d POSTs:\n%s", code, d.posts.Load(), out)
		}
	})
}

// TestTwoRetriesAtOnceSendEachOnce: two `consent history retry --all`
// processes on one journal, at once, against a Klaviyo slow enough that
// both read every entry before either sends: each of the 10 pending
// entries is sent once, and all end verified.
func TestTwoRetriesAtOnceSendEachOnce(t *testing.T) {
	d := newKlaviyoDouble(t, sandbox.Options{})
	home := t.TempDir()
	var emails []string
	for i := range 10 {
		emails = append(emails, "twice."+string(rune('a'+i))+"@example.com")
	}
	pendingSubscribes(t, d, home, keyA, emails...)
	d.latency.Store(int64(150 * time.Millisecond))
	var wg sync.WaitGroup
	outs := make([]string, 2)
	for i := range outs {
		wg.Go(func() {
			_, out, errOut := d.run(t, home, keyA, "history", "retry", "--all")
			outs[i] = out + errOut
		})
	}
	wg.Wait()
	if n := d.posts.Load(); n != 10 {
		t.Errorf("%d POSTs for 10 pending entries retried by two processes at once:\n%s\n%s", n, outs[0], outs[1])
	}
	for _, e := range journalEntries(t, home) {
		if e["retry_of"] == nil && e["state"] != "verified" {
			t.Errorf("entry %v", e)
		}
	}
}

// TestAnAcceptedJobIsNeverResentByRetry: a job Klaviyo accepted but had
// not applied when the read-back gave up is "accepted", and retrying it
// only reads it back, however often; a resend on request is refused while
// the job may still be running.
func TestAnAcceptedJobIsNeverResentByRetry(t *testing.T) {
	d := newKlaviyoDouble(t, sandbox.Options{JobDelay: time.Hour})
	home := t.TempDir()
	code, out, _ := d.run(t, home, keyA, "subscribe", "--list", "Y6nRLr", "--email", "slow.job@example.com", "--email-marketing", "--wait", "1s")
	if code != 1 || !strings.Contains(out, "accepted by Klaviyo, not yet seen") {
		t.Fatalf("subscribe: exit %d\n%s", code, out)
	}
	entries := journalEntries(t, home)
	if len(entries) != 1 || entries[0]["state"] != "accepted" {
		t.Fatalf("journal: %v", entries)
	}
	id := entries[0]["id"].(string)
	for range 2 {
		code, out, _ := d.run(t, home, keyA, "history", "retry", "--all", "--wait", "1s")
		if code != 1 || !strings.Contains(out, "accepted, not yet seen") {
			t.Fatalf("retry: exit %d\n%s", code, out)
		}
	}
	code, out, errOut := d.run(t, home, keyA, "history", "retry", "--resend", "--yes", id)
	if code != 2 || !strings.Contains(errOut, "can take minutes") || strings.Contains(errOut, "Resend entry") {
		t.Fatalf("resend at once (refused before asking): exit %d\n%s%s", code, out, errOut)
	}
	if d.posts.Load() != 1 {
		t.Errorf("%d POSTs for one subscribe: an accepted job was sent again", d.posts.Load())
	}
}

// TestARefusalLeavesNothingToRetryAndDismissPutsAnEntryToRest: an unknown
// list is refused and not counted or retried; a pending entry can be
// dismissed, only with a note, after which it is neither.
func TestARefusalLeavesNothingToRetryAndDismissPutsAnEntryToRest(t *testing.T) {
	d := newKlaviyoDouble(t, sandbox.Options{})
	home := t.TempDir()
	if code, _, errOut := d.run(t, home, keyA, "subscribe", "--list", "NOPE", "--email", "typo@example.com", "--email-marketing"); code != 2 || !strings.Contains(errOut, "no list with id NOPE (see consent lists)") || !strings.Contains(errOut, ": refused") {
		t.Fatalf("unknown list: exit %d %s", code, errOut)
	}
	if code, out, _ := d.run(t, home, keyA, "history", "retry", "--all"); code != 0 || !strings.Contains(out, "Nothing to retry") {
		t.Fatalf("a refusal was retried: exit %d %s", code, out)
	}
	ids := pendingSubscribes(t, d, home, keyA, "dismiss.me@example.com")
	pending := ids[0]
	if code, _, errOut := d.run(t, home, keyA, "history", "dismiss", pending); code != 2 || !strings.Contains(errOut, "needs a note") {
		t.Fatalf("dismiss without a note: exit %d %s", code, errOut)
	}
	if code, out, errOut := d.run(t, home, keyA, "history", "dismiss", pending, "--note", "the customer withdrew it on the phone"); code != 0 || !strings.Contains(out, "dismissed") {
		t.Fatalf("dismiss: exit %d %s%s", code, out, errOut)
	}
	for _, e := range journalEntries(t, home) {
		if e["id"] == pending && (e["state"] != "dismissed" || e["note"] != "the customer withdrew it on the phone") {
			t.Errorf("entry %v", e)
		}
	}
	if code, out, _ := d.run(t, home, keyA, "history", "retry", "--all"); code != 0 || !strings.Contains(out, "Nothing to retry") || d.posts.Load() != 0 {
		t.Fatalf("a dismissed entry was retried: exit %d, %d POSTs %s", code, d.posts.Load(), out)
	}
}
