package importer

import (
	"errors"
	"fmt"
	"os"

	"github.com/consentdesk/consent/internal/sheet"
)

// FileError is a sign-up sheet that cannot be used: unreadable, not a
// file, or not a sheet (the line is in the message). Nothing was sent. A
// Msg that starts with a space follows the path as a sentence ("fair.csv
// cannot be read: …"); else it is the sheet's own error ("fair.csv: line
// 3: …").
type FileError struct {
	Path string
	Msg  string
}

func (e *FileError) Error() string {
	if len(e.Msg) > 0 && e.Msg[0] == ' ' {
		return e.Path + e.Msg
	}
	return e.Path + ": " + e.Msg
}

// ReadHeader reads the sheet at path through to its end, keeping only its
// header (columns, separator, ignored headers): a file that cannot be read
// is refused, naming the file and the line, before anything else is done.
func ReadHeader(path string, mapping sheet.Mapping) (*sheet.Sheet, error) {
	return scanFile(path, mapping, func(*sheet.Sheet, sheet.Row) {})
}

// PlanFile reads the sheet at path a row at a time, giving each its
// verdict as it is read (Planner): the rows are not kept twice.
//
// The file is read twice: first to count its rows, so that the rows are
// held in one allocation of the right size (a growing slice would hold up
// to twice as much at its peak), then to plan them.
func PlanFile(path string, mapping sheet.Mapping, opts Options) (*sheet.Sheet, []Row, error) {
	n := 0
	if _, err := scanFile(path, mapping, func(*sheet.Sheet, sheet.Row) { n++ }); err != nil {
		return nil, nil, err
	}
	p := NewPlanner(opts)
	rows := make([]Row, 0, n)
	s, err := scanFile(path, mapping, func(s *sheet.Sheet, r sheet.Row) { rows = append(rows, p.Row(s, r)) })
	return s, rows, err
}

// scanFile reads the sheet at path, handing each row to each.
func scanFile(path string, mapping sheet.Mapping, each func(*sheet.Sheet, sheet.Row)) (*sheet.Sheet, error) {
	f, err := os.Open(path)
	if err != nil {
		why := err
		if u := errors.Unwrap(err); u != nil {
			why = u
		}
		return nil, &FileError{path, fmt.Sprintf(" cannot be read: %v", why)}
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, &FileError{path, " is a directory: give a CSV file"}
	}
	s, err := sheet.ReadEach(f, mapping, func(s *sheet.Sheet, r sheet.Row) error {
		each(s, r)
		return nil
	})
	if err != nil {
		return nil, &FileError{path, err.Error()}
	}
	return s, nil
}
