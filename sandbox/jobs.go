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
	leave, wipeSMS                  *sql.Stmt
	awaitOptIn, dropOptIns          *sql.Stmt
}

func prepareJobStatements(ctx context.Context, tx *sql.Tx) (*jobStatements, func(), error) {
	const found = "SELECT seq, email, phone_number, em_suppression, em_list_suppr, em_consent, sm_consent FROM profiles "
	texts := []string{
		found + "WHERE id = ?",
		found + "WHERE email = ?",
		found + "WHERE phone_number = ? ORDER BY seq LIMIT 1",
		"INSERT INTO profiles (id, email, phone_number, created, updated) VALUES (?, ?, ?, ?, ?)",
		"UPDATE profiles SET email = ? WHERE seq = ?",
		"UPDATE profiles SET phone_number = ? WHERE seq = ?",
		"UPDATE profiles SET updated = ? WHERE seq = ?",
		// A keep (?2) true keeps the consent date of a channel already
		// SUBSCRIBED (BEHAVIOUR.md, rule 10): SET reads the row as it was.
		`UPDATE profiles SET em_consent = ?, em_consent_ts = CASE WHEN ? AND em_consent = 'SUBSCRIBED' THEN em_consent_ts ELSE ? END, em_updated = ?, em_method = ?, em_method_detail = '',
			em_custom_detail = ?, em_double_optin = ?, em_suppression = ?, em_list_suppr = ? WHERE seq = ?`,
		`UPDATE profiles SET sm_consent = ?, sm_consent_ts = CASE WHEN ? AND sm_consent = 'SUBSCRIBED' THEN sm_consent_ts ELSE ? END, sm_updated = ?, sm_method = ?, sm_method_detail = '' WHERE seq = ?`,
		`UPDATE profiles SET st_consent = ?, st_consent_ts = CASE WHEN ? AND st_consent = 'SUBSCRIBED' THEN st_consent_ts ELSE ? END, st_updated = ?, st_method = ?, st_method_detail = '' WHERE seq = ?`,
		"INSERT INTO memberships (list_seq, profile_seq, joined) VALUES (?, ?, ?) ON CONFLICT (profile_seq, list_seq) DO NOTHING",
		"DELETE FROM memberships WHERE list_seq = ? AND profile_seq = ?",
		`UPDATE profiles SET sm_consent = 'NEVER_SUBSCRIBED', sm_consent_ts = NULL, sm_updated = ?1, sm_method = NULL, sm_method_detail = NULL,
			st_consent = 'NEVER_SUBSCRIBED', st_consent_ts = NULL, st_updated = ?1, st_method = NULL, st_method_detail = NULL WHERE seq = ?2`,
		`INSERT INTO optins (profile_seq, list_seq, channel, requested, custom_source) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (profile_seq, list_seq, channel) DO UPDATE SET requested = excluded.requested, custom_source = excluded.custom_source`,
		"DELETE FROM optins WHERE profile_seq = ? AND channel = ?",
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
		wipeSMS: stmts[12], awaitOptIn: stmts[13], dropOptIns: stmts[14],
	}, closeAll, nil
}

