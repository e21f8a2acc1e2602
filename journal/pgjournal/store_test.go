package pgjournal

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/consentdesk/consent/internal/pgtest"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

var (
	cluster    *pgtest.Cluster
	clusterErr error
)

func TestMain(m *testing.M) {
	cluster, clusterErr = pgtest.Start()
	code := m.Run()
	cluster.Stop()
	os.Exit(code)
}

// open is a store on a new database of the test cluster, for agent.
func open(t *testing.T, url, agent string) *Store {
	t.Helper()
	s, err := Open(context.Background(), url, journal.Meta{Agent: agent})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newDB(t testing.TB) string {
	t.Helper()
	return pgtest.Need(t, cluster, clusterErr).NewDatabase(t)
}

var here = journal.Origin{Backend: "SANDBOX"}

func pending(email string) journal.Entry {
	return journal.Entry{Action: journal.ActionSubscribe, Origin: here,
		Request: model.ConsentRequest{Email: email, Channels: []model.Channel{model.EmailMarketing}}}
}

// TestStoreKeepsEntriesAsTheFileDoes: entries added, changed, claimed and
// released read back as the file journal reads them, newest first, with
// who made each change; every write is a new row, none is changed.
func TestStoreKeepsEntriesAsTheFileDoes(t *testing.T) {
	s := open(t, newDB(t), "dana")
	a, err := s.Add(pending("a@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	ids, err := s.AddMany([]journal.Entry{pending("b@example.com"), pending("c@example.com")})
	if err != nil || len(ids) != 2 {
		t.Fatal(ids, err)
	}
	if err := s.Update(a, journal.Change{State: journal.StateVerified, Result: "verified"}); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateMany([]journal.IDChange{{ID: ids[0], Change: journal.Change{State: journal.StateAccepted, Sending: true}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Update("no-such-entry", journal.Change{State: journal.StateVerified}); err == nil || !strings.Contains(err.Error(), "no such entry") {
		t.Errorf("a change of an unknown entry: %v", err)
	}
	if _, _, err := s.Claim(ids[1], "dana@host:1"); err != nil {
		t.Fatal(err)
	}
	if err := s.Release(ids[1], "dana@host:1"); err != nil {
		t.Fatal(err)
	}
	es, err := s.Entries()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]journal.Entry{}
	for _, e := range es {
		got[e.Request.Email] = e
	}
	if len(es) != 3 || got["a@example.com"].State != journal.StateVerified || got["b@example.com"].State != journal.StateAccepted ||
		got["b@example.com"].SentAt.IsZero() || got["c@example.com"].State != journal.StatePending || got["c@example.com"].ClaimedBy != "" ||
		got["a@example.com"].Agent != "dana" {
		t.Errorf("entries = %+v", es)
	}
	var rows int
	if err := s.pool.QueryRow(context.Background(), "SELECT count(*) FROM consent_journal").Scan(&rows); err != nil || rows != 7 {
		t.Errorf("%d rows (%v), want 7: one per entry and per change", rows, err)
	}
}

// TestTheJournalIsAppendOnly: the database refuses to change or delete a
// row, even asked directly.
func TestTheJournalIsAppendOnly(t *testing.T) {
	s := open(t, newDB(t), "dana")
	if _, err := s.Add(pending("a@example.com")); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{"UPDATE consent_journal SET record = '{}'", "DELETE FROM consent_journal", "TRUNCATE consent_journal"} {
		if _, err := s.pool.Exec(context.Background(), sql); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v", sql, err)
		}
	}
}

// TestMigrationsRunOnceAndAgain: opening a database migrates it to the
// newest version; opening it again, or from two agents at once, applies
// nothing twice.
func TestMigrationsRunOnceAndAgain(t *testing.T) {
	url := newDB(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(context.Background(), url, journal.Meta{})
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	s := open(t, url, "dana")
	var versions []int
	rows, err := s.pool.Query(context.Background(), "SELECT version FROM consent_schema ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	versions, err = pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil || len(versions) != SchemaVersion() || versions[len(versions)-1] != SchemaVersion() {
		t.Errorf("versions %v (%v), want 1..%d once each", versions, err, SchemaVersion())
	}
}

// TestVerifyFindsAnEditedRow: the chain of an untouched journal verifies;
// a row edited behind the program's back (its trigger disabled, as a
// database owner could) is named, and so is a deleted one.
func TestVerifyFindsAnEditedRow(t *testing.T) {
	ctx := context.Background()
	s := open(t, newDB(t), "dana")
	other := pending("x@example.com")
	other.Origin = journal.Origin{Backend: "Klaviyo https://a.klaviyo.com", Account: "eu-shop"}
	var ids []string
	for i := range 5 {
		id, err := s.Add(pending(fmt.Sprintf("p%d@example.com", i)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		if err := s.Update(id, journal.Change{State: journal.StateVerified, Result: "verified"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Add(other); err != nil {
		t.Fatal(err)
	}
	v, err := s.Verify(ctx)
	if err != nil || !v.OK() || v.Records != 11 || v.Chains != 2 {
		t.Fatalf("untouched: %+v, %v", v, err)
	}
	mustExec(t, s, "ALTER TABLE consent_journal DISABLE TRIGGER consent_journal_no_change")
	mustExec(t, s, "UPDATE consent_journal SET record = replace(record, 'p2@example.com', 'someone@example.com') WHERE entry_id = $1 AND op = 'add'", ids[2])
	v, err = s.Verify(ctx)
	if err != nil || len(v.Breaks) != 1 || v.Breaks[0].EntryID != ids[2] || v.Breaks[0].Op != "add" || !strings.Contains(v.Breaks[0].Reason, "edited") {
		t.Fatalf("after an edit: %+v, %v", v, err)
	}
	mustExec(t, s, "UPDATE consent_journal SET record = replace(record, 'someone@example.com', 'p2@example.com') WHERE entry_id = $1", ids[2])
	mustExec(t, s, "DELETE FROM consent_journal WHERE entry_id = $1 AND op = 'update'", ids[1])
	v, err = s.Verify(ctx)
	if err != nil || len(v.Breaks) != 1 || v.Breaks[0].EntryID != ids[2] || !strings.Contains(v.Breaks[0].Reason, "does not link") {
		t.Fatalf("after a deletion: %+v, %v", v, err)
	}
}

func mustExec(t *testing.T, s *Store, sql string, args ...any) {
	t.Helper()
	if _, err := s.pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatal(err)
	}
}

// TestClaimsTakeEachEntryOnce: two agents, each with their own
// connections, claim the same twenty entries at once: every entry is
// claimed by exactly one of them.
func TestClaimsTakeEachEntryOnce(t *testing.T) {
	url := newDB(t)
	a, b := open(t, url, "ana"), open(t, url, "ben")
	var ids []string
	for i := range 20 {
		id, err := a.Add(pending(fmt.Sprintf("c%d@example.com", i)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	won := make([]map[string]bool, 2)
	var wg sync.WaitGroup
	for k, s := range []*Store{a, b} {
		won[k] = map[string]bool{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, id := range ids {
				_, _, err := s.Claim(id, fmt.Sprintf("agent%d@elsewhere:1", k))
				var ce *journal.ClaimError
				switch {
				case err == nil:
					won[k][id] = true
				case errors.As(err, &ce):
				default:
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if won[0][id] == won[1][id] {
			t.Errorf("entry %s claimed by %v and %v: want exactly one", id, won[0][id], won[1][id])
		}
	}
}

// TestCopyIsIdempotent: a file journal copied into the database keeps its
// entry ids and states; copied again, nothing is added; records the file
// gained since are copied then.
func TestCopyIsIdempotent(t *testing.T) {
	ctx := context.Background()
	f, err := journal.Open(t.TempDir()+"/journal.jsonl", journal.Meta{Agent: "dana"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 3 {
		id, err := f.Add(pending(fmt.Sprintf("f%d@example.com", i)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := f.Update(ids[0], journal.Change{State: journal.StateVerified, Result: "verified"}); err != nil {
		t.Fatal(err)
	}
	s := open(t, newDB(t), "dana")
	copyFile := func() (int, int) {
		recs, origins, problems, err := f.Records()
		if err != nil || len(problems) > 0 {
			t.Fatal(err, problems)
		}
		entries, copied, err := s.Copy(ctx, recs, origins)
		if err != nil {
			t.Fatal(err)
		}
		return entries, copied
	}
	if e, c := copyFile(); e != 3 || c != 4 {
		t.Fatalf("first copy: %d entries, %d records; want 3, 4", e, c)
	}
	if e, c := copyFile(); e != 0 || c != 0 {
		t.Fatalf("second copy: %d entries, %d records; want none", e, c)
	}
	if err := f.Update(ids[1], journal.Change{State: journal.StateFailed, Result: "not sent"}); err != nil {
		t.Fatal(err)
	}
	if e, c := copyFile(); e != 0 || c != 1 {
		t.Fatalf("after a change in the file: %d entries, %d records; want 0, 1", e, c)
	}
	want, _ := f.Entries()
	got, err := s.Entries()
	if err != nil || len(got) != len(want) {
		t.Fatalf("entries %d (%v), want %d", len(got), err, len(want))
	}
	for i := range want {
		if got[i].ID != want[i].ID || got[i].State != want[i].State || got[i].Request.Email != want[i].Request.Email {
			t.Errorf("entry %d: %s %s, want %s %s", i, got[i].ID, got[i].State, want[i].ID, want[i].State)
		}
	}
	if v, err := s.Verify(ctx); err != nil || !v.OK() {
		t.Errorf("verify after copies: %+v %v", v, err)
	}
}

// TestRedactHidesThePassword: the URL as printed keeps everything but the
// password.
func TestRedactHidesThePassword(t *testing.T) {
	got := Redact("postgres://dana:s3cret-pw@db.example.com:5432/consent?sslmode=verify-full")
	if strings.Contains(got, "s3cret-pw") || !strings.Contains(got, "dana:xxxxx@db.example.com:5432/consent?sslmode=verify-full") {
		t.Errorf("Redact = %q", got)
	}
	_, err := Open(context.Background(), "postgres://dana:s3cret-pw@127.0.0.1:1/consent?connect_timeout=2", journal.Meta{})
	if err == nil || strings.Contains(err.Error(), "s3cret-pw") || !strings.Contains(err.Error(), "cannot be reached") {
		t.Errorf("an unreachable database: %v", err)
	}
}

// TestClaimReadsThePersonsEntries: a claim reads the entries about the
// same person (the email in any case, the number) — so a resend of the
// entry refuses it, and a later change comes back for the retry's check —
// and not the rest of the journal.
func TestClaimReadsThePersonsEntries(t *testing.T) {
	s := open(t, newDB(t), "dana")
	first, err := s.Add(pending("Person@Example.com"))
	if err != nil {
		t.Fatal(err)
	}
	later := pending("person@example.com")
	later.State = journal.StateVerified
	if _, err := s.Add(later); err != nil {
		t.Fatal(err)
	}
	byPhone := journal.Entry{Action: journal.ActionSubscribe, Origin: here, Request: model.ConsentRequest{Phone: "+12015550123", Channels: []model.Channel{model.SMSMarketing}}}
	phoneID, err := s.Add(byPhone)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := s.Add(pending(fmt.Sprintf("other%d@example.com", i))); err != nil {
			t.Fatal(err)
		}
	}
	_, all, err := s.Claim(first, "dana@host:1")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 {
		t.Errorf("the claim read %d entries, want the person's 2: %+v", len(all), all)
	}
	if err := s.Release(first, "dana@host:1"); err != nil {
		t.Fatal(err)
	}
	resend := byPhone
	resend.RetryOf = phoneID
	if _, err := s.Add(resend); err != nil {
		t.Fatal(err)
	}
	var ce *journal.ClaimError
	if _, _, err := s.Claim(phoneID, "dana@host:1"); !errors.As(err, &ce) || !strings.Contains(err.Error(), "was resent as") {
		t.Errorf("claiming an entry resent since: %v", err)
	}
}

// TestMatchingKeepsWhatTheFilterKeeps: the entries Matching reads from
// the database are exactly those the filter keeps of all the entries, for
// each filter alone and together, with an entry's state its latest.
func TestMatchingKeepsWhatTheFilterKeeps(t *testing.T) {
	url := newDB(t)
	ana, ben := open(t, url, "ana"), open(t, url, "Ben")
	day := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	add := func(s *Store, at time.Time, account, email, phone string, state journal.State) {
		t.Helper()
		s.now = func() time.Time { return at }
		e := pending(email)
		e.Origin.Account, e.Request.Phone = account, phone
		id, err := s.Add(e)
		if err == nil && state != journal.StatePending {
			err = s.Update(id, journal.Change{State: state, Result: string(state)})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	add(ana, day, "eu", "Lea@Example.com", "+33612345678", journal.StateVerified)
	add(ana, day.Add(48*time.Hour), "us", "sam@example.com", "", journal.StateFailed)
	add(ben, day.Add(24*time.Hour), "eu", "lea@example.com", "", journal.StatePending)
	add(ben, day.Add(72*time.Hour), "", "", "+33612345678", journal.StateVerified)
	add(ben, day.Add(72*time.Hour+time.Microsecond), "us", "kim@example.com", "", journal.StateVerified)

	all, err := ana.Entries()
	if err != nil || len(all) != 5 {
		t.Fatalf("%d entries, %v", len(all), err)
	}
	tests := []struct {
		name string
		f    journal.Filter
		want int
	}{
		{"none", journal.Filter{}, 5},
		{"agent in any case", journal.Filter{Agent: "BEN"}, 3},
		{"account", journal.Filter{Account: "eu"}, 2},
		{"since, to the microsecond", journal.Filter{Since: day.Add(72*time.Hour + time.Microsecond)}, 1},
		{"since a day", journal.Filter{Since: day.Add(24 * time.Hour)}, 4},
		{"email in any case", journal.Filter{Email: "lea@example.com"}, 2},
		{"phone", journal.Filter{Phone: "+33612345678"}, 2},
		{"state, the latest", journal.Filter{State: journal.StatePending}, 1},
		{"together", journal.Filter{Agent: "ana", Account: "eu", Email: "lea@example.com", State: journal.StateVerified, Since: day}, 1},
		{"nobody", journal.Filter{Agent: "cy"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []string
			for _, e := range all {
				if tt.f.Match(e) {
					want = append(want, e.ID)
				}
			}
			got, err := ben.Matching(tt.f)
			if err != nil {
				t.Fatal(err)
			}
			ids := make([]string, len(got))
			for i, e := range got {
				ids[i] = e.ID
			}
			if len(want) != tt.want || !slices.Equal(ids, want) {
				t.Errorf("Matching kept %v, want %v (%d)", ids, want, tt.want)
			}
		})
	}
}

// TestAnUpToDateSchemaTakesNoLock: opening a journal whose schema is up
// to date does not wait for the migration lock (another program holding
// it, migrating), and a schema newer than this program's is refused.
func TestAnUpToDateSchemaTakesNoLock(t *testing.T) {
	url := newDB(t)
	s := open(t, url, "dana")
	func() {
		conn, err := s.pool.Acquire(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Release() // before s closes: a pool waits for what it lent
		if _, err := conn.Exec(context.Background(), "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
			t.Fatal(err)
		}
		defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", migrationLock) //nolint:errcheck // the connection's end frees it too
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		again, err := Open(ctx, url, journal.Meta{Agent: "ben"})
		if err != nil {
			t.Fatalf("an up-to-date journal opened under another's migration lock: %v", err)
		}
		again.Close()
	}()

	mustExec(t, s, "INSERT INTO consent_schema (version, description) VALUES ($1, 'from a newer Consent Desk')", SchemaVersion()+1)
	if newer, err := Open(context.Background(), url, journal.Meta{}); err == nil || !strings.Contains(err.Error(), "newer than this program knows") {
		if newer != nil {
			newer.Close()
		}
		t.Fatalf("a newer schema: %v, want it refused", err)
	}
}
