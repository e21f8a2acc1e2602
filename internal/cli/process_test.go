package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// servedSandbox is `consent sandbox serve` running on a database file.
type servedSandbox struct {
	url string
	cmd *exec.Cmd
}

// serveSandbox starts `consent sandbox serve` with flags on db and returns
// its base URL (the first line of its stdout).
func serveSandbox(t *testing.T, db string, flags ...string) *servedSandbox {
	t.Helper()
	args := append([]string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--db", db}, flags...)
	cmd := exec.Command(consentBinary(t), args...)
	cmd.Env = append(os.Environ(), "CONSENT_HOME="+filepath.Dir(db))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		t.Fatalf("sandbox serve: %v", err)
	}
	s := &servedSandbox{url: strings.TrimSpace(line), cmd: cmd}
	t.Cleanup(s.stop)
	return s
}

func (s *servedSandbox) stop() {
	if s.cmd.ProcessState == nil {
		_ = s.cmd.Process.Signal(os.Interrupt)
		_ = s.cmd.Wait()
	}
}

// klaviyoProxy stands between the binary and a served sandbox, as the
// Klaviyo the binary is given (KLAVIYO_API_URL): it counts what the
// sandbox answered, may answer a subscribe itself with a fault chosen by
// the test (so that a path is taken whatever the sandbox's random faults
// do), and can be pointed at another sandbox while its URL, the one the
// journal's entries were made on, stays the same.
type klaviyoProxy struct {
	url string

	mu     sync.Mutex
	target *url.URL
	// fault, when set, is the status to answer the nth subscribe POST
	// with (from 1, in the order they arrive), 0 to pass it on.
	fault    func(n int) int
	statuses map[int]int      // the sandbox's answers
	injected map[int][]string // the proxy's own faults: the email each was for
	subs     int              // subscribe POSTs
	posts    map[string]int   // subscribe POSTs by the email of the test they name
	emails   []string         // the emails posts counts
	first    chan struct{}    // closed when the first subscribe POST arrives
	seen     bool
	// holdPosts holds every subscribe POST until its client goes away: a
	// Klaviyo that never answers the send.
	holdPosts bool
}

func newKlaviyoProxy(t *testing.T, target string, emails []string) *klaviyoProxy {
	t.Helper()
	p := &klaviyoProxy{statuses: map[int]int{}, injected: map[int][]string{}, posts: map[string]int{}, emails: emails, first: make(chan struct{})}
	p.point(t, target)
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			p.mu.Lock()
			r.SetURL(p.target)
			p.mu.Unlock()
		},
		ModifyResponse: func(resp *http.Response) error {
			p.mu.Lock()
			p.statuses[resp.StatusCode]++
			p.mu.Unlock()
			return nil
		},
		// A request the binary gave up (it was killed) is no fault of the
		// sandbox's: not counted, not logged.
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) { w.WriteHeader(http.StatusBadGateway) },
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if status := p.arrive(r, body); status != 0 {
			writeKlaviyoFault(w, status)
			return
		}
		if p.holding(r) {
			<-r.Context().Done()
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.url = srv.URL
	return p
}

// hold sets whether subscribe POSTs are held.
func (p *klaviyoProxy) hold(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.holdPosts = on
}

// holding reports whether r is a subscribe POST the proxy holds.
func (p *klaviyoProxy) holding(r *http.Request) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.holdPosts && r.Method == http.MethodPost && r.URL.Path == "/api/profile-subscription-bulk-create-jobs"
}

// point sends what comes next to the sandbox at target.
func (p *klaviyoProxy) point(t *testing.T, target string) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.target = u
	p.mu.Unlock()
}

// arrive counts a request and returns the fault to answer it with, or 0.
func (p *klaviyoProxy) arrive(r *http.Request, body []byte) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if r.Method != http.MethodPost || r.URL.Path != "/api/profile-subscription-bulk-create-jobs" {
		return 0
	}
	if !p.seen {
		p.seen = true
		close(p.first)
	}
	p.subs++
	named := ""
	for _, email := range p.emails {
		if bytes.Contains(body, []byte(`"`+email+`"`)) {
			p.posts[email]++
			named = email
		}
	}
	if p.fault == nil {
		return 0
	}
	status := p.fault(p.subs)
	if status != 0 {
		p.injected[status] = append(p.injected[status], named)
	}
	return status
}

// setFault sets fault (see klaviyoProxy.fault).
func (p *klaviyoProxy) setFault(f func(n int) int) {
	p.mu.Lock()
	p.fault = f
	p.mu.Unlock()
}

// read calls f under the proxy's lock, to read its counts.
func (p *klaviyoProxy) read(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f()
}

