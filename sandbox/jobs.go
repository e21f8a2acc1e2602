package sandbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/consentdesk/consent/model"
)

// clearedBySubscribe reports whether subscribing lifts an email
// suppression: Klaviyo's spec names UNSUBSCRIBE, SPAM_REPORT and
// USER_SUPPRESSED; hard bounces and spam complaints stay.
func clearedBySubscribe(reason string) bool {
	switch reason {
	case "UNSUBSCRIBE", "SPAM_REPORT", "USER_SUPPRESSED":
		return true
	}
	return false
}

// apiMethod is the method Klaviyo records for consent given through the API.
const apiMethod = "API"

// enqueue stores a validated job to be applied once JobDelay has passed; a
// negative JobDelay applies it now, before the POST is answered.
func (s *Sandbox) enqueue(ctx context.Context, j job) error {
	payload, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("sandbox: encoding a job: %w", err)
	}
	now := s.now()
	return s.write(ctx, func(tx *sql.Tx) error {
		if s.jobDelay < 0 {
			return s.applyJob(ctx, tx, j, now)
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO jobs (kind, due, created, payload) VALUES (?, ?, ?, ?)",
			j.Kind, micros(now.Add(s.jobDelay)), micros(now), string(payload))
		if err != nil {
			return fmt.Errorf("sandbox: storing a job: %w", err)
		}
		return nil
	})
}

// ApplyDueJobs applies every stored bulk job whose time has come, oldest
// first, each in the same transaction as its removal from the queue and at
// its own due time (what its consent timestamps say), whenever the request
// that applies it comes. Every
// request does this before it is served; call it to settle jobs without a
// request (for example after moving a test clock).
func (s *Sandbox) ApplyDueJobs(ctx context.Context) error {
	now := micros(s.now())
	var due bool
	if err := s.db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM jobs WHERE due <= ?)", now).Scan(&due); err != nil {
		return fmt.Errorf("sandbox: looking for due jobs: %w", err)
	}
	if !due {
		return nil
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT seq, due, payload FROM jobs WHERE due <= ? ORDER BY seq", now)
		if err != nil {
			return fmt.Errorf("sandbox: reading due jobs: %w", err)
		}
		type stored struct {
			seq, due int64
			payload  string
		}
		var jobs []stored
		for rows.Next() {
			var j stored
			if err := rows.Scan(&j.seq, &j.due, &j.payload); err != nil {
				rows.Close()
				return fmt.Errorf("sandbox: reading due jobs: %w", err)
			}
			jobs = append(jobs, j)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return fmt.Errorf("sandbox: reading due jobs: %w", err)
		}
		for _, stored := range jobs {
			var j job
			// A payload this program cannot read (written by another
			// version) is dropped rather than blocking every request.
			if json.Unmarshal([]byte(stored.payload), &j) == nil {
				if err := s.applyJob(ctx, tx, j, time.UnixMicro(stored.due)); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM jobs WHERE seq = ?", stored.seq); err != nil {
				return fmt.Errorf("sandbox: removing an applied job: %w", err)
			}
		}
		return nil
	})
}

// PendingJobs is the number of stored jobs not yet applied.
func (s *Sandbox) PendingJobs(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM jobs").Scan(&n); err != nil {
		return 0, fmt.Errorf("sandbox: counting jobs: %w", err)
	}
	return n, nil
}

// write runs fn in a write transaction, one writer of this process at a
// time, committing when fn succeeds.
func (s *Sandbox) write(ctx context.Context, fn func(*sql.Tx) error) error {
	return s.writeOn(ctx, s.db, fn)
}

// txStarter is a *sql.DB or a *sql.Conn.
type txStarter interface {
	BeginTx(context.Context, *sql.TxOptions) (*sql.Tx, error)
}

// writeOn is write on db, a connection of the sandbox's own.
func (s *Sandbox) writeOn(ctx context.Context, db txStarter, fn func(*sql.Tx) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sandbox: starting a write: %w", err)
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sandbox: committing a write: %w", err)
	}
	return nil
}

// jobStatements are the prepared statements of applying one job.
type jobStatements struct {
	byID, byEmail, byPhone, insert  *sql.Stmt
	setEmail, setPhone, touch       *sql.Stmt
	email, sms, transactional, join *sql.Stmt
	leave                           *sql.Stmt
}

