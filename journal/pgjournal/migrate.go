package pgjournal

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// migration is one versioned change of the schema.
type migration struct {
	version     int
	description string
	sql         string
}

// migrations are the schema's versions, in order. A migration is never
// edited once released: a change is a new version.
var migrations = []migration{
	{1, "the journal's records, one row per entry and per state change, hash-chained per account", `
CREATE TABLE consent_journal (
	seq        bigserial PRIMARY KEY,
	chain      text        NOT NULL,
	entry_id   text        NOT NULL,
	op         text        NOT NULL CHECK (op IN ('add', 'update', 'claim', 'release')),
	record     text        NOT NULL,
	agent      text        NOT NULL DEFAULT '',
	written_at timestamptz NOT NULL DEFAULT now(),
	prev_hash  text        NOT NULL,
	hash       text        NOT NULL
);
CREATE UNIQUE INDEX consent_journal_one_add ON consent_journal (entry_id) WHERE op = 'add';
CREATE INDEX consent_journal_by_entry ON consent_journal (entry_id, seq);
CREATE INDEX consent_journal_by_chain ON consent_journal (chain, seq);`},
	{2, "the journal is append-only: no row is updated or deleted", `
CREATE FUNCTION consent_journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the consent journal is append-only: % is not allowed', TG_OP;
END
$$;
CREATE TRIGGER consent_journal_no_change BEFORE UPDATE OR DELETE ON consent_journal
	FOR EACH ROW EXECUTE FUNCTION consent_journal_append_only();
CREATE TRIGGER consent_journal_no_truncate BEFORE TRUNCATE ON consent_journal
	FOR EACH STATEMENT EXECUTE FUNCTION consent_journal_append_only();`},
	{3, "a person's entries found by their email or phone, for claims", `
CREATE INDEX consent_journal_by_email ON consent_journal ((lower(record::jsonb->'request'->>'email'))) WHERE op = 'add';
CREATE INDEX consent_journal_by_phone ON consent_journal ((record::jsonb->'request'->>'phone')) WHERE op = 'add';`},
	{4, "an agent's entries found by the agent's name, for history --agent", `
CREATE INDEX consent_journal_by_agent ON consent_journal (lower(agent)) WHERE op = 'add';`},
}

// migrationLock is the advisory lock under which the schema is migrated,
// so that two agents starting at once do not both apply a version.
const migrationLock = 7_2026_1202

// migrate brings the database's schema to the newest version, each
// version in its own transaction, recorded in consent_schema; it reports
// the versions applied. A database newer than this program is refused.
func migrate(ctx context.Context, pool *pgxpool.Pool) (applied []int, err error) {
	// Up to date, the usual case: one round trip, no lock, no transaction
	// (an agent's every command opens the journal). A database without
	// consent_schema yet fails this and is migrated below.
	if newest, err := schemaVersion(ctx, pool); err == nil && newest >= SchemaVersion() {
		return nil, checkNewest(newest)
	}
	if err := createSchemaTable(ctx, pool); err != nil {
		return nil, fmt.Errorf("creating consent_schema: %w", err)
	}
	for _, m := range migrations {
		done, err := applyMigration(ctx, pool, m)
		if err != nil {
			return applied, fmt.Errorf("migrating the journal's schema to version %d (%s): %w", m.version, m.description, err)
		}
		if done {
			applied = append(applied, m.version)
		}
	}
	newest, err := schemaVersion(ctx, pool)
	if err != nil {
		return applied, fmt.Errorf("reading the journal's schema version: %w", err)
	}
	return applied, checkNewest(newest)
}

// schemaVersion is the newest version consent_schema records.
func schemaVersion(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	var newest int
	err := pool.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM consent_schema").Scan(&newest)
	return newest, err
}

// checkNewest refuses a schema newer than this program's.
func checkNewest(newest int) error {
	if latest := SchemaVersion(); newest > latest {
		return fmt.Errorf("the journal's schema is version %d, newer than this program knows (%d): update Consent Desk", newest, latest)
	}
	return nil
}

// createSchemaTable creates consent_schema unless it exists, under the
// migration lock (two CREATE … IF NOT EXISTS at once can collide).
func createSchemaTable(ctx context.Context, pool *pgxpool.Pool) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit it does nothing
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS consent_schema (
		version     integer PRIMARY KEY,
		description text        NOT NULL,
		applied_at  timestamptz NOT NULL DEFAULT now())`); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// applyMigration applies m unless it was, under the migration lock.
func applyMigration(ctx context.Context, pool *pgxpool.Pool, m migration) (bool, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit it does nothing
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
		return false, err
	}
	var exists bool
	if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM consent_schema WHERE version = $1)", m.version).Scan(&exists); err != nil {
		return false, err
	}
	if exists {
		return false, nil
	}
	if _, err := tx.Exec(ctx, m.sql); err != nil {
		return false, err
	}
	if _, err := tx.Exec(ctx, "INSERT INTO consent_schema (version, description) VALUES ($1, $2)", m.version, m.description); err != nil {
		return false, err
	}
	return true, tx.Commit(ctx)
}

// SchemaVersion is the newest schema version this program migrates to.
func SchemaVersion() int { return migrations[len(migrations)-1].version }
