package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
)

// everyVerdictSheet has a row of each verdict the file alone decides.
const everyVerdictSheet = "email;mobile;newsletter;sms opt-in;country\n" +
	"ana.imp@example.si;031 234 567;yes;yes;Slovenia\n" + // 2 SMS dropped
	"jo.imp@example.com;+1 201 555 0177;x;x;\n" + // 3 ok
	"not-an-email;;yes;no;\n" + // 4 email invalid
	"JO.IMP@example.com;;yes;no;\n" + // 5 duplicate of 3
	";;yes;yes;\n" + // 6 no email or phone
	"dana.imp@example.com;;no;no;\n" + // 7 no consent given
	"eva.imp@example.com;;maybe;no;\n" // 8 consent unclear

// writeSheet writes text as name in a new temporary folder, and returns
// its path.
func writeSheet(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// importOf is the import view on top of a's stack.
func importOf(t *testing.T, a *App) *importView {
	t.Helper()
	v, ok := a.current().(*importView)
	if !ok {
		t.Fatalf("the current view is %T, not the import view", a.current())
	}
	return v
}

// openImportWith opens the import view, types path and picks the
// Newsletter (the picker's first list), leaving the focus on the path.
func openImportWith(t *testing.T, a *App, path string) {
	t.Helper()
	typeAndWait(t, a, "i")
	typeAndWait(t, a, path)
	pressAndWait(t, a, tea.KeyTab, 0)
	pressAndWait(t, a, tea.KeyEnter, 0) // the picker
	wantScreen(t, a, "Newsletter")
	pressAndWait(t, a, tea.KeyEnter, 0) // picks the Newsletter
	wantScreen(t, a, "List Newsletter (Y6nRLr)")
}

// previewOf reads the sheet at path into the preview.
func previewOf(t *testing.T, a *App, path string) {
	t.Helper()
	openImportWith(t, a, path)
	pressAndWait(t, a, tea.KeyEnter, 0)
	if v := importOf(t, a); v.step != importPreview {
		t.Fatalf("not on the preview:\n%s", screen(a))
	}
}

// TestImportPreviewShowsEveryVerdict reads a sheet from a file: the
// header line, the counts by verdict, and every row with its verdict.
func TestImportPreviewShowsEveryVerdict(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	path := writeSheet(t, "fair.csv", everyVerdictSheet)
	previewOf(t, a, path)
	wantScreen(t, a, "fair.csv: 7 rows · semicolon-separated · columns email, phone, email_consent, sms_consent, country → list Newsletter",
		"1 ok · 1 SMS dropped · 1 duplicate in the file · 1 email invalid · 1 consent unclear · 1 no consent given · 1 no email or phone · 2 to send",
		"2 SMS dropped ana.imp@example.si, 031 234 567", "3 ok jo.imp@example.com, +1 201 555",
		"4 email invalid not-an-email", "5 duplicate in the file JO.IMP@example.com", "6 no email or phone",
		"7 no consent given dana.imp@example.com", "8 consent unclear eva.imp@example.com", "[ Import 2 rows ] ctrl+s")
}

// TestImportFilters: v shows one verdict after another, then all; /
// narrows the rows by text; esc shows them all again.
func TestImportFilters(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	previewOf(t, a, writeSheet(t, "fair.csv", everyVerdictSheet))
	typeAndWait(t, a, "v")
	wantScreen(t, a, "1 of 7 rows · only ok (v: next)", "3 ok jo.imp@example.com")
	wantNotOnScreen(t, a, "ana.imp@example.si, 031")
	typeAndWait(t, a, "v")
	wantScreen(t, a, "only SMS dropped", "2 SMS dropped ana.imp@example.si")
	for range 6 { // the five other verdicts present, then all
		typeAndWait(t, a, "v")
	}
	wantNotOnScreen(t, a, "only ")
	wantScreen(t, a, "2 SMS dropped", "8 consent unclear")
	typeAndWait(t, a, "/")
	typeAndWait(t, a, "dana")
	pressAndWait(t, a, tea.KeyEnter, 0)
	wantScreen(t, a, "1 of 7 rows · filter: dana", "7 no consent given dana.imp@example.com")
	wantNotOnScreen(t, a, "8 consent unclear")
	pressAndWait(t, a, tea.KeyEscape, 0)
	wantScreen(t, a, "2 SMS dropped", "8 consent unclear")
	if v := importOf(t, a); v.step != importPreview {
		t.Errorf("esc clearing the filter left the preview:\n%s", screen(a))
	}
}

// TestImportFileErrorUnderThePath: a sheet that cannot be used is said
// under the path, naming the file (and the line), and the path stays as
// typed.
func TestImportFileErrorUnderThePath(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, path string
		want       []string
	}{
		{"missing", filepath.Join(dir, "nope.csv"), []string{"✗", "nope.csv cannot be read"}},
		{"no email or phone column", writeSheet(t, "odd.csv", "name;city\nAna;Ljubljana\n"), []string{"✗", "odd.csv: line 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _ := newSandboxApp(t, 120, 30)
			openImportWith(t, a, tt.path)
			pressAndWait(t, a, tea.KeyEnter, 0)
			wantScreen(t, a, tt.want...)
			v := importOf(t, a)
			if v.step != importChoosing || v.path.Value() != tt.path {
				t.Errorf("step %d, path %q; want the first step with %q kept", v.step, v.path.Value(), tt.path)
			}
		})
	}
}

