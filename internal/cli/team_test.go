package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/consentdesk/consent/internal/pgtest"
	"github.com/consentdesk/consent/sandbox"
)

// The team journal's tests share one throwaway PostgreSQL cluster,
// started the first time one needs it and stopped by TestMain.
var (
	pgOnce    sync.Once
	pgCluster *pgtest.Cluster
	pgErr     error
)

// teamDB is a new database on the shared cluster.
func teamDB(t *testing.T) string {
	t.Helper()
	pgOnce.Do(func() { pgCluster, pgErr = pgtest.Start() })
	return pgtest.Need(t, pgCluster, pgErr).NewDatabase(t)
}

// agentHome is a CONSENT_HOME whose config names agent.
func agentHome(t *testing.T, agent string) string {
	t.Helper()
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, "config.toml"), []byte("agent = \""+agent+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return home
}

// teamEnv is the environment of an agent at home recording in the team
// journal url, sending to the double.
func teamEnv(d *klaviyoDouble, home, url string) []string {
	return []string{"CONSENT_HOME=" + home, "KLAVIYO_API_URL=" + d.srv.URL, "KLAVIYO_API_KEY=" + keyA, "CONSENT_JOURNAL_URL=" + url}
}

// TestTeamJournal: two agents record in one PostgreSQL journal; history
// filters by agent, person and state; verify checks the chain; export
// writes CSV with who made each entry; nothing goes to a local file.
func TestTeamJournal(t *testing.T) {
	url := teamDB(t)
	d := newKlaviyoDouble(t, sandbox.Options{})
	ana, ben := agentHome(t, "ana"), agentHome(t, "ben")
	for _, c := range []struct{ home, email string }{{ana, "team.x@example.com"}, {ben, "team.y@example.com"}} {
		if out, errOut, code := runBinary(t, teamEnv(d, c.home, url), "subscribe", "--list", "Y6nRLr", "--email", c.email, "--email-marketing"); code != 0 {
			t.Fatalf("subscribe %s: %d\n%s%s", c.email, code, out, errOut)
		}
	}
	out, _, code := runBinary(t, teamEnv(d, ana, url), "history", "--agent", "ben", "--json")
	if es := jsonLines(t, string(out)); code != 0 || len(es) != 1 || es[0]["agent"] != "ben" {
		t.Errorf("history --agent ben: %d %s", code, out)
	}
	out, _, _ = runBinary(t, teamEnv(d, ben, url), "history", "--person", "TEAM.X@example.com", "--state", "verified", "--since", "1h", "--json")
	if es := jsonLines(t, string(out)); len(es) != 1 || es[0]["agent"] != "ana" {
		t.Errorf("history --person: %s", out)
	}
	out, _, _ = runBinary(t, teamEnv(d, ben, url), "history", "--state", "failed")
	if !strings.Contains(string(out), "No entry of the journal matches.") {
		t.Errorf("history --state failed: %s", out)
	}
	if _, errOut, code := runBinary(t, teamEnv(d, ben, url), "history", "--since", "last week"); code != 2 || !strings.Contains(string(errOut), "--since") {
		t.Errorf("a bad --since: %d %s", code, errOut)
	}
	out, errOut, code := runBinary(t, teamEnv(d, ben, url), "history", "verify")
	if code != 0 || !strings.Contains(string(out), "the chain holds: 6 records in 1 chain") || strings.Contains(string(out), "secret") {
		t.Errorf("history verify: %d %s%s", code, out, errOut)
	}
	out, _, code = runBinary(t, teamEnv(d, ben, url), "history", "export", "--format", "csv")
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], "id,at,agent,account") || !strings.Contains(lines[1], ",ana,") || !strings.Contains(lines[2], ",ben,") {
		t.Errorf("export: %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(ana, "journal.jsonl")); err == nil {
		t.Error("a local journal file was written beside the team journal")
	}
}

