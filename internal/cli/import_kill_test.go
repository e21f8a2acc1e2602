package cli

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/internal/sheetgen"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

// jobLedger stands before a served sandbox and counts, per email, the
// subscribe jobs the sandbox accepted (202) that carried it: whether or
// not the killed binary lived to read the answer.
type jobLedger struct {
	url  string
	mu   sync.Mutex
	sent map[string]int
	jobs int
	// accepted, when set, is called with the count of accepted jobs after
	// the sandbox accepted one and before the binary reads its answer.
	accepted func(jobs int)
}

func newJobLedger(t *testing.T, target string) *jobLedger {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	l := &jobLedger{sent: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) { w.WriteHeader(http.StatusBadGateway) }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/profile-subscription-bulk-create-jobs" {
			rp.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		// The binary may be killed mid-request: the sandbox still answers,
		// and what it accepted is counted all the same.
		r = r.WithContext(context.WithoutCancel(r.Context()))
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		rp.ServeHTTP(rec, r)
		if rec.Code == http.StatusAccepted {
			if hook := l.count(body); hook != nil {
				hook()
			}
		}
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(srv.Close)
	l.url = srv.URL
	return l
}

// count counts an accepted job's people; it returns the accepted hook,
// bound to this job's number, to call once the lock is let go.
func (l *jobLedger) count(body []byte) func() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.jobs++
	for _, email := range sandboxtest.JobEmails(body) {
		l.sent[email]++
	}
	if l.accepted == nil {
		return nil
	}
	hook, n := l.accepted, l.jobs
	return func() { hook(n) }
}

// killAtJob returns a channel that fires when the sandbox has accepted
// the k-th job, and holds that job's answer back until release is called:
// the binary killed then has handed Klaviyo rows it never heard back on,
// however fast this machine imports.
func (l *jobLedger) killAtJob(k int) (fire <-chan time.Time, release func()) {
	c := make(chan time.Time, 1)
	held := make(chan struct{})
	var once sync.Once
	l.mu.Lock()
	l.accepted = func(n int) {
		if n != k {
			return
		}
		c <- time.Now()
		select {
		case <-held:
		case <-time.After(time.Minute):
		}
	}
	l.mu.Unlock()
	return c, func() {
		once.Do(func() { close(held) })
		l.mu.Lock()
		l.accepted = nil
		l.mu.Unlock()
	}
}

