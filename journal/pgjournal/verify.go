package pgjournal

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/consentdesk/consent/journal"
)

// Break is the first record of a chain that does not match it: its hash
// is not the one its contents and the link before it give, or it does not
// link to the record before it (one was edited, deleted or inserted).
type Break struct {
	Chain   string
	Seq     int64
	EntryID string
	Op      string
	Reason  string
}

func (b Break) String() string {
	return fmt.Sprintf("chain %q: row %d (%s of entry %s) %s", b.Chain, b.Seq, b.Op, b.EntryID, b.Reason)
}

// Verification is what Verify found: how many records and chains it
// checked, and each chain's first break.
type Verification struct {
	Records int
	Chains  int
	Breaks  []Break
}

// OK reports whether every chain matched.
func (v Verification) OK() bool { return len(v.Breaks) == 0 }

// Verify checks every chain from its first record: each record's hash
// against its contents and the hash before it. It reports the first break
// of each chain.
func (s *Store) Verify(ctx context.Context) (Verification, error) {
	rows, err := s.pool.Query(ctx, "SELECT seq, chain, entry_id, op, record, prev_hash, hash FROM consent_journal ORDER BY chain, seq")
	if err != nil {
		return Verification{}, s.fail("verifying", err)
	}
	defer rows.Close()
	var v Verification
	last := map[string]string{}
	broken := map[string]bool{}
	for rows.Next() {
		var (
			seq                                         int64
			chain, id, op, record, prevHash, storedHash string
		)
		if err := rows.Scan(&seq, &chain, &id, &op, &record, &prevHash, &storedHash); err != nil {
			return v, s.fail("verifying", err)
		}
		v.Records++
		prev, seen := last[chain]
		if !seen {
			v.Chains++
		}
		last[chain] = storedHash
		if broken[chain] {
			continue
		}
		b := Break{Chain: chain, Seq: seq, EntryID: id, Op: op}
		switch {
		case prevHash != prev:
			b.Reason = "does not link to the row before it: a row was deleted, inserted or edited"
		case Hash(prev, chain, id, op, record) != storedHash:
			b.Reason = "does not match its hash: it was edited after it was written"
		default:
			continue
		}
		broken[chain] = true
		v.Breaks = append(v.Breaks, b)
	}
	if err := rows.Err(); err != nil {
		return v, s.fail("verifying", err)
	}
	return v, nil
}

// Copy adds to the store the records of a file's journal it does not
// have yet, as they are (entry ids kept), in the file's order: a record
// the store already holds, byte for byte, is not copied again, so running
// it again copies nothing, and records added to the file since are copied
// then. originOf gives each entry's origin (its chain). It reports how
// many entries and records it copied.
func (s *Store) Copy(ctx context.Context, records []journal.Record, originOf map[string]journal.Origin) (entries, copied int, err error) {
	have := map[string]bool{}
	rows, err := s.pool.Query(ctx, "SELECT entry_id, op, record FROM consent_journal")
	if err != nil {
		return 0, 0, s.fail("reading what it has", err)
	}
	for rows.Next() {
		var id, op, text string
		if err := rows.Scan(&id, &op, &text); err != nil {
			rows.Close()
			return 0, 0, s.fail("reading what it has", err)
		}
		have[id+"\x00"+op+"\x00"+text] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, s.fail("reading what it has", err)
	}
	var add []row
	for _, r := range records {
		key := r.ID + "\x00" + r.Op + "\x00" + string(r.JSON)
		if have[key] {
			continue
		}
		have[key] = true
		if r.Op == journal.OpAdd {
			entries++
		}
		add = append(add, row{chain: ChainOf(originOf[r.ID]), agent: r.Agent, rec: r})
	}
	const batch = 1000
	for start := 0; start < len(add); start += batch {
		part := add[start:min(start+batch, len(add))]
		if err := s.appendRows(ctx, func(pgx.Tx) ([]row, error) { return part, nil }); err != nil {
			return entries, start, s.fail("copying", err)
		}
	}
	return entries, len(add), nil
}
