package importer

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/consentdesk/consent/internal/sheet"
)

// FileError is a sign-up sheet that cannot be used: unreadable or not a
// file (Problem: "fair.csv cannot be read: …"), or not a sheet (Sheet,
// with its line: "fair.csv: line 3: …"). Nothing was sent.
type FileError struct {
	Path string
	// Problem is what keeps the file from being read, said after its path.
	Problem string
	// Sheet is what the sheet reader found wrong, with its line.
	Sheet *sheet.Error
}

func (e *FileError) Error() string {
	if e.Sheet != nil {
		return e.Path + ": " + e.Sheet.Error()
	}
	return e.Path + " " + e.Problem
}

// Header is a sheet's header read with every row checked: its columns,
// separator and ignored headers, and how many rows it has.
type Header struct {
	*sheet.Sheet
	Rows int
}

// ReadHeader reads the sheet at path through to its end, keeping only its
// header and its count of rows: a file that cannot be read is refused,
// naming the file and the line, before anything else is done.
func ReadHeader(path string, mapping sheet.Mapping) (Header, error) {
	n := 0
	s, err := scanFile(path, mapping, func(*sheet.Sheet, sheet.Row) { n++ })
	return Header{Sheet: s, Rows: n}, err
}

// PlanFile reads the sheet at path a row at a time, giving each its
// verdict as it is read (Planner): the rows are not kept twice. h is the
// sheet's header as ReadHeader read it: its count of rows sizes the plan in
// one allocation (a growing slice would hold up to twice as much at its
// peak).
func PlanFile(path string, mapping sheet.Mapping, h Header, opts Options) (*sheet.Sheet, []Row, error) {
	p := NewPlanner(opts)
	rows := make([]Row, 0, h.Rows)
	s, err := scanFile(path, mapping, func(s *sheet.Sheet, r sheet.Row) { rows = append(rows, p.Row(s, r)) })
	return s, rows, err
}

// HasConsentColumn reports whether the sheet says, row by row, what
// consent was given (email_consent or sms_consent): without one, the agent
// must say which consent every row gives (Options.Channels).
func HasConsentColumn(s *sheet.Sheet) bool {
	_, email := s.Columns[sheet.EmailConsent]
	_, sms := s.Columns[sheet.SMSConsent]
	return email || sms
}

// ExpandHome is path with a leading ~ or ~/ made the home directory, as an
// agent types it in the UI.
func ExpandHome(path string) (string, error) {
	if path != "~" && !strings.HasPrefix(path, "~/") {
		return path, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", &FileError{Path: path, Problem: "cannot be read: the home directory is not known"}
	}
	return filepath.Join(home, strings.TrimPrefix(path, "~")), nil
}

// scanFile reads the sheet at path, handing each row to each.
func scanFile(path string, mapping sheet.Mapping, each func(*sheet.Sheet, sheet.Row)) (*sheet.Sheet, error) {
	f, err := os.Open(path)
	if err != nil {
		why := err
		if u := errors.Unwrap(err); u != nil {
			why = u
		}
		return nil, &FileError{Path: path, Problem: "cannot be read: " + why.Error()}
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, &FileError{Path: path, Problem: "is a directory: give a CSV file"}
	}
	s, err := sheet.ReadEach(f, mapping, func(s *sheet.Sheet, r sheet.Row) error {
		each(s, r)
		return nil
	})
	var se *sheet.Error
	if errors.As(err, &se) {
		return nil, &FileError{Path: path, Sheet: se}
	}
	if err != nil {
		return nil, &FileError{Path: path, Problem: "cannot be read: " + err.Error()}
	}
	return s, nil
}