func prepareJobStatements(ctx context.Context, tx *sql.Tx) (*jobStatements, func(), error) {
	const found = "SELECT seq, email, phone_number, em_suppression, em_list_suppr FROM profiles "
	texts := []string{
		found + "WHERE id = ?",
		found + "WHERE email = ?",
		found + "WHERE phone_number = ? ORDER BY seq LIMIT 1",
		"INSERT INTO profiles (id, email, phone_number, created, updated) VALUES (?, ?, ?, ?, ?)",
		"UPDATE profiles SET email = ? WHERE seq = ?",
		"UPDATE profiles SET phone_number = ? WHERE seq = ?",
		"UPDATE profiles SET updated = ? WHERE seq = ?",
		`UPDATE profiles SET em_consent = ?, em_consent_ts = ?, em_updated = ?, em_method = ?, em_method_detail = '',
			em_custom_detail = ?, em_double_optin = ?, em_suppression = ?, em_list_suppr = ? WHERE seq = ?`,
		`UPDATE profiles SET sm_consent = ?, sm_consent_ts = ?, sm_updated = ?, sm_method = ?, sm_method_detail = '' WHERE seq = ?`,
		`UPDATE profiles SET st_consent = ?, st_consent_ts = ?, st_updated = ?, st_method = ?, st_method_detail = '' WHERE seq = ?`,
		"INSERT INTO memberships (list_seq, profile_seq, joined) VALUES (?, ?, ?) ON CONFLICT (profile_seq, list_seq) DO NOTHING",
		"DELETE FROM memberships WHERE list_seq = ? AND profile_seq = ?",
	}
	stmts := make([]*sql.Stmt, len(texts))
	closeAll := func() {
		for _, st := range stmts {
			if st != nil {
				st.Close()
			}
		}
	}
	for i, text := range texts {
		st, err := tx.PrepareContext(ctx, text)
		if err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("sandbox: preparing a job: %w", err)
		}
		stmts[i] = st
	}
	return &jobStatements{
		byID: stmts[0], byEmail: stmts[1], byPhone: stmts[2], insert: stmts[3],
		setEmail: stmts[4], setPhone: stmts[5], touch: stmts[6],
		email: stmts[7], sms: stmts[8], transactional: stmts[9], join: stmts[10], leave: stmts[11],
	}, closeAll, nil
}

// targetProfile is a profile a job changes, as found or created.
type targetProfile struct {
	seq       int64
	email     *string
	phone     *string
	suppr     string
	listSuppr string
}

// applyJob applies a job at time now within tx.
func (s *Sandbox) applyJob(ctx context.Context, tx *sql.Tx, j job, now time.Time) error {
	st, closeAll, err := prepareJobStatements(ctx, tx)
	if err != nil {
		return err
	}
	defer closeAll()
	var list *listRow
	if j.ListID != "" {
		l, err := scanList(tx.QueryRowContext(ctx, "SELECT "+listColumns+" FROM lists l WHERE l.id = ?", j.ListID))
		switch {
		case errors.Is(err, sql.ErrNoRows): // the list is gone: apply the consent alone
		case err != nil:
			return fmt.Errorf("sandbox: reading a job's list: %w", err)
		default:
			list = &l
		}
	}
	for _, p := range j.Profiles {
		if err := s.applyProfile(ctx, st, j, list, p, now); err != nil {
			return err
		}
	}
	return nil
}

func (s *Sandbox) applyProfile(ctx context.Context, st *jobStatements, j job, list *listRow, p jobProfile, now time.Time) error {
	t, err := s.resolveProfile(ctx, st, p, now)
	if err != nil {
		return err
	}
	at := micros(now)
	consentAt := func(c *channel) int64 {
		if c.ConsentedAt != nil {
			return *c.ConsentedAt
		}
		return at
	}
	subscribe := j.Kind == subscribeJobType
	pendingDOI := subscribe && list != nil && list.optInProcess == "double_opt_in" && !j.Historical
	changedChannel := false
	if c := p.EmailMarketing; c != nil && !pendingDOI {
		if err := s.applyEmail(ctx, st, j, t, list, consentAt(c), at); err != nil {
			return err
		}
		changedChannel = true
	}
	state := string(model.Subscribed)
	if !subscribe {
		state = string(model.Unsubscribed)
	}
	if c := p.SMSMarketing; c != nil {
		if _, err := st.sms.ExecContext(ctx, state, consentAt(c), at, apiMethod, t.seq); err != nil {
			return fmt.Errorf("sandbox: recording SMS consent: %w", err)
		}
		changedChannel = true
	}
	if c := p.SMSTransactional; c != nil {
		if _, err := st.transactional.ExecContext(ctx, state, consentAt(c), at, apiMethod, t.seq); err != nil {
			return fmt.Errorf("sandbox: recording SMS consent: %w", err)
		}
		changedChannel = true
	}
	if _, err := st.touch.ExecContext(ctx, at, t.seq); err != nil {
		return fmt.Errorf("sandbox: updating a profile: %w", err)
	}
	switch {
	case list == nil:
	case !subscribe:
		if _, err := st.leave.ExecContext(ctx, list.seq, t.seq); err != nil {
			return fmt.Errorf("sandbox: removing a list member: %w", err)
		}
	case !pendingDOI || changedChannel:
		// On a double opt-in list the email part waits for confirmation,
		// and so does membership unless another channel was subscribed.
		if _, err := st.join.ExecContext(ctx, list.seq, t.seq, at); err != nil {
			return fmt.Errorf("sandbox: adding a list member: %w", err)
		}
	}
	return nil
}

