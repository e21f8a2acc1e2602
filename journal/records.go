package journal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// The journal's records as another store keeps them (a team's PostgreSQL
// journal): the same JSON the file writes a line of, so that every store
// reads and replays them alike, and a file's lines can be copied as they
// are.

// Record operations: a new entry, a state change, a claim, its release.
const (
	OpAdd     = "add"
	OpUpdate  = "update"
	OpClaim   = "claim"
	OpRelease = "release"
)

// Record is one record of the journal: the entry it is about, its
// operation and the JSON the file writes as its line.
type Record struct {
	ID   string
	Op   string
	JSON []byte
	// Agent is who wrote it: an entry's agent, a change's.
	Agent string
}

// encode is r as a Record.
func encode(r record) (Record, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return Record{}, fmt.Errorf("journal: encoding: %w", err)
	}
	if len(b) > maxLine {
		return Record{}, fmt.Errorf("journal: a record of %d bytes is longer than a journal line may be (%d): not written", len(b), maxLine)
	}
	agent := r.By
	if r.Op == OpAdd {
		agent = r.Agent
	}
	return Record{ID: r.ID, Op: r.Op, JSON: b, Agent: agent}, nil
}

// Records reads the file's records as they are written, in order, with
// the lines it had to skip (see Parse); the entries' origins by id, for a
// store that keeps a chain per account.
func (f *File) Records() ([]Record, map[string]Origin, []Problem, error) {
	file, err := f.openRead()
	if file == nil {
		return nil, nil, nil, err
	}
	defer file.Close()
	var (
		out     []Record
		origins = map[string]Origin{}
	)
	problems, err := scanLines(file, func(_ int, line []byte, _ bool) string {
		if len(bytes.TrimSpace(line)) == 0 {
			return ""
		}
		var r record
		if err := json.Unmarshal(line, &r); err != nil || r.ID == "" || !knownOp(r.Op) {
			return "not a journal record: not copied"
		}
		agent := r.By
		if r.Op == OpAdd {
			origins[r.ID], agent = r.Origin, r.Agent
		}
		out = append(out, Record{ID: r.ID, Op: r.Op, JSON: slices.Clone(line), Agent: agent})
		return ""
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("journal %s: %w", f.path, err)
	}
	return out, origins, problems, nil
}

// knownOp reports whether op is a record operation.
func knownOp(op string) bool {
	return op == OpAdd || op == OpUpdate || op == OpClaim || op == OpRelease
}

// NewEntry is e as a store records it when it is added: id, its time (now
// when it has none), pending unless it says otherwise, by agent unless it
// names one, claimed by nobody; and its record.
func NewEntry(e Entry, id, agent string, now time.Time) (Entry, Record, error) {
	e = prepare(e, id, agent, now)
	r, err := encode(record{Entry: e, Op: OpAdd})
	return e, r, err
}

// prepare is e as a new entry records it: see NewEntry.
func prepare(e Entry, id, agent string, now time.Time) Entry {
	e.ID = id
	if e.At.IsZero() {
		e.At = now
	}
	e.Updated = e.At
	if e.State == "" {
		e.State = StatePending
	}
	if e.Agent == "" {
		e.Agent = agent
	}
	e.ClaimedBy, e.ClaimedAt = "", time.Time{}
	return e
}

// NewEntryID is a new entry id at now: sortable by time, with 32 random
// bits (20261126-133301-a1b2c3d4).
func NewEntryID(now time.Time) string { return newID(now) }

// UpdateRecord is the record of change c of entry id, by agent, at now.
func UpdateRecord(id string, c Change, by string, now time.Time) (Record, error) {
	return encode(updateRec(id, c, by, now))
}

// ClaimRecord is the record of claimant's claim on entry id at now.
func ClaimRecord(id, claimant string, now time.Time) (Record, error) {
	return encode(record{Entry: Entry{ID: id, Updated: now, ClaimedBy: claimant, ClaimedAt: now}, Op: OpClaim})
}

// ReleaseRecord is the record of the end of claimant's claim on entry id.
func ReleaseRecord(id, claimant string, now time.Time) (Record, error) {
	return encode(record{Entry: Entry{ID: id, Updated: now, ClaimedBy: claimant}, Op: OpRelease})
}

// Replay folds records, in the order they were written, into entries,
// newest first, as Parse reads a file's lines; n is the record's number
// in Problems.
func Replay(records [][]byte) ([]Entry, []Problem) {
	var buf bytes.Buffer
	for _, r := range records {
		buf.Write(bytes.ReplaceAll(r, []byte{'\n'}, nil))
		buf.WriteByte('\n')
	}
	entries, problems, _ := Parse(&buf) // a buffer does not fail
	return entries, problems
}

// Claimable returns entry id of all (newest first) when claimant may claim
// it at now: it is open, no later entry resent it, and nobody else holds a
// live claim on it; else a *ClaimError says why not.
func Claimable(id, claimant string, all []Entry, now time.Time) (Entry, error) {
	return claimable(id, claimant, all, now)
}
