// Package pgjournal is the journal of a team on PostgreSQL: every entry
// and every change of its state an append-only row, committed before the
// change is sent, hash-chained per account so that an edited row is found
// (Verify), and claims taken under row locks (FOR UPDATE SKIP LOCKED) so
// that of agents retrying at once, one sends each entry. It implements
// journal.Store with the file journal's records and rules.
package pgjournal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/consentdesk/consent/journal"
)

// Timeout bounds each write and read: a database that does not answer in
// it is unreachable, and nothing is sent.
const Timeout = 10 * time.Second

// Store is the journal in a PostgreSQL database.
type Store struct {
	pool    *pgxpool.Pool
	meta    journal.Meta
	where   string // the URL, its password redacted
	now     func() time.Time
	mu      sync.Mutex
	chainOf map[string]string // entry id → its chain, once known
}

// IsURL reports whether s names a PostgreSQL journal (postgres:// or
// postgresql://) rather than a file.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Redact is a database URL with its password, if any, replaced: the form
// that may be printed or journaled.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "a postgres:// URL that cannot be read"
	}
	return u.Redacted()
}

// Open connects to the database at rawURL (TLS and every other setting as
// the URL says), migrates its schema and returns the store; agent is who
// writes its changes. An unreachable database is an error that names it,
// its password redacted.
func Open(ctx context.Context, rawURL string, meta journal.Meta) (*Store, error) {
	where := Redact(rawURL)
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("journal %s: %s", where, scrub(err, rawURL))
	}
	cfg.MaxConns = 8
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("journal %s: %s", where, scrub(err, rawURL))
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("journal %s cannot be reached: %s", where, scrub(err, rawURL))
	}
	if _, err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("journal %s: %s", where, scrub(err, rawURL))
	}
	return &Store{pool: pool, meta: meta, where: where, now: time.Now, chainOf: map[string]string{}}, nil
}

// scrub is err's text without the URL's password, should a driver quote it.
func scrub(err error, rawURL string) string {
	text := err.Error()
	if u, perr := url.Parse(rawURL); perr == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			text = strings.ReplaceAll(text, pw, "xxxxx")
		}
	}
	return text
}

// Close closes the connections.
func (s *Store) Close() error { s.pool.Close(); return nil }

// Where is the database, its password redacted.
func (s *Store) Where() string { return s.where }

// Team reports that the journal is shared by a team (History says so).
func (s *Store) Team() bool { return true }

// fail is err as the store says it: where, and without a password.
func (s *Store) fail(what string, err error) error {
	return fmt.Errorf("journal %s: %s: %w", s.where, what, err)
}

// ChainOf is the hash chain an entry of origin o belongs to: one per
// account (an account's backend and name; without one, its key).
func ChainOf(o journal.Origin) string { return o.String() }

