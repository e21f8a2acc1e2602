package journal

import (
	"fmt"
	"time"
)

// ImportRow is where an entry made by a batch import came from: the
// import it belongs to, the sheet's file name and the row's line.
type ImportRow struct {
	// ID names one import: every row it journals carries it, and
	// `consent import --resume` finds the rows to finish by it.
	ID   string `json:"id"`
	File string `json:"file,omitempty"`
	Line int    `json:"line"`
	// Of is how many rows the import journals: fewer in the journal means
	// it stopped while writing them, and the rest were never sent.
	Of int `json:"of,omitempty"`
}

// NewImportID returns an id for a new import, sortable by time, as entry
// ids are: 20261202-081500-a1b2c3d4.
func NewImportID(now time.Time) string { return newID(now) }

// AddMany writes new pending entries, all with one write and one fsync,
// and returns their ids in order: only then may they be sent.
func (f *File) AddMany(es []Entry) ([]string, error) {
	ids := make([]string, len(es))
	recs := make([]record, len(es))
	now := f.now()
	for i, e := range es {
		e = f.newEntry(e, now)
		ids[i], recs[i] = e.ID, record{Entry: e, Op: "add"}
	}
	return ids, f.appendAll(recs)
}

// UpdateMany appends state changes of many entries with one write and one
// fsync.
func (f *File) UpdateMany(changes []IDChange) error {
	now := f.now()
	recs := make([]record, len(changes))
	for i, c := range changes {
		recs[i] = f.updateRecord(c.ID, c.Change, now)
	}
	return f.appendAll(recs)
}

// updateRecord is the line recording change c of entry id at now.
func (f *File) updateRecord(id string, c Change, now time.Time) record {
	return updateRec(id, c, f.meta.Agent, now)
}

// updateRec is the record of change c of entry id, by agent, at now.
func updateRec(id string, c Change, by string, now time.Time) record {
	r := record{Entry: Entry{ID: id, State: c.State, Result: c.Result, Note: c.Note, Updated: now}, Op: OpUpdate, By: by}
	if c.Sending {
		r.SentAt = now
	}
	r.Request.Override = c.Override
	return r
}

// appendAll writes records as lines with one write, then fsyncs; nothing
// when there are none.
func (f *File) appendAll(recs []record) error {
	if len(recs) == 0 {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	file, err := f.openForAppend()
	if err != nil {
		return err
	}
	// Under the file's lock: each line links to the last one, which
	// another process must not write meanwhile.
	if err := lockFile(file); err != nil {
		file.Close()
		return fmt.Errorf("journal: locking %s: %w", f.path, err)
	}
	if err := f.writeRecords(file, recs); err != nil {
		file.Close()
		return err
	}
	if err := file.Close(); err != nil {
		return fmt.Errorf("journal: closing %s: %w", f.path, err)
	}
	return nil
}
