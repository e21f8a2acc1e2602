package journal

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// The file's hash chain: every line the file writes begins with its link,
// {"chain":"<64 hex digits>", then the record's own JSON; the link is
// SHA-256 over the link before it (none for the first), a newline, and the
// line's JSON without the link ({"…rest}). An edited, removed or inserted
// line breaks the chain from there (VerifyFile). Lines written before the
// chain began carry no link and are counted, not verified.
const (
	chainPrefix = `{"chain":"`
	chainLen    = len(chainPrefix) + 64 + len(`",`)
)

// link is the chain's link for a record's JSON after prev.
func link(prev string, rest []byte) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte{'\n'})
	h.Write(rest)
	return hex.EncodeToString(h.Sum(nil))
}

// chained is the line for a record's JSON (an object) after prev, and its
// link.
func chained(prev string, rec []byte) ([]byte, string) {
	l := link(prev, rec)
	line := make([]byte, 0, len(rec)+chainLen)
	line = append(line, chainPrefix...)
	line = append(line, l...)
	line = append(line, `",`...)
	if len(rec) > 2 { // {"op":…} → …"op":…}
		line = append(line, rec[1:]...)
	} else { // {} → {"chain":"…",} would not be JSON
		line = append(line[:len(line)-1], '}')
	}
	return line, l
}

// unchain splits a line into its link and its record's JSON; ok is false
// for a line without a link.
func unchain(line []byte) (l string, rest []byte, ok bool) {
	if len(line) < chainLen || !bytes.HasPrefix(line, []byte(chainPrefix)) || string(line[chainLen-2:chainLen]) != `",` {
		return "", nil, false
	}
	l = string(line[len(chainPrefix) : len(chainPrefix)+64])
	rest = append([]byte{'{'}, line[chainLen:]...)
	return l, rest, true
}

// lastLink is the link of the file's last complete linked line, "" when
// it has none; file is open for reading at any offset.
func lastLink(file *os.File) (string, error) {
	fi, err := file.Stat()
	if err != nil {
		return "", err
	}
	size := fi.Size()
	window := int64(64 << 10)
	for {
		start := max(size-window, 0)
		buf := make([]byte, size-start)
		if _, err := file.ReadAt(buf, start); err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
		// Complete lines only: drop a torn tail, and the first line when
		// the window may have cut it.
		if i := bytes.LastIndexByte(buf, '\n'); i >= 0 {
			buf = buf[:i]
		} else if start == 0 {
			return "", nil
		}
		lines := bytes.Split(buf, []byte{'\n'})
		first := 0
		if start > 0 {
			first = 1
		}
		for i := len(lines) - 1; i >= first; i-- {
			if l, _, ok := unchain(lines[i]); ok {
				return l, nil
			}
		}
		if start == 0 || window > 2*maxLine {
			return "", nil
		}
		window *= 4
	}
}

// ChainReport is what VerifyFile found: the lines it read, those written
// before the chain began (no link: counted, not verified), and the first
// break, if any.
type ChainReport struct {
	Lines    int
	Unlinked int
	Linked   int
	// Break is the first line that does not match the chain: its number,
	// the entry it is about, and why; nil when the chain holds.
	Break *ChainBreak
}

// ChainBreak is the first line of a file that breaks its chain.
type ChainBreak struct {
	Line    int
	EntryID string
	Reason  string
}

func (b ChainBreak) String() string {
	return fmt.Sprintf("line %d (entry %s) %s", b.Line, b.EntryID, b.Reason)
}

// VerifyFile checks the chain of the file's lines from the first linked
// one: each link against the link before it and the line's own JSON; a
// line without a link after the chain began is a break too. Lines that
// are not records (a torn line) are skipped, as Parse skips them.
func (f *File) VerifyFile() (ChainReport, error) {
	var rep ChainReport
	file, err := f.openRead()
	if file == nil {
		return rep, err
	}
	defer file.Close()
	prev, started := "", false
	_, err = scanLines(file, func(n int, line []byte, _ bool) string {
		// A line that is not a record (torn by a crash, damaged) holds no
		// entry and is skipped, as Parse skips it; had it replaced a
		// record, the next link would not match.
		if rep.Break != nil || !validRecord(line) {
			return ""
		}
		rep.Lines++
		l, rest, ok := unchain(line)
		switch {
		case !ok && !started:
			rep.Unlinked++
		case !ok:
			rep.Break = &ChainBreak{n, recordID(line), "has no link although the chain began before it: it was inserted or rewritten"}
		case link(prev, rest) != l:
			rep.Break = &ChainBreak{n, recordID(line), "does not match its link: it, or a line before it, was edited or removed"}
		default:
			rep.Linked++
			prev, started = l, true
		}
		return ""
	})
	if err != nil {
		return rep, fmt.Errorf("journal %s: %w", f.path, err)
	}
	return rep, nil
}

// validRecord reports whether line is a whole record (not a torn one).
func validRecord(line []byte) bool { return recordID(line) != "" }

// recordID is the entry a line is about, "" when it is not a record.
func recordID(line []byte) string {
	var r struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(line, &r); err != nil {
		return ""
	}
	return r.ID
}
