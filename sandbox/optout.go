package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// SMSOptOut is how a number leaves SMS marketing on its own, without an
// unsubscribe job: the person replies STOP, or the carrier deactivates the
// number.
type SMSOptOut int

// The SMS opt-outs the sandbox emulates, with the method and method detail
// it records for them (BEHAVIOUR.md, rule 11).
const (
	ReplyStop SMSOptOut = iota
	CarrierDeactivation
)

// Method and detail recorded for each SMS opt-out.
const (
	stopMethod, stopDetail       = "TEXT", "STOP"
	carrierMethod, carrierDetail = "CARRIER_DEACTIVATION", ""
)

// ErrNoSuchNumber is returned by [Sandbox.OptOutSMS] when no profile has
// the number.
var ErrNoSuchNumber = errors.New("no profile has that phone number")

// OptOutSMS does what a STOP reply or a carrier's deactivation does to the
// profile with the E.164 number phone: its SMS marketing and SMS
// transactional consent become UNSUBSCRIBED now, recorded with the
// opt-out's method (TEXT / STOP, or CARRIER_DEACTIVATION).
func (s *Sandbox) OptOutSMS(ctx context.Context, phone string, how SMSOptOut) error {
	method, detail := stopMethod, stopDetail
	if how == CarrierDeactivation {
		method, detail = carrierMethod, carrierDetail
	}
	at := micros(s.now())
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE profiles SET
			sm_consent = 'UNSUBSCRIBED', sm_consent_ts = ?1, sm_updated = ?1, sm_method = ?2, sm_method_detail = ?3,
			st_consent = CASE WHEN st_consent = 'SUBSCRIBED' THEN 'UNSUBSCRIBED' ELSE st_consent END,
			st_consent_ts = CASE WHEN st_consent = 'SUBSCRIBED' THEN ?1 ELSE st_consent_ts END,
			st_updated = CASE WHEN st_consent = 'SUBSCRIBED' THEN ?1 ELSE st_updated END,
			st_method = CASE WHEN st_consent = 'SUBSCRIBED' THEN ?2 ELSE st_method END,
			st_method_detail = CASE WHEN st_consent = 'SUBSCRIBED' THEN ?3 ELSE st_method_detail END,
			updated = ?1
			WHERE phone_number = ?4`, at, method, detail, phone)
		if err != nil {
			return fmt.Errorf("sandbox: recording an SMS opt-out: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return fmt.Errorf("sandbox: %s: %w", phone, ErrNoSuchNumber)
		}
		return nil
	})
}
