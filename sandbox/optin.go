package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/consentdesk/consent/model"
)

// The channels whose marketing consent a double opt-in list confirms.
const (
	optInEmail = "email"
	optInSMS   = "sms"
)

// awaitConfirmation records that marketing consent on channel, asked for
// through a double opt-in list, waits for the person to confirm: Klaviyo
// sends a confirmation email or text, and records the consent (and the
// list membership) only when they answer it.
func (s *Sandbox) awaitConfirmation(ctx context.Context, st *jobStatements, t targetProfile, list *listRow, channel string, custom *string, at int64) error {
	if _, err := st.awaitOptIn.ExecContext(ctx, t.seq, list.seq, channel, at, custom); err != nil {
		return fmt.Errorf("sandbox: recording a double opt-in request: %w", err)
	}
	return nil
}

// cancelConfirmations drops the confirmations an unsubscribe makes moot:
// those of the channels it unsubscribes.
func (s *Sandbox) cancelConfirmations(ctx context.Context, st *jobStatements, t targetProfile, p jobProfile) error {
	for _, c := range []struct {
		asked   bool
		channel string
	}{{p.EmailMarketing != nil, optInEmail}, {p.SMSMarketing != nil, optInSMS}} {
		if !c.asked {
			continue
		}
		if _, err := st.dropOptIns.ExecContext(ctx, t.seq, c.channel); err != nil {
			return fmt.Errorf("sandbox: cancelling a double opt-in request: %w", err)
		}
	}
	return nil
}

// Confirmation is one double opt-in the person confirmed.
type Confirmation struct {
	Channel  model.Channel // email or SMS marketing
	ListID   string
	ListName string
}

// ErrNothingToConfirm is returned by [Sandbox.Confirm] when no double
// opt-in waits for the person (on the list asked for).
var ErrNothingToConfirm = errors.New("no double opt-in waits for confirmation")

// Confirm does what the person does when they click the link of a double
// opt-in email (who is their email address) or reply YES to the
// confirmation text (who is their E.164 phone number): the marketing
// consent of that channel waiting for them (on listID only, when it is not
// "") is recorded as SUBSCRIBED now, with double_optin set for email, and
// the profile joins the list.
func (s *Sandbox) Confirm(ctx context.Context, who, listID string) ([]Confirmation, error) {
	if err := s.ApplyDueJobs(ctx); err != nil {
		return nil, err
	}
	column, channel := "email", optInEmail
	if !strings.Contains(who, "@") {
		column, channel = "phone_number", optInSMS
	} else {
		who = strings.ToLower(strings.TrimSpace(who))
	}
	var done []Confirmation
	err := s.write(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT o.seq, o.channel, o.custom_source, l.seq, l.id, l.name, p.seq
			FROM optins o JOIN lists l ON l.seq = o.list_seq JOIN profiles p ON p.seq = o.profile_seq
			WHERE p.`+column+` = ? AND o.channel = ? AND (? = '' OR l.id = ?) ORDER BY o.seq`, who, channel, listID, listID)
		if err != nil {
			return fmt.Errorf("sandbox: reading double opt-in requests: %w", err)
		}
		type waiting struct {
			seq     int64
			channel string
			custom  *string
			list    listRow
			target  targetProfile
		}
		var all []waiting
		for rows.Next() {
			var w waiting
			if err := rows.Scan(&w.seq, &w.channel, &w.custom, &w.list.seq, &w.list.id, &w.list.name, &w.target.seq); err != nil {
				rows.Close()
				return fmt.Errorf("sandbox: reading double opt-in requests: %w", err)
			}
			all = append(all, w)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return fmt.Errorf("sandbox: reading double opt-in requests: %w", err)
		}
		if len(all) == 0 {
			return ErrNothingToConfirm
		}
		st, closeAll, err := prepareJobStatements(ctx, tx)
		if err != nil {
			return err
		}
		defer closeAll()
		at := micros(s.now())
		for _, w := range all {
			ch := model.EmailMarketing
			if w.channel == optInSMS {
				ch = model.SMSMarketing
				if _, err := st.sms.ExecContext(ctx, string(model.Subscribed), false, at, at, apiMethod, w.target.seq); err != nil {
					return fmt.Errorf("sandbox: recording SMS consent: %w", err)
				}
			} else {
				// Read again: an earlier confirmation of this person may
				// have lifted suppressions.
				if err := tx.QueryRowContext(ctx, "SELECT em_suppression, em_list_suppr FROM profiles WHERE seq = ?", w.target.seq).
					Scan(&w.target.suppr, &w.target.listSuppr); err != nil {
					return fmt.Errorf("sandbox: reading suppressions: %w", err)
				}
				if err := s.applyEmail(ctx, st, w.target, &w.list, emailChange{subscribe: true, custom: w.custom, doubleOptIn: true}, at, at); err != nil {
					return err
				}
			}
			if _, err := st.join.ExecContext(ctx, w.list.seq, w.target.seq, at); err != nil {
				return fmt.Errorf("sandbox: adding a list member: %w", err)
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM optins WHERE seq = ?", w.seq); err != nil {
				return fmt.Errorf("sandbox: removing a confirmed request: %w", err)
			}
			if _, err := st.touch.ExecContext(ctx, at, w.target.seq); err != nil {
				return fmt.Errorf("sandbox: updating a profile: %w", err)
			}
			done = append(done, Confirmation{Channel: ch, ListID: w.list.id, ListName: w.list.name})
		}
		return nil
	})
	return done, err
}
