package sandbox

import (
	"context"
	"fmt"
)

// migrations are the schema's versions, in order: migrations[i] brings a
// database from user_version i to i+1. Append; never edit one that shipped.
//
// Times are INTEGER microseconds since the Unix epoch, UTC. Email
// suppressions are small JSON arrays on the profile row, read with it.
var migrations = []string{
	// 1: lists, profiles, memberships, pending bulk jobs.
	`CREATE TABLE lists (
		seq            INTEGER PRIMARY KEY,
		id             TEXT    NOT NULL UNIQUE,
		name           TEXT    NOT NULL,
		opt_in_process TEXT    NOT NULL CHECK (opt_in_process IN ('single_opt_in', 'double_opt_in')),
		created        INTEGER NOT NULL,
		updated        INTEGER NOT NULL
	);
	CREATE INDEX lists_by_name ON lists (name);

	CREATE TABLE profiles (
		seq              INTEGER PRIMARY KEY,
		id               TEXT    NOT NULL UNIQUE,
		email            TEXT    UNIQUE,
		phone_number     TEXT,
		external_id      TEXT,
		first_name       TEXT,
		last_name        TEXT,
		organization     TEXT,
		locale           TEXT,
		title            TEXT,
		image            TEXT,
		created          INTEGER NOT NULL,
		updated          INTEGER NOT NULL,
		last_event_date  INTEGER,
		address1         TEXT,
		address2         TEXT,
		city             TEXT,
		country          TEXT,
		region           TEXT,
		zip              TEXT,
		timezone         TEXT,
		ip               TEXT,
		properties       TEXT    NOT NULL DEFAULT '{}',

		em_consent       TEXT    NOT NULL DEFAULT 'NEVER_SUBSCRIBED',
		em_consent_ts    INTEGER,
		em_updated       INTEGER,
		em_method        TEXT,
		em_method_detail TEXT,
		em_custom_detail TEXT,
		em_double_optin  INTEGER,
		em_suppression   TEXT    NOT NULL DEFAULT '[]',
		em_list_suppr    TEXT    NOT NULL DEFAULT '[]',

		sm_consent       TEXT    NOT NULL DEFAULT 'NEVER_SUBSCRIBED',
		sm_consent_ts    INTEGER,
		sm_updated       INTEGER,
		sm_method        TEXT,
		sm_method_detail TEXT,

		st_consent       TEXT    NOT NULL DEFAULT 'NEVER_SUBSCRIBED',
		st_consent_ts    INTEGER,
		st_updated       INTEGER,
		st_method        TEXT,
		st_method_detail TEXT
	);
	CREATE INDEX profiles_by_phone ON profiles (phone_number);
	CREATE INDEX profiles_by_external_id ON profiles (external_id);

	CREATE TABLE memberships (
		seq         INTEGER PRIMARY KEY,
		list_seq    INTEGER NOT NULL REFERENCES lists (seq),
		profile_seq INTEGER NOT NULL REFERENCES profiles (seq),
		joined      INTEGER NOT NULL,
		UNIQUE (profile_seq, list_seq)
	);
	CREATE INDEX memberships_by_list ON memberships (list_seq, seq);

	CREATE TABLE jobs (
		seq     INTEGER PRIMARY KEY,
		kind    TEXT    NOT NULL,
		due     INTEGER NOT NULL,
		created INTEGER NOT NULL,
		payload TEXT    NOT NULL
	);
	CREATE INDEX jobs_by_due ON jobs (due);`,

	// 2: marketing consent on a double opt-in list waiting for the
	// person's confirmation, per channel ('email' or 'sms').
	`CREATE TABLE optins (
		seq           INTEGER PRIMARY KEY,
		profile_seq   INTEGER NOT NULL REFERENCES profiles (seq),
		list_seq      INTEGER NOT NULL REFERENCES lists (seq),
		channel       TEXT    NOT NULL CHECK (channel IN ('email', 'sms')),
		requested     INTEGER NOT NULL,
		custom_source TEXT,
		UNIQUE (profile_seq, list_seq, channel)
	);`,

	// 3: a list's members in joined_group_at order (sort=joined_group_at).
	`CREATE INDEX memberships_by_joined ON memberships (list_seq, joined, seq);`,
}

// migrate brings the database schema up to date in one transaction,
// tracking the version in PRAGMA user_version.
func (s *Sandbox) migrate(ctx context.Context) (err error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sandbox: migrating: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("sandbox: reading the schema version: %w", err)
	}
	if version > len(migrations) {
		return fmt.Errorf("sandbox: the database has schema version %d, newer than this program's %d", version, len(migrations))
	}
	for v := version; v < len(migrations); v++ {
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("sandbox: migrating the schema to version %d: %w", v+1, err)
		}
	}
	if version < len(migrations) {
		// PRAGMA takes no bound parameters; the value is our own integer.
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(migrations))); err != nil {
			return fmt.Errorf("sandbox: recording the schema version: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sandbox: migrating: %w", err)
	}
	return nil
}
