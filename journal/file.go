package journal

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/consentdesk/consent/internal/privatefile"
)

// maxLine bounds one journal line; a longer one is reported, not read.
const maxLine = 1 << 20

// Meta is what a File records of who writes it: the audit trail's agent.
type Meta struct {
	Agent string // who made the change
}

// File is the journal on disk: an append-only file of JSON lines, one per
// new entry, state change and claim, each written with a single write and
// fsynced before Add, Update or Claim returns. It is safe for concurrent
// use in one process, and several processes may append to it (O_APPEND);
// claims are taken under an exclusive lock on the file (Claim).
type File struct {
	path string
	meta Meta
	now  func() time.Time
	mu   sync.Mutex
	// issued holds the ids this File has handed out in the second
	// issuedSecond, so that two entries added in the same second by this
	// process never share one.
	issued       map[string]bool
	issuedSecond string
	// dirSynced is set once the directory has been fsynced after a write,
	// so that the journal's own name is on disk too.
	dirSynced bool
}

// record is one line: a whole entry ("add"), a state change ("update"), or
// a claim taken or released ("claim", "release") of the entry ID.
type record struct {
	Entry
	Op string `json:"op"`
	// By is who wrote an update.
	By string `json:"by,omitempty"`
}

// Problem is a line of the journal that could not be read.
type Problem struct {
	Line   int
	Reason string
}

func (p Problem) String() string { return fmt.Sprintf("line %d: %s", p.Line, p.Reason) }

// Open returns the journal at path, creating its directory (0700) if
// needed; the file itself (0600) is created by the first entry. A journal
// that exists is checked at once (privatefile.OpenFile): not a link, this
// user's, and no one else may write it, since retry would send what it
// says with the agent's key.
func Open(path string, meta Meta) (*File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("journal: creating %s: %w", filepath.Dir(path), err)
	}
	f, err := privatefile.OpenFile(path, os.O_RDONLY, 0)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("journal: %w", err)
	default:
		f.Close()
	}
	return &File{path: path, meta: meta, now: time.Now}, nil
}

// Stamp changes whenever the journal file does (its size and time): a
// view showing the journal reads it again when its stamp moved, as when
// another process retried an entry. "" when there is no file yet.
func (f *File) Stamp() string {
	fi, err := os.Lstat(f.path)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%d/%d", fi.Size(), fi.ModTime().UnixNano())
}

// Path is where the journal is.
func (f *File) Path() string { return f.path }

// Where is where the journal is, as a message says it: its path.
func (f *File) Where() string { return f.path }

// Close does nothing: every write is already on disk.
func (f *File) Close() error { return nil }

// Add writes a new pending entry and fsyncs it before returning its id:
// only then may the request be sent.
func (f *File) Add(e Entry) (string, error) {
	e = f.newEntry(e, f.now())
	return e.ID, f.append(record{Entry: e, Op: "add"})
}

// newEntry is e as a new entry records it: its own id, its time (now when
// it has none), pending, by this File's agent unless it names one, and
// claimed by nobody.
func (f *File) newEntry(e Entry, now time.Time) Entry {
	return prepare(e, f.uniqueID(), f.meta.Agent, now)
}

// Update appends a state change of entry id and fsyncs it.
func (f *File) Update(id string, c Change) error {
	return f.append(f.updateRecord(id, c, f.now()))
}

// Claim takes entry id for claimant; see Store. The journal is read again
// and the claim appended under an exclusive lock on the file, so that of two
// processes claiming one entry, the second reads the first's claim.
func (f *File) Claim(id, claimant string) (Entry, []Entry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	file, err := f.openForAppend()
	if err != nil {
		return Entry{}, nil, err
	}
	defer file.Close()
	if err := lockFile(file); err != nil {
		return Entry{}, nil, fmt.Errorf("journal: locking %s: %w", f.path, err)
	}
	defer unlockFile(file)
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return Entry{}, nil, fmt.Errorf("journal: %w", err)
	}
	entries, _, err := Parse(file)
	if err != nil {
		return Entry{}, nil, fmt.Errorf("journal %s: %w", f.path, err)
	}
	now := f.now()
	e, err := claimable(id, claimant, entries, now)
	if err != nil {
		return Entry{}, entries, err
	}
	if err := f.writeRecord(file, record{Entry: Entry{ID: id, Updated: now, ClaimedBy: claimant, ClaimedAt: now}, Op: "claim"}); err != nil {
		return Entry{}, entries, err
	}
	e.ClaimedBy, e.ClaimedAt = claimant, now
	return e, entries, nil
}