// TestTwoAgentsRetryAtOnce: ten subscribes left pending by a failing
// Klaviyo, journaled by two agents' processes at once, are retried by both
// at once against one journal: none is lost, each is sent exactly once,
// every one ends verified, and the chain holds.
func TestTwoAgentsRetryAtOnce(t *testing.T) {
	url := teamDB(t)
	d := newKlaviyoDouble(t, sandbox.Options{})
	ana, ben := agentHome(t, "ana"), agentHome(t, "ben")
	d.failPosts.Store(true)
	var journaling sync.WaitGroup
	for k, home := range []string{ana, ben} { // two agents journaling at once
		journaling.Add(1)
		go func() {
			defer journaling.Done()
			for i := range 5 {
				email := "retry" + string(rune('a'+k*5+i)) + "@example.com"
				if _, _, code := runBinary(t, teamEnv(d, home, url), "subscribe", "--list", "Y6nRLr", "--email", email, "--email-marketing"); code != 1 {
					t.Errorf("subscribe %s against a failing Klaviyo: exit %d", email, code)
				}
			}
		}()
	}
	journaling.Wait()
	d.failPosts.Store(false)
	before := d.posts.Load()
	var wg sync.WaitGroup
	for _, home := range []string{ana, ben} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runBinary(t, teamEnv(d, home, url), "history", "retry", "--all", "--wait", "10s")
		}()
	}
	wg.Wait()
	if sent := d.posts.Load() - before; sent != 10 {
		t.Errorf("%d POSTs for 10 entries retried by two agents at once", sent)
	}
	out, _, _ := runBinary(t, teamEnv(d, ana, url), "history", "--json")
	verified := 0
	for _, e := range jsonLines(t, string(out)) {
		if e["state"] == "verified" && e["retry_of"] == nil {
			verified++
		}
	}
	if verified != 10 {
		t.Errorf("%d of 10 entries verified:\n%s", verified, out)
	}
	if out, _, code := runBinary(t, teamEnv(d, ben, url), "history", "verify"); code != 0 || !strings.Contains(string(out), "the chain holds") {
		t.Errorf("verify: %d %s", code, out)
	}
}

// TestTeamJournalDown: with the database unreachable a subscribe sends
// nothing and says so (exit 1); stopped mid-submit, the entry committed
// before sending stays, and a retry settles it without sending again;
// killed -9 mid-submit, the pending entry is retried once.
func TestTeamJournalDown(t *testing.T) {
	teamDB(t) // skip or fail as the shared cluster would
	c, err := pgtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	url := c.NewDatabase(t)
	d := newKlaviyoDouble(t, sandbox.Options{})
	home := agentHome(t, "ana")
	env := teamEnv(d, home, url)

	if err := c.Kill(); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runBinary(t, env, "subscribe", "--list", "Y6nRLr", "--email", "down@example.com", "--email-marketing")
	if code != 1 || !strings.Contains(string(errOut), "cannot be reached") || !strings.Contains(string(errOut), "nothing is sent") || d.posts.Load() != 0 {
		t.Fatalf("database down: exit %d, %d POSTs\n%s", code, d.posts.Load(), errOut)
	}
	if err := c.Restart(); err != nil {
		t.Fatal(err)
	}

	// Stopped while the job is on its way: the entry was committed first.
	d.latency.Store(int64(2 * time.Second))
	cmd := exec.Command(consentBinary(t), "subscribe", "--list", "Y6nRLr", "--email", "midway@example.com", "--email-marketing")
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitForRow(t, url, "midway@example.com")
	if err := c.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil {
		t.Error("a subscribe whose journal went away mid-submit exited 0")
	}
	if err := c.Restart(); err != nil {
		t.Fatal(err)
	}
	d.latency.Store(0)
	posts := d.posts.Load()
	if out, errOut, code := runBinary(t, env, "history", "retry", "--all", "--wait", "10s"); code != 0 || d.posts.Load() != posts {
		t.Errorf("retry after the database came back: exit %d, %d more POSTs\n%s%s", code, d.posts.Load()-posts, out, errOut)
	}

	// Killed -9 while the job is on its way.
	d.latency.Store(int64(3 * time.Second))
	arrived := d.arrived.Load()
	cmd = exec.Command(consentBinary(t), "subscribe", "--list", "Y6nRLr", "--email", "killed@example.com", "--email-marketing")
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitForRow(t, url, "killed@example.com")
	// Killed once the job is out, held by the latency (the guard's look-ups
	// before it take a latency each).
	for deadline := time.Now().Add(30 * time.Second); d.arrived.Load() == arrived; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatal("the subscribe's job never reached Klaviyo")
		}
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	d.latency.Store(0)
	posts = d.posts.Load()
	out, errOut, code := runBinary(t, env, "history", "retry", "--all", "--wait", "10s")
	if code != 0 || d.posts.Load() != posts+1 {
		t.Errorf("retry after kill -9: exit %d, %d POSTs (want 1)\n%s%s", code, d.posts.Load()-posts, out, errOut)
	}
	if out, _, _ := runBinary(t, env, "history", "verify"); !strings.Contains(string(out), "the chain holds") {
		t.Errorf("verify after the crashes: %s", out)
	}
}

// waitForRow waits until the journal at url holds an entry for email.
func waitForRow(t *testing.T, url, email string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM consent_journal WHERE op = 'add' AND record LIKE '%' || $1 || '%'", email).Scan(&n); err == nil && n > 0 {
			return
		}
	}
	t.Fatalf("no entry for %s was journaled", email)
}