// TestKilledImportResumesWithoutSendingTwice imports a 5,000-row sheet
// and kills the binary with SIGKILL at random moments, the import and
// then each resume, until a resume runs to its end (and, when a kill came
// while the rows were being journaled, the sheet is imported again, as
// the resume says to). Then every row is verified in the journal, and
// Klaviyo accepted every person in exactly one job.
func TestKilledImportResumesWithoutSendingTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: a 5,000-row import, killed and resumed")
	}
	const rows = 5000
	home := t.TempDir()
	sheetPath := filepath.Join(home, "signups.csv")
	var runUntil func(kill <-chan time.Time, killAfter time.Duration, args ...string) (bool, int, string)
	f, err := os.Create(sheetPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := sheetgen.Write(f, sheetgen.Options{Rows: rows, Clean: true, Domain: "kill.example.com"}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	served := serveSandbox(t, filepath.Join(home, "served.db"), "--rate-limit", "off", "--latency", "30ms")
	ledger := newJobLedger(t, served.url)
	env := append(os.Environ(), "CONSENT_HOME="+home, "KLAVIYO_API_URL="+ledger.url, "KLAVIYO_API_KEY=pk_process_test_key")
	seed := uint64(time.Now().UnixNano())
	t.Logf("kill times seeded with %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))

	// run starts the binary and kills it after killAfter (0: lets it end);
	// it reports whether the process ended on its own, and its exit code.
	run := func(killAfter time.Duration, args ...string) (finished bool, code int, out string) {
		return runUntil(nil, killAfter, args...)
	}
	runUntil = func(kill <-chan time.Time, killAfter time.Duration, args ...string) (finished bool, code int, out string) {
		cmd := exec.Command(consentBinary(t), args...)
		cmd.Env = env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		timeout := kill
		if timeout == nil && killAfter > 0 {
			timeout = time.After(killAfter)
		}
		select {
		case err := <-done:
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			}
			return true, code, stdout.String() + stderr.String()
		case <-timeout:
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-done
			return false, -1, ""
		case <-time.After(3 * time.Minute):
			_ = cmd.Process.Kill()
			t.Fatalf("consent %v did not end", args)
		}
		return false, -1, ""
	}
	journaled := func() (entries []journal.Entry) {
		j, err := journal.Open(filepath.Join(home, "journal.jsonl"), journal.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		all, err := j.Entries()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range all {
			if e.Import != nil {
				entries = append(entries, e)
			}
		}
		return entries
	}
	importArgs := []string{"import", sheetPath, "--list", "Y6nRLr", "--wait", "30s"}
	kills, midImport := 0, 0
	// killed notes a kill and what it left: a kill is mid-import when the
	// journal then has rows of it not yet verified.
	killed := func(what string) {
		kills++
		states := map[string]int{}
		sentUnanswered := 0
		for _, e := range journaled() {
			states[string(e.State)]++
			if e.State == journal.StatePending && !e.SentAt.IsZero() {
				sentUnanswered++
			}
		}
		if countOpen(journaled()) > 0 {
			midImport++
		}
		t.Logf("killed %s: journal %v, %d handed to Klaviyo without an answer", what, states, sentUnanswered)
	}
	// The import, killed once Klaviyo has accepted one of its jobs (of
	// five, a thousand rows each; which one is drawn), before the binary
	// hears back: the rows are journaled and sent, not yet verified.
	jobs := (rows + client.MaxSubscribeProfiles - 1) / client.MaxSubscribeProfiles
	fire, release := ledger.killAtJob(1 + rng.IntN(jobs))
	finished, _, out := runUntil(fire, 0, importArgs...)
	release()
	if finished {
		t.Fatalf("the import ended before Klaviyo accepted the job it was to be killed at:\n%s", out)
	}
	killed("the import")
	for attempt := 0; ; attempt++ {
		if attempt > 12 {
			t.Fatal("the import did not finish in 12 resumes")
		}
		if len(journaled()) == 0 {
			// Killed before the journal had a row: nothing was sent; the
			// agent imports the sheet again.
			if finished, _, _ := run(time.Duration(200+rng.IntN(2300))*time.Millisecond, importArgs...); !finished {
				killed("the import, again")
			}
			continue
		}
		killAfter := time.Duration(0)
		if attempt < 3 {
			killAfter = time.Duration(100+rng.IntN(1500)) * time.Millisecond
		}
		finished, code, out := run(killAfter, "import", "--resume", "--wait", "30s")
		if !finished {
			killed("a resume")
			continue
		}
		if len(journaled()) < rows {
			// The import stopped while journaling its rows: the rest
			// were never sent, and importing the sheet again sends them.
			if finished, code, out := run(0, importArgs...); !finished || code != 0 {
				t.Fatalf("importing again: exit %d\n%s", code, out)
			}
		} else if code != 0 && code != 2 {
			t.Fatalf("resume: exit %d\n%s", code, out)
		}
		if open := countOpen(journaled()); open == 0 {
			break
		}
	}
	if midImport == 0 {
		t.Fatalf("none of the %d kills came mid-import (rows journaled, not all verified): the test proved nothing", kills)
	}
	entries := journaled()
	verified := map[string]int{}
	for _, e := range entries {
		if e.State != journal.StateVerified {
			t.Errorf("entry %s (%s, line %d) is %s: %s", e.ID, e.Request.Email, e.Import.Line, e.State, e.Result)
		}
		verified[e.Request.Email]++
	}
	ledger.mu.Lock()
	defer ledger.mu.Unlock()
	if len(ledger.sent) != rows {
		t.Errorf("Klaviyo accepted %d people in %d jobs, want %d", len(ledger.sent), ledger.jobs, rows)
	}
	twice := 0
	for email, n := range ledger.sent {
		if n != 1 {
			twice++
			if twice < 5 {
				t.Errorf("%s was accepted in %d jobs, want 1", email, n)
			}
		}
	}
	if twice > 0 {
		t.Errorf("%d people sent more than once", twice)
	}
	if len(verified) != rows {
		t.Errorf("%d people verified in the journal, want %d", len(verified), rows)
	}
}

// countOpen is how many entries still need something done.
func countOpen(entries []journal.Entry) int {
	n := 0
	for _, e := range entries {
		if e.State.Open() {
			n++
		}
	}
	return n
}