// applyEmail records email marketing consent: a subscribe sets SUBSCRIBED
// and clears the suppressions subscribing lifts (and the list's own
// suppression); an unsubscribe sets UNSUBSCRIBED and adds an UNSUBSCRIBE
// suppression, so the profile can no longer receive email marketing.
func (s *Sandbox) applyEmail(ctx context.Context, st *jobStatements, j job, t targetProfile, list *listRow, consentAt, at int64) error {
	var suppr, listSuppr []storedSuppression
	if err := errors.Join(json.Unmarshal([]byte(t.suppr), &suppr), json.Unmarshal([]byte(t.listSuppr), &listSuppr)); err != nil {
		return fmt.Errorf("sandbox: reading suppressions: %w", err)
	}
	state := string(model.Subscribed)
	var custom *string
	var doubleOptin *bool
	if j.Kind == subscribeJobType {
		suppr = slices.DeleteFunc(suppr, func(s storedSuppression) bool { return clearedBySubscribe(s.Reason) })
		if list != nil {
			listSuppr = slices.DeleteFunc(listSuppr, func(s storedSuppression) bool { return s.ListID == list.id })
		}
		custom = j.CustomSource
		no := false
		doubleOptin = &no
	} else {
		state = string(model.Unsubscribed)
		if !slices.ContainsFunc(suppr, func(s storedSuppression) bool { return s.Reason == "UNSUBSCRIBE" }) {
			suppr = append(suppr, storedSuppression{Reason: "UNSUBSCRIBE", At: at})
		}
	}
	supprJSON, err := json.Marshal(nonNil(suppr))
	if err != nil {
		return fmt.Errorf("sandbox: encoding suppressions: %w", err)
	}
	listJSON, err := json.Marshal(nonNil(listSuppr))
	if err != nil {
		return fmt.Errorf("sandbox: encoding suppressions: %w", err)
	}
	if _, err := st.email.ExecContext(ctx, state, consentAt, at, apiMethod, custom, doubleOptin,
		string(supprJSON), string(listJSON), t.seq); err != nil {
		return fmt.Errorf("sandbox: recording email consent: %w", err)
	}
	return nil
}

// resolveProfile finds a job profile's target, by id, then email, then
// phone number, or creates it; it stores an identifier the target lacks
// (an email only when no other profile has it).
func (s *Sandbox) resolveProfile(ctx context.Context, st *jobStatements, p jobProfile, now time.Time) (targetProfile, error) {
	var t targetProfile
	find := func(stmt *sql.Stmt, key string) (bool, error) {
		if key == "" {
			return false, nil
		}
		err := stmt.QueryRowContext(ctx, key).Scan(&t.seq, &t.email, &t.phone, &t.suppr, &t.listSuppr)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("sandbox: finding a profile: %w", err)
		}
		return true, nil
	}
	for _, lookup := range []struct {
		stmt *sql.Stmt
		key  string
	}{{st.byID, p.ID}, {st.byEmail, p.Email}, {st.byPhone, p.Phone}} {
		ok, err := find(lookup.stmt, lookup.key)
		if err != nil {
			return t, err
		}
		if ok {
			return t, s.completeIdentifiers(ctx, st, &t, p)
		}
	}
	res, err := st.insert.ExecContext(ctx, newProfileID(now), nullable(p.Email), nullable(p.Phone), micros(now), micros(now))
	if err != nil {
		return t, fmt.Errorf("sandbox: creating a profile: %w", err)
	}
	if t.seq, err = res.LastInsertId(); err != nil {
		return t, fmt.Errorf("sandbox: creating a profile: %w", err)
	}
	t.suppr, t.listSuppr = "[]", "[]"
	return t, nil
}

func (s *Sandbox) completeIdentifiers(ctx context.Context, st *jobStatements, t *targetProfile, p jobProfile) error {
	if p.Email != "" && (t.email == nil || *t.email != p.Email) {
		var owner int64
		err := st.byEmail.QueryRowContext(ctx, p.Email).Scan(&owner, new(*string), new(*string), new(string), new(string))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := st.setEmail.ExecContext(ctx, p.Email, t.seq); err != nil {
				return fmt.Errorf("sandbox: storing an email address: %w", err)
			}
		case err != nil:
			return fmt.Errorf("sandbox: finding a profile: %w", err)
		}
	}
	if p.Phone != "" && (t.phone == nil || *t.phone != p.Phone) {
		if _, err := st.setPhone.ExecContext(ctx, p.Phone, t.seq); err != nil {
			return fmt.Errorf("sandbox: storing a phone number: %w", err)
		}
	}
	return nil
}

// nullable maps "" to SQL NULL.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