// TestMigrateToTheTeamJournal: a local journal copied into the team's
// keeps its entry ids; run again, it copies nothing; the team journal
// then reads the same entries.
func TestMigrateToTheTeamJournal(t *testing.T) {
	url := teamDB(t)
	d := newKlaviyoDouble(t, sandbox.Options{})
	home := agentHome(t, "ana")
	local := []string{"CONSENT_HOME=" + home, "KLAVIYO_API_URL=" + d.srv.URL, "KLAVIYO_API_KEY=" + keyA}
	for _, email := range []string{"mig.a@example.com", "mig.b@example.com"} {
		if _, _, code := runBinary(t, local, "subscribe", "--list", "Y6nRLr", "--email", email, "--email-marketing"); code != 0 {
			t.Fatal(email)
		}
	}
	withPassword := strings.Replace(url, "consent@", "consent:hunter2@", 1)
	out, errOut, code := runBinary(t, local, "history", "migrate", "--to", withPassword)
	if code != 0 || !strings.Contains(string(out), "copied 2 entries (6 records)") || strings.Contains(string(out)+string(errOut), "hunter2") {
		t.Fatalf("migrate: %d %s%s", code, out, errOut)
	}
	out, _, code = runBinary(t, local, "history", "migrate", "--to", url)
	if code != 0 || !strings.Contains(string(out), "copied 0 entries (0 records)") || !strings.Contains(string(out), "6 records were already there") {
		t.Fatalf("migrate again: %d %s", code, out)
	}
	mine, _, _ := runBinary(t, local, "history", "--json")
	team, _, _ := runBinary(t, append(local, "CONSENT_JOURNAL_URL="+url), "history", "--json")
	a, b := jsonLines(t, string(mine)), jsonLines(t, string(team))
	if len(a) != 2 || len(b) != 2 || a[0]["id"] != b[0]["id"] || a[1]["id"] != b[1]["id"] || b[0]["state"] != "verified" {
		t.Errorf("local %v\nteam %v", a, b)
	}
}

// TestHistoryReadsTheNamedAccountsJournal: with two accounts in
// config.toml, one keeping its journal on PostgreSQL, `history --account`
// reads that account's journal (not the default's, the local file) and
// keeps its entries; verify --account checks that journal's chain; an
// account config.toml does not name is refused, exit 2.
func TestHistoryReadsTheNamedAccountsJournal(t *testing.T) {
	url := teamDB(t)
	d := newKlaviyoDouble(t, sandbox.Options{})
	home := t.TempDir()
	config := "agent = \"ana\"\n[accounts.eu]\nkey = \"" + keyA + "\"\njournal = \"" + url + "\"\n[accounts.us]\nkey = \"" + keyA + "\"\n"
	if err := os.WriteFile(filepath.Join(home, "config.toml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"CONSENT_HOME=" + home, "KLAVIYO_API_URL=" + d.srv.URL}
	if out, errOut, code := runBinary(t, env, "subscribe", "--account", "eu", "--list", "Y6nRLr", "--email", "eu.person@example.com", "--email-marketing"); code != 0 {
		t.Fatalf("subscribe on eu: %d\n%s%s", code, out, errOut)
	}
	for _, args := range [][]string{{"history", "--account", "eu", "--json"}, {"--account", "eu", "history", "--json"}} {
		out, errOut, code := runBinary(t, env, args...)
		if es := jsonLines(t, string(out)); code != 0 || len(es) != 1 || es[0]["account"] != "eu" {
			t.Errorf("%s: %d %s%s", strings.Join(args, " "), code, out, errOut)
		}
	}
	for _, account := range []string{"", "us"} {
		args := []string{"history", "--json"}
		if account != "" {
			args = append(args, "--account", account)
		}
		if out, errOut, code := runBinary(t, env, args...); code != 0 || len(jsonLines(t, string(out))) != 0 {
			t.Errorf("%s: %d %s%s, want the local file's none", strings.Join(args, " "), code, out, errOut)
		}
	}
	out, errOut, code := runBinary(t, env, "history", "verify", "--account", "eu")
	if code != 0 || !strings.Contains(string(out), "the chain holds: 3 records in 1 chain") {
		t.Errorf("history verify --account eu: %d %s%s", code, out, errOut)
	}
	out, errOut, code = runBinary(t, env, "history", "--account", "asia")
	if code != 2 || !strings.Contains(string(errOut), `no account "asia"`) || len(out) != 0 {
		t.Errorf("history --account asia: %d %s%s, want exit 2 naming the account", code, out, errOut)
	}
}
