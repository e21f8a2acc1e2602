package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/importer"
	"github.com/consentdesk/consent/model"
)

// exportTries bounds the new names export tries beside a file that exists.
const exportTries = 100

// export writes the preview's verdicts ("verdicts") or the report
// ("report") as CSV next to the sheet, <name>.<what>.csv, in a command.
func (v *importView) export(what string) tea.Cmd {
	base := v.plan.path
	if base == "" {
		base = v.report.File
	}
	var write func(io.Writer) error
	if what == "verdicts" {
		rows := v.plan.rows
		write = func(w io.Writer) error { return importer.WriteVerdictsCSV(w, rows) }
	} else {
		rep := v.report
		write = func(w io.Writer) error { return importer.WriteReportCSV(w, rep) }
	}
	v.setNotice("Writing the "+what+" as CSV…", false)
	return v.exporting.start(v.c.ctx, v, func(context.Context) (string, error) {
		return writeBeside(base, what, write)
	})
}

// writeBeside writes a new file beside sheet, <name>.<what>.csv, 0600 (it
// holds personal data), never over a file that exists: then
// <name>.<what>-2.csv, and so on. It returns the path written.
func writeBeside(sheet, what string, write func(io.Writer) error) (string, error) {
	stem := strings.TrimSuffix(filepath.Base(sheet), filepath.Ext(sheet))
	return writeNew(filepath.Dir(sheet), stem+"."+what, ".csv", write)
}

// writeNew writes a new file in dir, <stem><ext>, 0600 (it holds personal
// data), never over a file that exists: then <stem>-2<ext>, and so on. It
// returns the path written.
func writeNew(dir, stem, ext string, write func(io.Writer) error) (string, error) {
	for n := 1; n <= exportTries; n++ {
		suffix := ""
		if n > 1 {
			suffix = fmt.Sprintf("-%d", n)
		}
		path := filepath.Join(dir, stem+suffix+ext)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		if err := write(f); err != nil {
			f.Close()
			return path, fmt.Errorf("writing %s: %w", path, err)
		}
		return path, f.Close()
	}
	return "", fmt.Errorf("%s%s and %d more names beside it exist: move some away", stem, ext, exportTries-1)
}

// exported says where the CSV went, or why it could not be written.
func (v *importView) exported(path string, err error) {
	if err != nil {
		v.setNotice("The CSV could not be written: "+model.SanitizeText(err.Error()), true)
		return
	}
	v.setNotice("Written to "+model.SanitizeText(path)+" (only you can read it).", false)
}
