package importer

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

// jobCounter counts, per email, the subscribe jobs that carried it and that
// Klaviyo (the sandbox) accepted.
type jobCounter struct {
	next http.RoundTripper
	mu   sync.Mutex
	sent map[string]int
}

func (j *jobCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Method == http.MethodPost && r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := j.next.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusAccepted {
		j.mu.Lock()
		for _, email := range sandboxtest.JobEmails(body) {
			j.sent[email]++
		}
		j.mu.Unlock()
	}
	return resp, err
}

// TestResumeSendsNoRowTwice finishes an import that stopped in every way a
// crash can leave it: a row never sent, a row Klaviyo received whose
// answer was lost, a row handed over that never arrived, a row accepted.
// Each ends verified, and Klaviyo received each exactly once.
func TestResumeSendsNoRowTwice(t *testing.T) {
	ctx := context.Background()
	sb := sandboxtest.Open(t, sandbox.Options{})
	counter := &jobCounter{next: sb.Transport(), sent: map[string]int{}}
	c, err := client.New(client.Options{BaseURL: "http://sandbox.invalid", APIKey: "pk_resume", Transport: counter, NoLimiter: true})
	if err != nil {
		t.Fatal(err)
	}
	store := journal.NewMemory()
	here := journal.Origin{Backend: "SANDBOX"}
	d := &desk.Desk{Store: store, Client: c, Rules: rules, Origin: here, Agent: "dana"}
	req := func(email string) model.ConsentRequest {
		return model.ConsentRequest{ListID: newsletter, Email: email, Channels: []model.Channel{model.EmailMarketing}, Source: "fair"}
	}
	const id = "20261202-080000-00000001"
	emails := []string{"never.sent@example.com", "lost.answer@example.com", "never.arrived@example.com", "accepted@example.com"}
	var es []journal.Entry
	for i, e := range emails {
		es = append(es, journal.Entry{Action: journal.ActionSubscribe, Origin: here, Request: req(e), Import: &journal.ImportRow{ID: id, Line: i + 2}})
	}
	ids, _ := store.AddMany(es)
	// The crash: rows 2-4 were handed to Klaviyo; 2 and 4 arrived, 4's
	// acceptance was recorded; 3 never arrived.
	_ = store.UpdateMany([]journal.IDChange{
		{ID: ids[1], Change: journal.Change{State: journal.StatePending, Sending: true}},
		{ID: ids[2], Change: journal.Change{State: journal.StatePending, Sending: true}},
		{ID: ids[3], Change: journal.Change{State: journal.StatePending, Sending: true}},
	})
	if err := c.SubscribeMany(ctx, []model.CheckedRequest{{ConsentRequest: req(emails[1])}, {ConsentRequest: req(emails[3])}}, newsletter, "fair"); err != nil {
		t.Fatal(err)
	}
	_ = store.Update(ids[3], journal.Change{State: journal.StateAccepted})

	if got := LatestOpen(mustEntries(t, store), here); got != id {
		t.Fatalf("LatestOpen = %q, want %q", got, id)
	}
	rep, err := Resume(ctx, d, id, RunOptions{VerifyBound: 5 * time.Second, SettleAfter: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if tally := rep.Tally(); tally[Verified] != 4 {
		t.Fatalf("report %+v, tally %v", rep.Rows, tally)
	}
	for _, e := range emails {
		if n := counter.sent[e]; n != 1 {
			t.Errorf("%s was received %d times, want once", e, n)
		}
	}
	for _, e := range mustEntries(t, store) {
		if e.State != journal.StateVerified {
			t.Errorf("entry %s (%s) is %s", e.ID, e.Request.Email, e.State)
		}
	}
	// Nothing is left: a second resume sends nothing.
	if got := LatestOpen(mustEntries(t, store), here); got != "" {
		t.Errorf("LatestOpen after resume = %q", got)
	}
	if _, err := Resume(ctx, d, "nope", RunOptions{}); err == nil {
		t.Error("resuming an unknown import did not fail")
	}
}

func mustEntries(t *testing.T, s journal.Store) []journal.Entry {
	t.Helper()
	es, err := s.Entries()
	if err != nil {
		t.Fatal(err)
	}
	return es
}
