package importer

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/internal/sheet"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

const newsletter = "Y6nRLr" // the demo's single opt-in list

var rules = model.PhoneRules{Policy: model.DefaultSMSPolicy()}

func readSheet(t *testing.T, text string) *sheet.Sheet {
	t.Helper()
	s, err := sheet.Read(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func testDesk(t *testing.T, sb *sandbox.Sandbox) (*desk.Desk, *journal.Memory) {
	t.Helper()
	store := journal.NewMemory()
	c := sandboxtest.Client(t, sb, client.Options{})
	return &desk.Desk{Store: store, Client: c, Rules: rules, Origin: journal.Origin{Backend: "SANDBOX"}, Agent: "dana"}, store
}

// verdictsByLine maps each row's line to its verdict.
func verdictsByLine(rows []Row) map[int]Verdict {
	m := map[int]Verdict{}
	for _, r := range rows {
		m[r.Line] = r.Verdict
	}
	return m
}

// TestPlanVerdicts gives every row of a sheet as people write it its
// verdict from the file alone, with the form's reasons.
func TestPlanVerdicts(t *testing.T) {
	s := readSheet(t, "Email,Phone,Email consent,SMS consent,Country\n"+
		"ana@example.com,+12015550123,yes,yes,\n"+ // 2 ok
		"bor@example.si,031 234 567,yes,yes,Slovenia\n"+ // 3 Slovenia: SMS dropped, email sent
		"cene@example.si,+386 31 234 568,no,yes,\n"+ // 4 Slovenia, SMS only: nothing left
		"not-an-email,,yes,no,\n"+ // 5 email invalid
		"ANA@example.com,,yes,no,\n"+ // 6 duplicate of 2
		",,yes,yes,\n"+ // 7 no identifier
		"dana@example.com,,no,no,\n"+ // 8 no consent
		"eva@example.com,,maybe,no,\n"+ // 9 unclear
		"fran@example.com,4.47911E+11,yes,yes,\n"+ // 10 Excel-mangled: SMS dropped
		"gal@example.com,+1 787 555 0100,yes,yes,\n"+ // 11 Puerto Rico: SMS dropped
		"hana@example.com,+12015550123,yes,yes,\n") // 12 duplicate phone of 2
	rows := Plan(s, Options{ListID: newsletter, Rules: rules})
	want := map[int]Verdict{2: OK, 3: SMSDropped, 4: SMSDropped, 5: EmailInvalid, 6: Duplicate, 7: NoIdentifier,
		8: NoConsent, 9: UnclearConsent, 10: SMSDropped, 11: SMSDropped, 12: Duplicate}
	got := verdictsByLine(rows)
	for line, v := range want {
		if got[line] != v {
			t.Errorf("line %d: %s, want %s", line, got[line], v)
		}
	}
	if len(rows) != 11 {
		t.Errorf("%d rows, want every one of 11", len(rows))
	}
	byLine := map[int]Row{}
	for _, r := range rows {
		byLine[r.Line] = r
	}
	if r := byLine[3]; !strings.Contains(r.Detail, "Slovenia") || !r.Sends() || r.Request.Has(model.SMSMarketing) || !r.Request.Has(model.EmailMarketing) {
		t.Errorf("line 3 = %+v, want Slovenia's reason and email alone sent", r)
	}
	if r := byLine[4]; r.Sends() {
		t.Errorf("line 4 asked only SMS for a Slovenian number and is sent: %+v", r)
	}
	if r := byLine[6]; r.DuplicateOf != 2 || r.Sends() {
		t.Errorf("line 6 = %+v, want a duplicate of line 2, not sent", r)
	}
	if r := byLine[11]; !strings.Contains(r.Detail, "Puerto Rico") {
		t.Errorf("line 11 detail = %q, want Puerto Rico named", r.Detail)
	}
	if r := byLine[10]; !strings.Contains(r.Detail, "4.47911E+11") {
		t.Errorf("line 10 detail = %q, want the mangled number named", r.Detail)
	}
	if r := byLine[2]; r.Request.Phone != "+12015550123" || r.Request.Email != "ana@example.com" {
		t.Errorf("line 2 request = %+v", r.Request)
	}
}

// TestRunImportsAndVerifies sends a sheet's ok rows to the sandbox in a
// job, journals each row with its line, and reads every one back.
func TestRunImportsAndVerifies(t *testing.T) {
	ctx := context.Background()
	sb := sandboxtest.Open(t, sandbox.Options{})
	d, store := testDesk(t, sb)
	s := readSheet(t, "email;mobile;newsletter;sms opt-in\n"+
		"imp.one@example.com;+1 201 555 0101;yes;yes\n"+
		"imp.two@example.com;+386 31 234 567;yes;yes\n"+
		"imp.three@example.com;;x;\n"+
		"bad@;;yes;\n")
	rows := Plan(s, Options{ListID: newsletter, Rules: rules, Source: "Spring Fair"})
	var looked [2]int
	if err := LookUp(ctx, d.Client, rows, func(done, total int) { looked = [2]int{done, total} }); err != nil {
		t.Fatal(err)
	}
	if sends := Count(rows).Sends; looked != [2]int{sends, sends} {
		t.Errorf("LookUp's last progress = %v, want %d of %d rows", looked, sends, sends)
	}
	var seen []Progress
	rep, err := Run(ctx, d, rows, RunOptions{File: "fair.csv", VerifyBound: 10 * time.Second, Progress: func(p Progress) { seen = append(seen, p) }})
	if err != nil {
		t.Fatal(err)
	}
	tally := rep.Tally()
	if tally[Verified] != 3 || tally[NotSent] != 1 || rep.Jobs != 1 {
		t.Fatalf("report = %+v, tally %v", rep, tally)
	}
	entries, _ := store.Entries()
	if len(entries) != 3 {
		t.Fatalf("%d journal entries, want one per sent row", len(entries))
	}
	for _, e := range entries {
		if e.State != journal.StateVerified || e.Import == nil || e.Import.ID != rep.ImportID || e.Import.File != "fair.csv" || e.SentAt.IsZero() {
			t.Errorf("entry %+v", e)
		}
	}
	if len(seen) == 0 || seen[len(seen)-1].Verified != 3 {
		t.Errorf("progress = %+v", seen)
	}
	// Read back by hand: SMS for the US number only.
	ps, err := d.Client.LookupEmail(ctx, "imp.one@example.com")
	if err != nil || len(ps) != 1 || ps[0].Subscriptions.Channel(model.SMSMarketing).Consent != model.Subscribed {
		t.Fatalf("imp.one: %+v %v", ps, err)
	}
	ps, _ = d.Client.LookupEmail(ctx, "imp.two@example.com")
	if len(ps) != 1 || ps[0].Subscriptions.Channel(model.SMSMarketing).Consent == model.Subscribed {
		t.Fatalf("imp.two's Slovenian number got SMS consent: %+v", ps)
	}
	// Imported again: every row is already subscribed, nothing is sent.
	again := Plan(s, Options{ListID: newsletter, Rules: rules})
	if err := LookUp(ctx, d.Client, again, nil); err != nil {
		t.Fatal(err)
	}
	if c := Count(again); c.By[AlreadySubscribed] != 3 || c.Sends != 0 {
		t.Errorf("second time: %+v", c)
	}
}

// TestBackDatedImport imports a sheet of consent collected at a fair: each
// row is sent as a historical import with its own date (read in the
// sheet's DD/MM/YYYY), skipping the double opt-in of the list, and the
// read-back finds Klaviyo's consent date to be the one asked; rows with no
// date, a future one, one before 1990 or one that cannot be read are not
// sent.
func TestBackDatedImport(t *testing.T) {
	ctx := context.Background()
	sb := sandboxtest.Open(t, sandbox.Options{})
	d, store := testDesk(t, sb)
	const vip = "NFjKbW" // the demo's double opt-in VIP Early Access
	s := readSheet(t, "email,sms consent,email consent,phone,consent date\n"+
		"fair.one@example.com,yes,yes,+12015550171,14/03/2026\n"+
		"fair.two@example.com,no,yes,,15/03/2026\n"+
		"fair.three@example.com,no,yes,,\n"+
		"fair.four@example.com,no,yes,,01/01/2999\n"+
		"fair.five@example.com,no,yes,,31/12/1989\n"+
		"fair.six@example.com,no,yes,,14 March\n")
	layout, err := DateLayout("DD/MM/YYYY")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	rows := Plan(s, Options{ListID: vip, Rules: rules, BackDated: true, DateLayout: layout, Location: time.UTC,
		Offline: model.OfflineConsent{CollectedBy: "Booth, Spring Fair", TextVersion: "fair-2026"}, Now: func() time.Time { return now }})
	want := map[int]Verdict{2: OK, 3: OK, 4: MissingConsentDate, 5: BadConsentDate, 6: BadConsentDate, 7: BadConsentDate}
	for line, v := range want {
		if got := verdictsByLine(rows)[line]; got != v {
			t.Errorf("line %d: %s, want %s", line, got, v)
		}
	}
	if err := LookUp(ctx, d.Client, rows, nil); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(ctx, d, rows, RunOptions{File: "fair.csv", VerifyBound: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if tally := rep.Tally(); tally[Verified] != 2 || tally[NotSent] != 4 {
		t.Fatalf("tally %v, rows %+v", tally, rep.Rows)
	}
	if !strings.Contains(rep.Rows[0].Detail, "given on 2026-03-14 00:00 UTC, as asked") {
		t.Errorf("line 2 detail = %q", rep.Rows[0].Detail)
	}
	ps, err := d.Client.LookupEmail(ctx, "fair.one@example.com")
	if err != nil || len(ps) != 1 {
		t.Fatal(ps, err)
	}
	for _, ch := range []model.Channel{model.EmailMarketing, model.SMSMarketing} {
		got := ps[0].Subscriptions.Channel(ch)
		at, _ := got.Timestamp()
		if got.Consent != model.Subscribed || !at.Equal(time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("%s: %s at %s, want SUBSCRIBED at 2026-03-14 (the double opt-in skipped)", ch, got.Consent, got.ConsentTimestamp)
		}
	}
	entries, _ := store.Entries()
	for _, e := range entries {
		if e.Request.Offline == nil || e.Request.Offline.CollectedBy != "Booth, Spring Fair" || e.Request.Offline.TextVersion != "fair-2026" {
			t.Errorf("entry %s: offline %+v", e.ID, e.Request.Offline)
		}
	}
}

// TestOutcomeLabels: every outcome a report counts has words of its own.
func TestOutcomeLabels(t *testing.T) {
	for _, tc := range []struct {
		outcome Outcome
		want    string
	}{
		{Verified, "verified"}, {PendingDoubleOptIn, "pending double opt-in"}, {NotRecorded, "not recorded"},
		{Failed, "failed"}, {Unknown, "unknown"}, {NotSent, "not sent"}, {Outcome("odd\x1b[2J"), "odd"},
	} {
		if got := tc.outcome.Label(); got != tc.want {
			t.Errorf("%q.Label() = %q, want %q", tc.outcome, got, tc.want)
		}
	}
	if len(Outcomes) != 6 {
		t.Errorf("Outcomes has %d, want the 6 outcomes", len(Outcomes))
	}
}