// writeKlaviyoFault answers as Klaviyo does when it throttles (429, with
// Retry-After: 1) or is unavailable (503), before anything is applied.
func writeKlaviyoFault(w http.ResponseWriter, status int) {
	title := "Service unavailable."
	if status == http.StatusTooManyRequests {
		title = "Request was throttled."
		w.Header().Set("Retry-After", "1")
	}
	w.Header().Set("Content-Type", "application/vnd.api+json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"errors":[{"id":"proxy","status":%d,"code":"fault","title":%q,"detail":"injected by the test's proxy","source":{"pointer":"/data"},"links":{},"meta":{}}]}`, status, title)
}

// consentAt runs the binary against url with the journal in home.
func consentAt(t *testing.T, home, url string, args ...string) (int, string, string) {
	t.Helper()
	out, errOut, code := runBinary(t, []string{"CONSENT_HOME=" + home, "KLAVIYO_API_URL=" + url, "KLAVIYO_API_KEY=pk_process_test_key"}, args...)
	return code, string(out), string(errOut)
}

// historyStates reads `consent history --json` into id → entry.
func historyStates(t *testing.T, home, url string) map[string]struct{ State, Email, RetryOf string } {
	t.Helper()
	code, out, errOut := consentAt(t, home, url, "history", "--json")
	if code != 0 {
		t.Fatalf("history: %d %s", code, errOut)
	}
	states := map[string]struct{ State, Email, RetryOf string }{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var e struct {
			ID, State string
			RetryOf   string `json:"retry_of"`
			Request   struct{ Email string }
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		states[e.ID] = struct{ State, Email, RetryOf string }{e.State, e.Request.Email, e.RetryOf}
	}
	return states
}

// readBackConsent returns each email's email-marketing consent, through
// `consent check --json`.
func readBackConsent(t *testing.T, home, url string, emails []string) map[string]string {
	t.Helper()
	_, out, errOut := consentAt(t, home, url, append([]string{"check", "--json"}, emails...)...)
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r struct {
			Query    string
			Profiles []struct {
				Subscriptions struct {
					Email struct{ Marketing struct{ Consent string } }
				}
			}
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%v: %q (stderr %s)", err, line, errOut)
		}
		if len(r.Profiles) > 0 {
			got[r.Query] = r.Profiles[0].Subscriptions.Email.Marketing.Consent
		}
	}
	return got
}

// TestKilledSubscribeIsPendingThenRetried kills `consent subscribe` with
// SIGKILL while Klaviyo holds its subscribe: the journal already has the
// entry (pending), and `history retry --all` against a healthy Klaviyo
// completes and verifies it.
func TestKilledSubscribeIsPendingThenRetried(t *testing.T) {
	home := t.TempDir()
	db := filepath.Join(home, "served.db")
	slow := serveSandbox(t, db, "--rate-limit", "off")
	klaviyo := newKlaviyoProxy(t, slow.url, nil)
	klaviyo.hold(true)

	cmd := exec.Command(consentBinary(t), "subscribe", "--list", "Y6nRLr", "--email", "killed@example.com", "--email-marketing")
	cmd.Env = append(os.Environ(), "CONSENT_HOME="+home, "KLAVIYO_API_URL="+klaviyo.url, "KLAVIYO_API_KEY=pk_process_test_key")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-klaviyo.first: // the subscribe is on its way, and held there
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("no subscribe reached Klaviyo")
	}
	// The entry is written (and fsynced) before anything is sent: it is
	// in the journal already.
	journalPath := filepath.Join(home, "journal.jsonl")
	if data, _ := os.ReadFile(journalPath); !bytes.Contains(data, []byte(`"killed@example.com"`)) {
		cmd.Process.Kill()
		t.Fatalf("the subscribe reached Klaviyo before the journal had the entry: %s", data)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	_ = slow.cmd.Process.Kill() // a crash of its own
	_ = slow.cmd.Wait()

	states := historyStates(t, home, klaviyo.url)
	if len(states) != 1 {
		t.Fatalf("journal after the kill: %+v", states)
	}
	for id, e := range states {
		if e.State != "pending" {
			t.Fatalf("entry %s is %q after SIGKILL, want pending", id, e.State)
		}
	}

	// The same Klaviyo, restarted (an entry is retried only where it was
	// made: the same base URL).
	healthy := serveSandbox(t, db, "--rate-limit", "off")
	klaviyo.point(t, healthy.url)
	klaviyo.hold(false)
	// The next start shows it on Home and in History.
	term := startTerminal(t, 100, 30, []string{"CONSENT_HOME=" + home, "KLAVIYO_API_URL=" + klaviyo.url, "KLAVIYO_API_KEY=pk_process_test_key", "TERM=xterm-256color"})
	term.waitFor("1 entry is not verified: press h to review.")
	term.press("h")
	term.waitFor("killed@example.com", "pending")
	term.press(keyCtrlC)
	<-term.done

	code, out, errOut := consentAt(t, home, klaviyo.url, "history", "retry", "--all")
	if code != 0 || !strings.Contains(out, "verified") {
		t.Fatalf("retry --all: exit %d\n%s%s", code, out, errOut)
	}
	for id, e := range historyStates(t, home, klaviyo.url) {
		if e.State != "verified" {
			t.Errorf("entry %s is %q after the retry", id, e.State)
		}
	}
	if got := readBackConsent(t, home, klaviyo.url, []string{"killed@example.com"}); got["killed@example.com"] != "SUBSCRIBED" {
		t.Errorf("read back: %v", got)
	}
}

// TestFaultyKlaviyoThenRetry sends 20 subscribes through a Klaviyo that
// fails 30 % of requests and throttles 20 %: every one is in the journal
// with a definite state; after history retry --all against a healthy
// Klaviyo, all 20 read back SUBSCRIBED.
//
// The faults are counted as the sandbox answers them, and the test fails
// if there were none. So that the paths it is about are taken whatever the
// sandbox's random draws, the proxy in front of it answers the first
// subscribe to arrive 503 itself (it may have arrived: the entry is
// pending, the POST is not resent, the retry sends it) and the second 429
// (it was not accepted: it is sent again after Retry-After).
func TestFaultyKlaviyoThenRetry(t *testing.T) {
	home := t.TempDir()
	db := filepath.Join(home, "served.db")
	faulty := serveSandbox(t, db, "--fail-rate", "0.3", "--throttle-rate", "0.2", "--rate-limit", "off")
	const n = 20
	emails := make([]string, n)
	for i := range emails {
		emails[i] = fmt.Sprintf("faulty%02d@example.com", i)
	}
	klaviyo := newKlaviyoProxy(t, faulty.url, emails)
	klaviyo.setFault(func(n int) int {
		switch n {
		case 1:
			return http.StatusServiceUnavailable
		case 2:
			return http.StatusTooManyRequests
		}
		return 0
	})
	var wg sync.WaitGroup
	sem := make(chan struct{}, 5)
	for _, email := range emails {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			consentAt(t, home, klaviyo.url, "subscribe", "--list", "Y6nRLr", "--email", email, "--email-marketing", "--wait", "5s")
		})
	}
	wg.Wait()
	faulty.stop()

	var sandboxFaults, requests int
	var unavailable, throttled []string
	posts := map[string]int{}
	klaviyo.read(func() {
		for status, k := range klaviyo.statuses {
			requests += k
			if status == http.StatusTooManyRequests || status >= 500 {
				sandboxFaults += k
			}
		}
		unavailable, throttled = klaviyo.injected[http.StatusServiceUnavailable], klaviyo.injected[http.StatusTooManyRequests]
		for _, email := range emails {
			posts[email] = klaviyo.posts[email]
		}
		klaviyo.fault = nil
	})
	// At 50 % of at least one request per person, none is a chance of
	// 2^-20 or less.
	if sandboxFaults == 0 {
		t.Fatalf("the sandbox's --fail-rate and --throttle-rate injected no fault in %d requests: the test proves nothing", requests)
	}
	if len(unavailable) != 1 || len(throttled) != 1 || unavailable[0] == "" || throttled[0] == "" {
		t.Fatalf("the proxy's faults: 503 for %q, 429 for %q; want one subscribe each", unavailable, throttled)
	}
	if got := posts[unavailable[0]]; got != 1 {
		t.Errorf("%s: %d subscribe POSTs after a 503, want 1: a POST that may have arrived was sent again", unavailable[0], got)
	}
	if got := posts[throttled[0]]; got < 2 {
		t.Errorf("%s: %d subscribe POST after a 429, want it sent again", throttled[0], got)
	}

	states := historyStates(t, home, klaviyo.url)
	byEmail := map[string]string{}
	for _, e := range states {
		switch e.State {
		case "pending", "accepted", "verified", "failed":
		default:
			t.Errorf("entry for %s has state %q", e.Email, e.State)
		}
		byEmail[e.Email] = e.State
	}
	if len(byEmail) != n {
		t.Fatalf("the journal has %d of the %d people: %+v", len(byEmail), n, states)
	}
	if got := byEmail[unavailable[0]]; got != "pending" {
		t.Errorf("%s, answered 503, is %q: want pending (it may have arrived), for the retry", unavailable[0], got)
	}

	healthy := serveSandbox(t, db, "--rate-limit", "off")
	klaviyo.point(t, healthy.url)
	if code, out, errOut := consentAt(t, home, klaviyo.url, "history", "retry", "--all"); code != 0 {
		t.Fatalf("retry --all: exit %d\n%s%s", code, out, errOut)
	}
	got := readBackConsent(t, home, klaviyo.url, emails)
	for _, email := range emails {
		if got[email] != "SUBSCRIBED" {
			t.Errorf("%s reads back %q after the retry", email, got[email])
		}
	}
	klaviyo.read(func() {
		if k := klaviyo.posts[unavailable[0]]; k != 2 {
			t.Errorf("%s: %d subscribe POSTs after the retry, want 2: the retry sends what did not arrive, once", unavailable[0], k)
		}
	})
}
