package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
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

// hostPort is the host:port of a served sandbox's URL, to serve another
// sandbox on the same address after it stopped.
func hostPort(t *testing.T, rawURL string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

func (s *servedSandbox) stop() {
	if s.cmd.ProcessState == nil {
		_ = s.cmd.Process.Signal(os.Interrupt)
		_ = s.cmd.Wait()
	}
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
// SIGKILL while a slow Klaviyo holds its request: the journal already has
// the entry (pending), and `history retry --all` against a healthy Klaviyo
// completes and verifies it.
func TestKilledSubscribeIsPendingThenRetried(t *testing.T) {
	home := t.TempDir()
	db := filepath.Join(home, "served.db")
	slow := serveSandbox(t, db, "--latency", "20s", "--rate-limit", "off")

	cmd := exec.Command(consentBinary(t), "subscribe", "--list", "Y6nRLr", "--email", "killed@example.com", "--email-marketing")
	cmd.Env = append(os.Environ(), "CONSENT_HOME="+home, "KLAVIYO_API_URL="+slow.url, "KLAVIYO_API_KEY=pk_process_test_key")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	journalPath := filepath.Join(home, "journal.jsonl")
	deadline := time.Now().Add(30 * time.Second)
	for {
		if data, _ := os.ReadFile(journalPath); bytes.Contains(data, []byte(`"killed@example.com"`)) {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the journal never recorded the entry")
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // the request is on its way to the slow Klaviyo
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	_ = slow.cmd.Process.Kill() // a crash of its own: nothing waits for its 20 s
	_ = slow.cmd.Wait()

	states := historyStates(t, home, slow.url)
	if len(states) != 1 {
		t.Fatalf("journal after the kill: %+v", states)
	}
	for id, e := range states {
		if e.State != "pending" {
			t.Fatalf("entry %s is %q after SIGKILL, want pending", id, e.State)
		}
	}

	// The same server restarted (an entry is retried only where it was
	// made: the same base URL).
	healthy := serveSandbox(t, db, "--rate-limit", "off", "--addr", hostPort(t, slow.url))
	// The next start shows it on Home and in History.
	term := startTerminal(t, 100, 30, []string{"CONSENT_HOME=" + home, "KLAVIYO_API_URL=" + healthy.url, "KLAVIYO_API_KEY=pk_process_test_key", "TERM=xterm-256color"})
	term.waitFor("1 entry is not verified: press h to review.")
	term.press("h")
	term.waitFor("killed@example.com", "pending")
	term.press(keyCtrlC)
	<-term.done

	code, out, errOut := consentAt(t, home, healthy.url, "history", "retry", "--all")
	if code != 0 || !strings.Contains(out, "verified") {
		t.Fatalf("retry --all: exit %d\n%s%s", code, out, errOut)
	}
	for id, e := range historyStates(t, home, healthy.url) {
		if e.State != "verified" {
			t.Errorf("entry %s is %q after the retry", id, e.State)
		}
	}
	if got := readBackConsent(t, home, healthy.url, []string{"killed@example.com"}); got["killed@example.com"] != "SUBSCRIBED" {
		t.Errorf("read back: %v", got)
	}
}

// TestFaultyKlaviyoThenRetry sends 20 subscribes through a Klaviyo that
// fails 30 % of requests and throttles 20 %: every one is in the journal
// with a definite state; after history retry --all against a healthy
// Klaviyo, all 20 read back SUBSCRIBED.
func TestFaultyKlaviyoThenRetry(t *testing.T) {
	home := t.TempDir()
	db := filepath.Join(home, "served.db")
	faulty := serveSandbox(t, db, "--fail-rate", "0.3", "--throttle-rate", "0.2", "--rate-limit", "off")
	const n = 20
	emails := make([]string, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 5)
	for i := range emails {
		emails[i] = fmt.Sprintf("faulty%02d@example.com", i)
		wg.Add(1)
		go func(email string) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			consentAt(t, home, faulty.url, "subscribe", "--list", "Y6nRLr", "--email", email, "--email-marketing", "--wait", "5s")
		}(emails[i])
	}
	wg.Wait()
	faulty.stop()

	states := historyStates(t, home, faulty.url)
	byEmail := map[string]string{}
	unverified := 0
	for _, e := range states {
		switch e.State {
		case "pending", "accepted", "verified", "failed":
		default:
			t.Errorf("entry for %s has state %q", e.Email, e.State)
		}
		byEmail[e.Email] = e.State
		if e.State != "verified" {
			unverified++
		}
	}
	if len(byEmail) != n {
		t.Fatalf("the journal has %d of the %d people: %+v", len(byEmail), n, states)
	}
	if unverified == 0 {
		t.Log("every subscribe got through the faults: the retry has nothing to do")
	}

	healthy := serveSandbox(t, db, "--rate-limit", "off", "--addr", hostPort(t, faulty.url))
	if code, out, errOut := consentAt(t, home, healthy.url, "history", "retry", "--all"); code != 0 {
		t.Fatalf("retry --all: exit %d\n%s%s", code, out, errOut)
	}
	got := readBackConsent(t, home, healthy.url, emails)
	for _, email := range emails {
		if got[email] != "SUBSCRIBED" {
			t.Errorf("%s reads back %q after the retry", email, got[email])
		}
	}
}