// Release appends the end of claimant's claim on entry id.
func (f *File) Release(id, claimant string) error {
	return f.append(record{Entry: Entry{ID: id, Updated: f.now(), ClaimedBy: claimant}, Op: "release"})
}

// append writes one record as one line, with one write, then fsyncs.
func (f *File) append(r record) error { return f.appendAll([]record{r}) }

// openForAppend opens the journal to append to it, creating it 0600, never
// through a link, only a file of this user's no one else may write.
func (f *File) openForAppend() (*os.File, error) {
	file, err := privatefile.OpenFile(f.path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: opening %s: %w", f.path, err)
	}
	return file, nil
}

// writeRecord appends r to file as one line with one write and fsyncs it
// (and, the first time, the directory). f.mu is held.
func (f *File) writeRecord(file *os.File, r record) error {
	return f.writeRecords(file, []record{r})
}

// writeRecords appends recs to file as lines with one write and fsyncs
// them (and, the first time, the directory), each linked to the line
// before it (chain.go). f.mu and the file's lock are held.
func (f *File) writeRecords(file *os.File, recs []record) error {
	prev, err := lastLink(file)
	if err != nil {
		return fmt.Errorf("journal: reading %s: %w", f.path, err)
	}
	var line []byte
	for _, r := range recs {
		one, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("journal: encoding: %w", err)
		}
		one, prev = chained(prev, one)
		if len(one) > maxLine {
			// Read would skip it: an entry written so would be sent and
			// then lost from History.
			return fmt.Errorf("journal: a record of %d bytes is longer than a journal line may be (%d): not written", len(one), maxLine)
		}
		line = append(append(line, one...), '\n')
	}
	if endsTorn(file) {
		// A crash cut the last line short: start on a line of our own, so
		// the damage stays on that one line.
		line = append([]byte{'\n'}, line...)
	}
	before, statErr := file.Seek(0, io.SeekEnd)
	if n, err := file.Write(line); err != nil {
		if n > 0 && statErr == nil {
			f.dropPartial(file, before, int64(n))
		}
		return fmt.Errorf("journal: writing %s: %w", f.path, err)
	}
	if err := file.Sync(); err != nil {
		return fmt.Errorf("journal: syncing %s: %w", f.path, err)
	}
	if !f.dirSynced {
		// The first write may have created the file: its directory entry
		// must reach the disk too, or a crash can lose the whole journal.
		if err := syncDir(filepath.Dir(f.path)); err != nil {
			return fmt.Errorf("journal: syncing %s: %w", filepath.Dir(f.path), err)
		}
		f.dirSynced = true
	}
	return nil
}

// dropPartial takes back the n bytes a failed write (a full disk) left at
// offset before, so that the journal keeps no half record, unless someone
// else appended after them meanwhile.
func (f *File) dropPartial(file *os.File, before, n int64) {
	if fi, err := file.Stat(); err == nil && fi.Size() == before+n {
		_ = file.Truncate(before)
	}
}

// syncDir fsyncs a directory, making the names in it durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}

// endsTorn reports whether the file's last byte is not a newline.
func endsTorn(file *os.File) bool {
	fi, err := file.Stat()
	if err != nil || fi.Size() == 0 {
		return false
	}
	var last [1]byte
	if _, err := file.ReadAt(last[:], fi.Size()-1); err != nil {
		return false
	}
	return last[0] != '\n'
}

// Entries returns every entry, newest first. Lines that cannot be read (a
// torn last line after a crash, a damaged one) are skipped: see Read.
func (f *File) Entries() ([]Entry, error) {
	entries, _, err := f.Read()
	return entries, err
}

// Read returns every entry, newest first, and the lines it had to skip.
// A missing file is an empty journal.
func (f *File) Read() ([]Entry, []Problem, error) {
	file, err := f.openRead()
	if file == nil {
		return nil, nil, err
	}
	defer file.Close()
	entries, problems, err := Parse(file)
	if err != nil {
		return nil, nil, fmt.Errorf("journal %s: %w", f.path, err)
	}
	return entries, problems, nil
}