// targetProfile is a profile a job changes, as found or created.
type targetProfile struct {
	seq       int64
	email     *string
	phone     *string
	suppr     string
	listSuppr string
	emConsent string // email marketing consent before the job
	smConsent string // SMS marketing consent before the job
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

// applyProfile applies one profile of a job. On a double opt-in list
// (and not a historical import) a marketing channel the person has not
// already consented to waits for their confirmation (BEHAVIOUR.md, rule
// 2); only marketing consent makes a list member (rule 5); SMS consent is
// not recorded for a phone number another profile holds (rule 4); a
// historical import keeps the consent date of a channel already
// SUBSCRIBED (rule 10).
func (s *Sandbox) applyProfile(ctx context.Context, st *jobStatements, j job, list *listRow, p jobProfile, now time.Time) error {
	t, phoneTaken, err := s.resolveProfile(ctx, st, p, now)
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
	keep := subscribe && j.Historical
	doubleOptIn := subscribe && list != nil && list.optInProcess == "double_opt_in" && !j.Historical
	awaits := func(before string) bool { return doubleOptIn && before != string(model.Subscribed) }
	marketing := false
	if c := p.EmailMarketing; c != nil {
		if awaits(t.emConsent) {
			if err := s.awaitConfirmation(ctx, st, t, list, optInEmail, j.CustomSource, at); err != nil {
				return err
			}
		} else {
			if err := s.applyEmail(ctx, st, t, list, emailChange{subscribe: subscribe, custom: j.CustomSource, keepDate: keep}, consentAt(c), at); err != nil {
				return err
			}
			marketing = true
		}
	}
	state := string(model.Subscribed)
	if !subscribe {
		state = string(model.Unsubscribed)
	}
	if c := p.SMSMarketing; c != nil && !phoneTaken {
		if awaits(t.smConsent) {
			if err := s.awaitConfirmation(ctx, st, t, list, optInSMS, j.CustomSource, at); err != nil {
				return err
			}
		} else {
			if _, err := st.sms.ExecContext(ctx, state, keep, consentAt(c), at, apiMethod, t.seq); err != nil {
				return fmt.Errorf("sandbox: recording SMS consent: %w", err)
			}
			marketing = true
		}
	}
	if c := p.SMSTransactional; c != nil && !phoneTaken {
		if _, err := st.transactional.ExecContext(ctx, state, keep, consentAt(c), at, apiMethod, t.seq); err != nil {
			return fmt.Errorf("sandbox: recording SMS consent: %w", err)
		}
	}
	if !subscribe {
		if err := s.cancelConfirmations(ctx, st, t, p); err != nil {
			return err
		}
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
	case marketing:
		// Transactional-only consent is shown on the profile, but does
		// not add it to the list; marketing consent still waiting for
		// confirmation does not either.
		if _, err := st.join.ExecContext(ctx, list.seq, t.seq, at); err != nil {
			return fmt.Errorf("sandbox: adding a list member: %w", err)
		}
	}
	return nil
}

// emailChange is what a change of email marketing consent records.
type emailChange struct {
	subscribe   bool    // SUBSCRIBED, else UNSUBSCRIBED
	custom      *string // the job's custom_source
	doubleOptIn bool    // consent the person confirmed (double opt-in)
	keepDate    bool    // a historical import: an existing SUBSCRIBED keeps its date
}

// applyEmail records email marketing consent: a subscribe sets SUBSCRIBED
// and clears the suppressions subscribing lifts (and the list's own
// suppression); an unsubscribe sets UNSUBSCRIBED and adds an UNSUBSCRIBE
// suppression, so the profile can no longer receive email marketing.
func (s *Sandbox) applyEmail(ctx context.Context, st *jobStatements, t targetProfile, list *listRow, ch emailChange, consentAt, at int64) error {
	var suppr, listSuppr []storedSuppression
	if err := errors.Join(json.Unmarshal([]byte(t.suppr), &suppr), json.Unmarshal([]byte(t.listSuppr), &listSuppr)); err != nil {
		return fmt.Errorf("sandbox: reading suppressions: %w", err)
	}
	state := string(model.Subscribed)
	var custom *string
	var doubleOptin *bool
	if ch.subscribe {
		suppr = slices.DeleteFunc(suppr, func(s storedSuppression) bool { return model.Suppression{Reason: s.Reason}.LiftedBySubscribe() })
		if list != nil {
			listSuppr = slices.DeleteFunc(listSuppr, func(s storedSuppression) bool { return s.ListID == list.id })
		}
		custom = ch.custom
		doubleOptin = &ch.doubleOptIn
	} else {
		state = string(model.Unsubscribed)
		if !slices.ContainsFunc(suppr, func(s storedSuppression) bool { return s.Reason == model.ReasonUnsubscribe }) {
			suppr = append(suppr, storedSuppression{Reason: model.ReasonUnsubscribe, At: at})
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
	if _, err := st.email.ExecContext(ctx, state, ch.keepDate, consentAt, at, apiMethod, custom, doubleOptin,
		string(supprJSON), string(listJSON), t.seq); err != nil {
		return fmt.Errorf("sandbox: recording email consent: %w", err)
	}
	return nil
}

// resolveProfile finds a job profile's target, by id, then email, then
// phone number, or creates it; it stores an identifier the target lacks
// (an email only when no other profile has it). phoneTaken reports that
// the job's phone number belongs to another profile: it stays there, and
// the job's SMS consent is not recorded on either (BEHAVIOUR.md, rule 4).
func (s *Sandbox) resolveProfile(ctx context.Context, st *jobStatements, p jobProfile, now time.Time) (t targetProfile, phoneTaken bool, err error) {
	find := func(stmt *sql.Stmt, key string) (bool, error) {
		if key == "" {
			return false, nil
		}
		err := stmt.QueryRowContext(ctx, key).Scan(&t.seq, &t.email, &t.phone, &t.suppr, &t.listSuppr, &t.emConsent, &t.smConsent)
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
			return t, false, err
		}
		if ok {
			phoneTaken, err := s.completeIdentifiers(ctx, st, &t, p, micros(now))
			return t, phoneTaken, err
		}
	}
	res, err := st.insert.ExecContext(ctx, newProfileID(now), nullable(p.Email), nullable(p.Phone), micros(now), micros(now))
	if err != nil {
		return t, false, fmt.Errorf("sandbox: creating a profile: %w", err)
	}
	if t.seq, err = res.LastInsertId(); err != nil {
		return t, false, fmt.Errorf("sandbox: creating a profile: %w", err)
	}
	t.suppr, t.listSuppr = "[]", "[]"
	t.emConsent, t.smConsent = string(model.NeverSubscribed), string(model.NeverSubscribed)
	return t, false, nil
}

// completeIdentifiers stores the job's identifiers on its target where they
// are new: an email no other profile has, and a phone number no other
// profile has (one number, one profile). A number that replaces another
// wipes the SMS consent given for the old one (BEHAVIOUR.md, rule 1): the
// job's own SMS channels, applied next, are the only consent the new
// number has. It reports whether the job's number belongs to another
// profile.
func (s *Sandbox) completeIdentifiers(ctx context.Context, st *jobStatements, t *targetProfile, p jobProfile, at int64) (bool, error) {
	owner := func(stmt *sql.Stmt, key string) (int64, error) {
		var seq int64
		err := stmt.QueryRowContext(ctx, key).Scan(&seq, new(*string), new(*string), new(string), new(string), new(string), new(string))
		if errors.Is(err, sql.ErrNoRows) {
			return 0, nil
		}
		if err != nil {
			return 0, fmt.Errorf("sandbox: finding a profile: %w", err)
		}
		return seq, nil
	}
	if p.Email != "" && (t.email == nil || *t.email != p.Email) {
		seq, err := owner(st.byEmail, p.Email)
		if err != nil {
			return false, err
		}
		if seq == 0 {
			if _, err := st.setEmail.ExecContext(ctx, p.Email, t.seq); err != nil {
				return false, fmt.Errorf("sandbox: storing an email address: %w", err)
			}
		}
	}
	if p.Phone == "" || (t.phone != nil && *t.phone == p.Phone) {
		return false, nil
	}
	seq, err := owner(st.byPhone, p.Phone)
	switch {
	case err != nil:
		return false, err
	case seq != 0 && seq != t.seq:
		return true, nil
	}
	if t.phone != nil {
		if _, err := st.wipeSMS.ExecContext(ctx, at, t.seq); err != nil {
			return false, fmt.Errorf("sandbox: clearing the old number's SMS consent: %w", err)
		}
		if _, err := st.dropOptIns.ExecContext(ctx, t.seq, optInSMS); err != nil {
			return false, fmt.Errorf("sandbox: clearing the old number's SMS consent: %w", err)
		}
		t.smConsent = string(model.NeverSubscribed)
	}
	if _, err := st.setPhone.ExecContext(ctx, p.Phone, t.seq); err != nil {
		return false, fmt.Errorf("sandbox: storing a phone number: %w", err)
	}
	return false, nil
}

// nullable maps "" to SQL NULL.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