// TestImportNeedsTheConsentOfASheetWithoutColumn: a sheet with no
// consent column is not read until the agent says which consent every
// row gives.
func TestImportNeedsTheConsentOfASheetWithoutColumn(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	openImportWith(t, a, writeSheet(t, "shop.csv", "email\nshop.one@example.com\n"))
	pressAndWait(t, a, tea.KeyEnter, 0)
	wantScreen(t, a, "shop.csv has no consent column (email_consent, sms_consent): say which consent every row gives")
	pressAndWait(t, a, tea.KeySpace, 0) // the focus went to Email marketing
	wantScreen(t, a, "[x] Email marketing")
	sendAndWait(t, a, tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	wantScreen(t, a, "1 ok", "1 to send", "2 ok shop.one@example.com")
}

// TestImportAsksBeforeSendingAndDefaultsToNo: ctrl+s asks, naming the
// rows and the list; enter and n send nothing (the journal stays empty).
func TestImportAsksBeforeSendingAndDefaultsToNo(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	previewOf(t, a, writeSheet(t, "fair.csv", everyVerdictSheet))
	for _, no := range []tea.KeyPressMsg{{Code: tea.KeyEnter}, {Code: 'n', Text: "n"}, {Code: tea.KeyEscape}} {
		sendAndWait(t, a, tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
		wantScreen(t, a, "Send 2 rows to list Newsletter? (5 rows are held back) y/N", "y yes")
		sendAndWait(t, a, no)
		wantScreen(t, a, "Nothing was sent.")
		if v := importOf(t, a); v.step != importPreview {
			t.Fatalf("%q left the preview:\n%s", no.String(), screen(a))
		}
		if es := historyEntries(t, a); len(es) != 0 {
			t.Fatalf("%q journaled %d entries", no.String(), len(es))
		}
	}
}

// TestImportSendsAndReconciles: y sends the rows on the sandbox; the
// report has the tally; a second import of the same sheet finds them
// already subscribed.
func TestImportSendsAndReconciles(t *testing.T) {
	a, _ := newSandboxApp(t, 100, 30)
	path := writeSheet(t, "fair.csv", everyVerdictSheet)
	previewOf(t, a, path)
	sendAndWait(t, a, tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	typeAndWait(t, a, "y")
	wantScreen(t, a, "of fair.csv: 7 rows, 1 job", "2 verified · 0 pending double opt-in · 0 not recorded · 0 failed · 0 unknown · 5 not sent",
		"4 held: email invalid not-an-email")
	if es := historyEntries(t, a); len(es) != 2 {
		t.Errorf("%d entries journaled, want the 2 rows sent", len(es))
	}
	typeAndWait(t, a, "n")
	wantScreen(t, a, "File "+path)
	pressAndWait(t, a, tea.KeyEnter, 0)
	wantScreen(t, a, "2 already subscribed", "0 to send", "No row can be sent.")
}

// TestImportExportsCSV: e writes the verdicts beside the sheet, 0600, and
// never over a file: the second export takes a new name.
func TestImportExportsCSV(t *testing.T) {
	a, _ := newSandboxApp(t, 120, 30)
	path := writeSheet(t, "fair.csv", everyVerdictSheet)
	previewOf(t, a, path)
	typeAndWait(t, a, "e")
	first := filepath.Join(filepath.Dir(path), "fair.verdicts.csv")
	wantScreen(t, a, "Written to "+first)
	typeAndWait(t, a, "e")
	second := filepath.Join(filepath.Dir(path), "fair.verdicts-2.csv")
	wantScreen(t, a, "Written to "+second)
	for _, p := range []string{first, second} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s is %v, want 0600", p, fi.Mode().Perm())
		}
		b, _ := os.ReadFile(p)
		if !strings.HasPrefix(string(b), "line,email,phone,verdict") || !strings.Contains(string(b), "sms_dropped") {
			t.Errorf("%s holds %q", p, b)
		}
	}
}

// TestImportFitsSmallWindows: the steps fit 60x20 and a 40x12 window
// without a panic.
func TestImportFitsSmallWindows(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {60, 20}, {40, 12}} {
		a, _ := newSandboxApp(t, size[0], size[1])
		path := writeSheet(t, "fair.csv", everyVerdictSheet)
		openImportWith(t, a, path)
		wantFits(t, a, size[0], size[1])
		pressAndWait(t, a, tea.KeyEnter, 0)
		wantFits(t, a, size[0], size[1])
		wantScreen(t, a, "fair.csv")
		for range 10 {
			pressAndWait(t, a, tea.KeyDown, 0)
		}
		pressAndWait(t, a, tea.KeyEnter, 0)
		wantFits(t, a, size[0], size[1])
		sendAndWait(t, a, tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
		wantFits(t, a, size[0], size[1])
		typeAndWait(t, a, "y")
		wantFits(t, a, size[0], size[1])
		wantScreen(t, a, "2 verified")
	}
}

// TestImportResumesAnOpenImport: an import the journal has unfinished is
// offered on the first screen; r asks, and y finishes it to its report.
func TestImportResumesAnOpenImport(t *testing.T) {
	h := NewMemoryHistory()
	req := model.ConsentRequest{ListID: "Y6nRLr", Email: "resume.imp@example.com", Channels: []model.Channel{model.EmailMarketing}, Source: "Consent Desk import: fair.csv"}
	if _, err := h.AddMany([]journal.Entry{{At: time.Now(), Action: journal.ActionSubscribe, Origin: testOrigin, Request: req, State: journal.StatePending,
		Import: &journal.ImportRow{ID: "20261201-090000-0000abcd", File: "fair.csv", Line: 2, Of: 1}}}); err != nil {
		t.Fatal(err)
	}
	a := newSandboxAppWith(t, 100, 30, sandbox.Options{}, h)
	typeAndWait(t, a, "i")
	wantScreen(t, a, "Resume import 20261201-090000-0000abcd of fair.csv has 1 row to finish: r resume")
	typeAndWait(t, a, "r")
	wantScreen(t, a, "Resume import 20261201-090000-0000abcd of fair.csv: read back its 1 unfinished row", "y/N")
	typeAndWait(t, a, "n")
	if es := historyEntries(t, a); es[0].State != journal.StatePending {
		t.Fatalf("n changed the entry: %+v", es[0])
	}
	typeAndWait(t, a, "r")
	typeAndWait(t, a, "y")
	wantScreen(t, a, "Import 20261201-090000-0000abcd of fair.csv: 1 row", "1 verified · 0 pending double opt-in")
	if es := historyEntries(t, a); es[0].State != journal.StateVerified {
		t.Errorf("the resumed row is %s, want verified", es[0].State)
	}
}