// openRead opens the journal to read it; nil and no error when there is
// none yet.
func (f *File) openRead() (*os.File, error) {
	file, err := privatefile.OpenFile(f.path, os.O_RDONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	return file, nil
}

// Parse reads a journal: whole entries and the state changes after them,
// newest entry first. A line that is not a record, or an update of an
// unknown entry, is a Problem, never an error; so is a last line without
// its newline (a write cut short by a crash). Only a read failure is an
// error.
func Parse(r io.Reader) ([]Entry, []Problem, error) {
	var (
		entries []Entry
		index   = map[string]int{}
	)
	problems, err := scanLines(r, func(_ int, line []byte, torn bool) string {
		return apply(line, torn, &entries, index)
	})
	if err != nil {
		return nil, nil, err
	}
	slices.Reverse(entries)
	return entries, problems, nil
}

// scanLines gives fn each line of r in order, with its number and whether
// it is a last line without its newline (torn: nothing comes after it),
// and keeps as a Problem every reason fn gives ("" for none) and every line
// longer than maxLine, which fn does not see. Only a read failure is an
// error. Parse, Records and VerifyFile read the journal through it.
func scanLines(r io.Reader, fn func(n int, line []byte, torn bool) string) ([]Problem, error) {
	var problems []Problem
	br := bufio.NewReaderSize(r, 64<<10)
	for n := 1; ; n++ {
		line, err := readLine(br)
		if err != nil && !errors.Is(err, io.EOF) {
			if errors.Is(err, errLineTooLong) {
				problems = append(problems, Problem{n, "longer than 1 MiB: skipped"})
				continue
			}
			return nil, err
		}
		if len(line) == 0 && errors.Is(err, io.EOF) {
			return problems, nil
		}
		torn := errors.Is(err, io.EOF) // no newline: the write was cut short
		if p := fn(n, line, torn); p != "" {
			problems = append(problems, Problem{n, p})
		}
		if torn {
			return problems, nil
		}
	}
}

var errLineTooLong = errors.New("line too long")

// readLine reads one line without its newline; at the end of input without
// a newline it returns what there was and io.EOF.
func readLine(br *bufio.Reader) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > maxLine {
			// Skip to the end of this line.
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			return nil, errLineTooLong
		}
		switch {
		case err == nil:
			return bytes.TrimSuffix(buf, []byte("\n")), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			return buf, err
		}
	}
}

// apply folds one line into entries and returns why it could not, or "".
func apply(line []byte, torn bool, entries *[]Entry, index map[string]int) string {
	if len(bytes.TrimSpace(line)) == 0 {
		return ""
	}
	var r record
	if err := json.Unmarshal(line, &r); err != nil || r.ID == "" {
		if torn {
			return "incomplete (written when the program stopped?): skipped; every entry before it is intact"
		}
		return "not a journal record: skipped"
	}
	switch r.Op {
	case "add":
		if _, dup := index[r.ID]; dup {
			return "entry " + r.ID + " added twice: the second is skipped"
		}
		index[r.ID] = len(*entries)
		r.Entry.State = r.Entry.State.normalized()
		*entries = append(*entries, r.Entry)
	case "update", "claim", "release":
		i, ok := index[r.ID]
		if !ok {
			return r.Op + " of unknown entry " + r.ID + ": skipped"
		}
		applyRecord(&(*entries)[i], r)
	default:
		return fmt.Sprintf("unknown operation %q: skipped", r.Op)
	}
	if torn {
		return "the last line has no newline (written when the program stopped?); it was read"
	}
	return ""
}

// applyRecord folds a state change or a claim into e.
func applyRecord(e *Entry, r record) {
	switch r.Op {
	case "update":
		applyChange(e, Change{State: r.State, Result: r.Result, Note: r.Note, Sending: !r.SentAt.IsZero(), Override: r.Request.Override}, r.By, r.Updated)
	case "claim":
		e.ClaimedBy, e.ClaimedAt = r.ClaimedBy, r.Updated
	case "release":
		if e.ClaimedBy == r.ClaimedBy {
			e.ClaimedBy, e.ClaimedAt = "", time.Time{}
		}
	}
}

// uniqueID returns an id no earlier call on f returned in the same
// second (ids begin with their second, so ids of different seconds differ):
// only the current second's are remembered, so that an import of 100,000
// rows does not keep 100,000 ids. Across processes appending to the same
// journal, 32 random bits per second make a clash negligible (and Read
// reports one).
func (f *File) uniqueID() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for {
		id := newID(f.now())
		second := id[:len("20060102-150405")]
		if f.issuedSecond != second {
			f.issued, f.issuedSecond = map[string]bool{}, second
		}
		if !f.issued[id] {
			f.issued[id] = true
			return id
		}
	}
}

// newID is sortable by time, with 32 random bits: 20261126-133301-a1b2c3d4.
func newID(t time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return t.UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b[:])
}
