package accessible

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// TestImportASheet imports a sheet in plain questions and answers: a file
// that cannot be read is asked again, the counts and every row are said,
// nothing is sent until "Send … y/N" is answered y, and the report says
// what Klaviyo recorded.
func TestImportASheet(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fair.csv")
	sheet := "email;mobile;newsletter;sms opt-in;country\n" +
		"acc.one@example.si;031 234 567;yes;yes;Slovenia\n" +
		"acc.two@example.com;+1 201 555 0177;x;x;\n" +
		"bad@;;yes;;\n"
	if err := os.WriteFile(path, []byte(sheet), 0o600); err != nil {
		t.Fatal(err)
	}
	// No: the preview is said, the rows are listed, the answer is no.
	out, store, err := run(t, "i\n"+filepath.Join(dir, "missing.csv")+"\n"+path+"\nNewsletter\n1\nn\nq\n")
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, out, "Not read: "+filepath.Join(dir, "missing.csv")+" cannot be read: no such file or directory",
		"Read 3 rows.", "1 ok, 1 SMS dropped, 1 email invalid; 2 rows to send.",
		"Line 2, acc.one@example.si, 031 234 567: SMS dropped: Slovenia (+386) is not an SMS country",
		"Line 3, acc.two@example.com, +1 201 555 0177: ok.", "Line 4, bad@: email invalid",
		"Send 2 rows to Newsletter (1 held back)? y/N", "Not sent.")
	if es := entries(t, store); len(es) != 0 {
		t.Fatalf("answered no, and %d entries were journaled", len(es))
	}
	// Yes: sent, read back, reported.
	out, store, err = run(t, "i\n"+path+"\nNewsletter\n3\ny\nq\n")
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, out, "Send 2 rows to Newsletter (1 held back)? y/N", "Sending", ": 2 verified, 0 pending double opt-in, 0 not recorded, 0 failed, 0 unknown, 1 not sent.")
	es := entries(t, store)
	if len(es) != 2 {
		t.Fatalf("%d entries, want the 2 rows sent", len(es))
	}
	for _, e := range es {
		if e.State != journal.StateVerified || e.Import == nil {
			t.Errorf("entry %+v", e)
		}
	}
}

// TestImportAsksTheConsentOfASheetWithoutColumns: a sheet with no consent
// column is imported only with the consent the agent says every row gives.
func TestImportAsksTheConsentOfASheetWithoutColumns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "emails.csv")
	if err := os.WriteFile(path, []byte("email\nonly.email@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, store, err := run(t, "i\n"+path+"\ny\nn\nn\nNewsletter\n3\ny\nq\n")
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, out, "The sheet has no consent column", "Email marketing for every row? y/N", "1 ok; 1 rows to send.", ": 1 verified")
	es := entries(t, store)
	if len(es) != 1 || !es[0].Request.Has(model.EmailMarketing) || es[0].Request.WantsSMS() {
		t.Fatalf("entries %+v", es)
	}
}

// TestSubscribeBackDated enters consent collected on paper: a future date
// is asked again, the evidence's hash is kept, the warnings are said, and
// the journal has it all.
func TestSubscribeBackDated(t *testing.T) {
	evidence := filepath.Join(t.TempDir(), "sheet.jpg")
	if err := os.WriteFile(evidence, []byte("a signed sheet"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, store, err := run(t, "s\npaper@example.com\n\ny\nNewsletter\ny\n2999-01-01\n2026-03-14\nBooth, Spring Fair\nfair-2026\n/nope/missing.jpg\n"+evidence+"\ny\nq\n")
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, out, "Consent collected earlier, and entered now? y/N", "Consent date: ✗", "is in the future",
		"Consent date: ✓ 14 Mar 2026 00:00 UTC.", "Evidence: ✗", "Evidence: ✓ sheet.jpg", "Warning: ", "Send? y/N")
	es := entries(t, store)
	if len(es) != 1 || es[0].Request.Offline == nil {
		t.Fatalf("entries %+v", es)
	}
	off := es[0].Request.Offline
	if off.CollectedBy != "Booth, Spring Fair" || off.TextVersion != "fair-2026" || len(off.EvidenceSHA256) != 64 || off.EvidenceName != "sheet.jpg" {
		t.Errorf("offline = %+v", off)
	}
	if !strings.Contains(out, "as asked") {
		t.Errorf("the result does not say the date is as asked:\n%s", out)
	}
}
