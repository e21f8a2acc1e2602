package sandbox

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestOpenFilePermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "consent")
	path := filepath.Join(dir, "sandbox.db")
	s := openTest(t, Options{Path: path})
	if err := s.SeedDemo(context.Background()); err != nil { // writes: creates -wal and -shm
		t.Fatal(err)
	}
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != 0o700 {
		t.Errorf("directory mode %o, want 700", got)
	}
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		info, err := os.Stat(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := info.Mode().Perm(); got != 0o600 {
			t.Errorf("%s mode %o, want 600", filepath.Base(name), got)
		}
	}
}

func TestOpenTightensExistingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	openTest(t, Options{Path: path})
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != 0o600 {
		t.Errorf("mode %o, want 600", got)
	}
}

func TestPrivateDatabaseRemovedOnClose(t *testing.T) {
	s, err := Open(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
		t.Errorf("temporary directory still there after Close: %v", err)
	}
}

func TestSchemaVersion(t *testing.T) {
	s := openTest(t, Options{})
	var v int
	if err := s.db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	if v != len(migrations) {
		t.Errorf("user_version %d, want %d", v, len(migrations))
	}
	var mode string
	if err := s.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Errorf("journal_mode %q, want wal", mode)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	s := openTest(t, Options{Path: path})
	if _, err := s.db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), Options{Path: path}); err == nil {
		t.Fatal("Open accepted a database from a newer program")
	}
}

func TestSeedDemoIdempotent(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	count := func() (lists, profiles, members int) {
		t.Helper()
		for q, dst := range map[string]*int{
			"SELECT count(*) FROM lists": &lists, "SELECT count(*) FROM profiles": &profiles, "SELECT count(*) FROM memberships": &members,
		} {
			if err := s.db.QueryRow(q).Scan(dst); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	l1, p1, m1 := count()
	if l1 < 12 || p1 < 200 || m1 < p1 {
		t.Fatalf("demo data too small: %d lists, %d profiles, %d members", l1, p1, m1)
	}
	if err := s.SeedDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	if l2, p2, m2 := count(); l2 != l1 || p2 != p1 || m2 != m1 {
		t.Errorf("second SeedDemo changed the data: %d/%d/%d → %d/%d/%d", l1, p1, m1, l2, p2, m2)
	}
}

func TestSeedDemoDeterministic(t *testing.T) {
	ids := func() []string {
		s, _ := openSeeded(t, Options{})
		return queryStrings(t, s.db, "SELECT id || coalesce(email, '') || coalesce(phone_number, '') FROM profiles ORDER BY seq LIMIT 50")
	}
	a, b := ids(), ids()
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("the seeds gave %d and %d profiles, want the same number and some", len(a), len(b))
	}
	if !slices.Equal(a, b) {
		t.Fatalf("the profiles differ between seeds:\n%q\n%q", a, b)
	}
}

func TestSeedDemoPhonesAreValid(t *testing.T) {
	s, _ := openSeeded(t, Options{})
	regions := map[string]int{}
	for _, phone := range queryStrings(t, s.db, "SELECT phone_number FROM profiles WHERE phone_number IS NOT NULL") {
		a := s.phones.Analyze(phone)
		if !a.Valid || a.E164 != phone {
			t.Errorf("demo phone %s is not valid E.164: %s", phone, a.Reason)
		}
		regions[a.Region]++
	}
	for _, want := range []string{"US", "CA", "GB", "DE", "FR", "AU", "NZ", "SI", "PR", "HU", "BR", "IN"} {
		if regions[want] == 0 {
			t.Errorf("no demo profile from %s (have %v)", want, regions)
		}
	}
}

// TestJobsSurviveReopen stores a job, closes the sandbox before it is due,
// and applies it after reopening the same file.
func TestJobsSurviveReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sandbox.db")
	clock := newFakeClock()
	s, err := Open(ctx, Options{Path: path, Now: clock.Now, JobDelay: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	inProcess(t, s).post("/api/profile-subscription-bulk-create-jobs",
		subscribeBody("Y6nRLr", map[string]any{"email": "persist@example.com", "subscriptions": subs("SUBSCRIBED", "email")})).must(t, 202)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2 := openTest(t, Options{Path: path, Now: clock.Now, JobDelay: time.Minute})
	if n, err := s2.PendingJobs(ctx); err != nil || n != 1 {
		t.Fatalf("PendingJobs = %d, %v; want 1", n, err)
	}
	c := inProcess(t, s2)
	if got := c.lookup(`equals(email,"persist@example.com")`); len(got) != 0 {
		t.Fatalf("job applied before it was due: %v", got)
	}
	clock.Advance(time.Minute)
	if err := s2.ApplyDueJobs(ctx); err != nil {
		t.Fatal(err)
	}
	got := c.lookup(`equals(email,"persist@example.com")`)
	if len(got) != 1 || dig(got[0], "attributes", "subscriptions", "email", "marketing", "consent") != "SUBSCRIBED" {
		t.Fatalf("job not applied after reopening: %v", got)
	}
	if n, _ := s2.PendingJobs(ctx); n != 0 {
		t.Errorf("%d jobs left after applying", n)
	}
}

// TestJobAppliedAtItsDueTime: a job is applied at its own due time, not at
// the time of whichever request comes next (here two hours later, as when
// the UI is closed with a job queued and opened again).
func TestJobAppliedAtItsDueTime(t *testing.T) {
	clock := newFakeClock()
	posted := clock.Now()
	s := openTest(t, Options{Now: clock.Now, JobDelay: 5 * time.Second})
	if err := s.SeedDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	c := inProcess(t, s)
	c.post("/api/profile-subscription-bulk-create-jobs",
		subscribeBody("Y6nRLr", map[string]any{"email": "late@example.com", "subscriptions": subs("SUBSCRIBED", "email")})).must(t, 202)
	clock.Advance(2 * time.Hour)
	got := c.lookup(`equals(email,"late@example.com")`)
	if len(got) != 1 {
		t.Fatalf("lookup = %v", got)
	}
	want := posted.Add(5 * time.Second)
	for _, path := range [][]any{
		{"attributes", "subscriptions", "email", "marketing", "consent_timestamp"},
		{"attributes", "created"},
	} {
		ts, _ := dig(got[0], path...).(string)
		at, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil || !(at.Equal(want) || at.Equal(want.Truncate(time.Second))) { // created is to the second
			t.Errorf("%v = %q, want %s", path, ts, want.Format(time.RFC3339Nano))
		}
	}
}