// Hash is a record's link in its chain: SHA-256 over the previous link,
// the chain, the entry, the operation and the record's text.
func Hash(prev, chain, entryID, op, record string) string {
	h := sha256.New()
	for _, part := range []string{prev, chain, entryID, op, record} {
		h.Write([]byte(part))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// row is a record to append, with its chain and the agent who wrote it.
type row struct {
	chain, agent string
	rec          journal.Record
}

// appendRows writes rows in one transaction, each linked to the last of its
// chain under that chain's advisory lock, and commits: on return they are
// durable. in, when given, runs first in the same transaction (a claim's
// check under its row lock).
func (s *Store) appendRows(ctx context.Context, in func(pgx.Tx) ([]row, error)) error {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit it does nothing
	rows, err := in(tx)
	if err != nil {
		return err
	}
	last := map[string]string{}
	for _, r := range rows {
		prev, ok := last[r.chain]
		if !ok {
			if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", "consent_journal:"+r.chain); err != nil {
				return err
			}
			err := tx.QueryRow(ctx, "SELECT hash FROM consent_journal WHERE chain = $1 ORDER BY seq DESC LIMIT 1", r.chain).Scan(&prev)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		text := string(r.rec.JSON)
		hash := Hash(prev, r.chain, r.rec.ID, r.rec.Op, text)
		if _, err := tx.Exec(ctx, `INSERT INTO consent_journal (chain, entry_id, op, record, agent, prev_hash, hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, r.chain, r.rec.ID, r.rec.Op, text, r.agent, prev, hash); err != nil {
			return err
		}
		last[r.chain] = hash
	}
	return tx.Commit(ctx)
}

// Add records a new pending entry and commits it before returning its id.
func (s *Store) Add(e journal.Entry) (string, error) {
	ids, err := s.AddMany([]journal.Entry{e})
	if err != nil {
		return "", err
	}
	return ids[0], nil
}

// AddMany records entries as Add does, in one transaction.
func (s *Store) AddMany(es []journal.Entry) ([]string, error) {
	now := s.now()
	ids := make([]string, len(es))
	rows := make([]row, len(es))
	for i, e := range es {
		e, rec, err := journal.NewEntry(e, journal.NewEntryID(now), s.meta.Agent, now)
		if err != nil {
			return nil, err
		}
		ids[i] = e.ID
		rows[i] = row{chain: ChainOf(e.Origin), agent: e.Agent, rec: rec}
	}
	if err := s.appendRows(context.Background(), func(pgx.Tx) ([]row, error) { return rows, nil }); err != nil {
		return nil, s.fail("recording new entries", err)
	}
	s.mu.Lock()
	for i, id := range ids {
		s.chainOf[id] = rows[i].chain
	}
	s.mu.Unlock()
	return ids, nil
}

// Update records a change of entry id's state.
func (s *Store) Update(id string, c journal.Change) error {
	return s.UpdateMany([]journal.IDChange{{ID: id, Change: c}})
}

// UpdateMany records changes of many entries in one transaction.
func (s *Store) UpdateMany(changes []journal.IDChange) error {
	now := s.now()
	err := s.appendRows(context.Background(), func(tx pgx.Tx) ([]row, error) {
		rows := make([]row, len(changes))
		for i, c := range changes {
			chain, err := s.chain(tx, c.ID)
			if err != nil {
				return nil, err
			}
			rec, err := journal.UpdateRecord(c.ID, c.Change, s.meta.Agent, now)
			if err != nil {
				return nil, err
			}
			rows[i] = row{chain: chain, agent: s.meta.Agent, rec: rec}
		}
		return rows, nil
	})
	if err != nil {
		return s.fail("recording a change", err)
	}
	return nil
}

// errUnknownEntry is a change of an entry the journal does not have.
var errUnknownEntry = errors.New("no such entry in the journal")

// chain is the chain of entry id: remembered, or read from its add row.
func (s *Store) chain(tx pgx.Tx, id string) (string, error) {
	s.mu.Lock()
	chain, ok := s.chainOf[id]
	s.mu.Unlock()
	if ok {
		return chain, nil
	}
	err := tx.QueryRow(context.Background(), "SELECT chain FROM consent_journal WHERE entry_id = $1 AND op = 'add'", id).Scan(&chain)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("entry %s: %w", id, errUnknownEntry)
	}
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	s.chainOf[id] = chain
	s.mu.Unlock()
	return chain, nil
}

// Claim takes entry id for claimant (see journal.Store): its add row is
// locked FOR UPDATE SKIP LOCKED, so that of agents claiming it at once one
// goes on and the others are told it is being claimed; under the lock the
// entries about the same person (by email or phone: the entry, its
// resends, and any later change of that person's consent, which is all a
// retry's rules read) are read again, and the claim recorded only when the
// entry may be claimed (journal.Claimable). They are what it returns with
// the entry, not the whole journal: a team's is large.
func (s *Store) Claim(id, claimant string) (journal.Entry, []journal.Entry, error) {
	var (
		claimed journal.Entry
		all     []journal.Entry
	)
	err := s.appendRows(context.Background(), func(tx pgx.Tx) ([]row, error) {
		var chain, email, phone string
		err := tx.QueryRow(context.Background(), `SELECT chain, coalesce(record::jsonb->'request'->>'email', ''), coalesce(record::jsonb->'request'->>'phone', '')
			FROM consent_journal WHERE entry_id = $1 AND op = 'add' FOR UPDATE SKIP LOCKED`, id).Scan(&chain, &email, &phone)
		if errors.Is(err, pgx.ErrNoRows) {
			var exists bool
			if err := tx.QueryRow(context.Background(), "SELECT EXISTS (SELECT 1 FROM consent_journal WHERE entry_id = $1 AND op = 'add')", id).Scan(&exists); err != nil {
				return nil, err
			}
			if exists {
				return nil, &journal.ClaimError{ID: id, Reason: "is being claimed by another agent right now"}
			}
			return nil, &journal.ClaimError{ID: id, Reason: "is not in the journal"}
		}
		if err != nil {
			return nil, err
		}
		if all, err = s.personEntries(tx, id, email, phone); err != nil {
			return nil, err
		}
		now := s.now()
		if claimed, err = journal.Claimable(id, claimant, all, now); err != nil {
			return nil, err
		}
		rec, err := journal.ClaimRecord(id, claimant, now)
		if err != nil {
			return nil, err
		}
		claimed.ClaimedBy, claimed.ClaimedAt = claimant, now
		return []row{{chain: chain, agent: s.meta.Agent, rec: rec}}, nil
	})
	var ce *journal.ClaimError
	if errors.As(err, &ce) {
		return claimed, all, err
	}
	if err != nil {
		return journal.Entry{}, nil, s.fail("claiming entry "+id, err)
	}
	return claimed, all, nil
}

// Release ends claimant's claim on entry id.
func (s *Store) Release(id, claimant string) error {
	err := s.appendRows(context.Background(), func(tx pgx.Tx) ([]row, error) {
		chain, err := s.chain(tx, id)
		if err != nil {
			return nil, err
		}
		rec, err := journal.ReleaseRecord(id, claimant, s.now())
		if err != nil {
			return nil, err
		}
		return []row{{chain: chain, agent: s.meta.Agent, rec: rec}}, nil
	})
	if err != nil {
		return s.fail("releasing entry "+id, err)
	}
	return nil
}

// Entries returns every entry, newest first.
func (s *Store) Entries() ([]journal.Entry, error) { return s.Matching(journal.Filter{}) }

// Matching is Entries for the entries f keeps. Only the rows of entries
// whose first record (the add) has f's agent, account, person and time
// are read (the database compares them, not this program, so a filter
// over a team's large journal ships only what it keeps); they are
// replayed, and an entry is kept when f matches it whole: its state is
// its latest record's.
func (s *Store) Matching(f journal.Filter) ([]journal.Entry, error) {
	// Only the conditions f sets, each as its index's expression: the
	// planner uses the email's, the phone's and the agent's indexes.
	var where []string
	var args []any
	cond := func(sql string, arg any) {
		args = append(args, arg)
		where = append(where, strings.ReplaceAll(sql, "$?", fmt.Sprintf("$%d", len(args))))
	}
	if f.Agent != "" {
		cond("lower(agent) = lower($?)", f.Agent)
	}
	if f.Account != "" {
		cond("record::jsonb->>'account' = $?", f.Account)
	}
	if !f.Since.IsZero() { // a millisecond early: never narrower than f, the database keeps microseconds
		cond("(record::jsonb->>'at')::timestamptz >= $?", f.Since.Add(-time.Millisecond))
	}
	if f.Email != "" {
		cond("lower(record::jsonb->'request'->>'email') = lower($?)", f.Email)
	}
	if f.Phone != "" {
		cond("record::jsonb->'request'->>'phone' = $?", f.Phone)
	}
	query := "SELECT record FROM consent_journal ORDER BY seq"
	if len(where) > 0 {
		query = "SELECT record FROM consent_journal WHERE entry_id IN (SELECT entry_id FROM consent_journal WHERE op = 'add' AND " +
			strings.Join(where, " AND ") + ") ORDER BY seq"
	}
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, s.fail("reading", err)
	}
	es, err := replayRows(rows)
	if err != nil {
		return nil, s.fail("reading", err)
	}
	if f == (journal.Filter{}) {
		return es, nil
	}
	return f.Keep(es), nil
}

// personEntries replays the records of entry id and of every entry for
// the same email (in any case) or phone, newest first.
func (s *Store) personEntries(tx pgx.Tx, id, email, phone string) ([]journal.Entry, error) {
	rows, err := tx.Query(context.Background(), `SELECT record FROM consent_journal WHERE entry_id IN (
		SELECT entry_id FROM consent_journal WHERE op = 'add' AND (entry_id = $1
			OR ($2 <> '' AND lower(record::jsonb->'request'->>'email') = lower($2))
			OR ($3 <> '' AND record::jsonb->'request'->>'phone' = $3)))
		ORDER BY seq`, id, email, phone)
	if err != nil {
		return nil, err
	}
	return replayRows(rows)
}

// replayRows replays the records rows hold, in their order.
func replayRows(rows pgx.Rows) ([]journal.Entry, error) {
	defer rows.Close()
	var recs [][]byte
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			return nil, err
		}
		recs = append(recs, []byte(text))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	es, _ := journal.Replay(recs)
	return es, nil
}
