package importer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/journal"
)

// SettleAfter is how long after a row was handed to Klaviyo, with no
// answer recorded, Resume waits before reading it back: long enough for
// an accepted job to have run, so that a row Klaviyo received shows and is
// not sent again.
const SettleAfter = 5 * time.Second

// ErrNoImport is Resume finding nothing to finish.
var ErrNoImport = errors.New("no import to resume")

// LatestOpen is the id of the newest import in entries that still has a
// row to finish made here (origin), "" when none has.
func LatestOpen(entries []journal.Entry, here journal.Origin) string {
	best := ""
	for _, e := range entries {
		if e.Import != nil && e.State.Open() && e.Origin.Same(here) && e.Import.ID > best {
			best = e.Import.ID
		}
	}
	return best
}

// Resume finishes import id as the journal has it, sending no row twice:
//   - a row never handed to Klaviyo (pending, not marked sent), or whose
//     send certainly failed, is sent;
//   - a row handed to Klaviyo whose answer was lost (pending, marked sent)
//     is read back once SettleAfter has passed: if Klaviyo shows it, it is
//     verified and not resent; if not, it is resent, except on a double
//     opt-in list, where a job Klaviyo received shows nothing until the
//     person confirms: such a row is reported Unknown and left to History;
//   - an accepted row is only read back;
//   - verified, refused and dismissed rows are reported as they are.
//
// Only rows made on this desk's backend and account are touched. One
// resume at a time: the import's first open row is claimed for its length.
func Resume(ctx context.Context, d *desk.Desk, id string, opts RunOptions) (Report, error) {
	entries, err := d.Store.Entries()
	if err != nil {
		return Report{}, fmt.Errorf("reading the journal: %w", err)
	}
	var rows []journal.Entry
	for _, e := range entries {
		if e.Import != nil && e.Import.ID == id {
			rows = append(rows, e)
		}
	}
	if len(rows) == 0 {
		return Report{}, fmt.Errorf("%w: the journal has no import %s", ErrNoImport, id)
	}
	slices.SortFunc(rows, func(a, b journal.Entry) int { return a.Import.Line - b.Import.Line })
	rep := Report{ImportID: id, File: rows[0].Import.File, Rows: make([]Reconciled, len(rows))}
	if of := rows[0].Import.Of; of > len(rows) {
		rep.Unjournaled = of - len(rows)
	}
	anchor := ""
	for i, e := range rows {
		rep.Rows[i] = Reconciled{Line: e.Import.Line, Email: e.Request.Email, Phone: e.Request.Phone, Verdict: OK, EntryID: e.ID,
			Outcome: settledOutcome(e.State), Detail: e.Result}
		if anchor == "" && e.State.Open() && e.Origin.Same(d.Origin) {
			anchor = e.ID
		}
	}
	if anchor == "" {
		return rep, nil
	}
	claimant := journal.NewClaimant(d.Agent)
	if _, _, err := d.Store.Claim(anchor, claimant); err != nil {
		return rep, fmt.Errorf("import %s is not resumed: %w", id, err)
	}
	defer d.Store.Release(anchor, claimant)

	list, err := readList(ctx, d, rows[0].Request.ListID)
	if err != nil {
		return rep, err
	}
	r := runner{d: d, list: list, opts: opts, progress: Progress{Phase: "sending", Started: time.Now()}}
	var toSend, inDoubt, toVerify []pendingRow
	for i, e := range rows {
		p := pendingRow{entryID: e.ID, req: &rows[i].Request, sentAt: e.SentAt, report: &rep.Rows[i]}
		switch {
		case !e.Origin.Same(d.Origin):
			if e.State.Open() {
				p.report.Outcome, p.report.Detail = Unknown, fmt.Sprintf("made on %s: not resumed here", e.Origin)
			}
		case e.State.ReadBackOnly():
			p.accepted = true
			toVerify = append(toVerify, p)
		case e.State == journal.StateFailed, e.State == journal.StatePending && e.SentAt.IsZero():
			toSend = append(toSend, p)
		case e.State == journal.StatePending:
			inDoubt = append(inDoubt, p)
		}
	}
	resend, err := r.settleInDoubt(ctx, inDoubt)
	if err != nil {
		return rep, err
	}
	toSend = append(toSend, resend...)
	r.progress.Total = len(toSend) + len(toVerify)
	if err := r.sendAll(ctx, toSend); err != nil {
		return rep, err
	}
	rep.Jobs = r.jobs
	all := append(toVerify, toSend...)
	err = r.verify(ctx, all)
	rep.Took = time.Since(r.progress.Started)
	return rep, err
}

// settledOutcome is the report's outcome for an entry as the journal has
// it, before Resume does anything.
func settledOutcome(s journal.State) Outcome {
	switch s {
	case journal.StateVerified:
		return Verified
	case journal.StateAwaitingConfirmation:
		return PendingDoubleOptIn
	case journal.StateRefused, journal.StateDismissed:
		return Failed
	case journal.StateAccepted:
		return NotRecorded
	}
	return Unknown
}

// settleInDoubt reads back the rows handed to Klaviyo without an answer,
// once SettleAfter has passed since the last was: the ones Klaviyo shows
// are verified (and not resent); it returns the ones to send again (none
// on a double opt-in list, whose rows stay Unknown).
func (r *runner) settleInDoubt(ctx context.Context, rows []pendingRow) ([]pendingRow, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	var last time.Time
	for _, p := range rows {
		if p.sentAt.After(last) {
			last = p.sentAt
		}
	}
	settle := r.opts.SettleAfter
	if settle <= 0 {
		settle = SettleAfter
	}
	if wait := time.Until(last.Add(settle)); wait > 0 {
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
	ptrs := make([]*pendingRow, len(rows))
	for k := range rows {
		ptrs[k] = &rows[k]
	}
	doubleOptIn := r.list != nil && r.list.DoubleOptIn()
	var (
		mu      sync.Mutex
		resend  []pendingRow
		settled []journal.IDChange
	)
	err := lookupRows(ctx, r.d.Client, ptrs, func(chunk []*pendingRow, found people) {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range chunk {
			outcome, detail := readBack(foundFor(found, *p.req), *p.req, false)
			switch {
			case outcome == Verified:
				p.report.Outcome, p.report.Detail = Verified, "Klaviyo already showed it, so it was not resent: "+detail
				settled = append(settled, journal.IDChange{ID: p.entryID, Change: journal.Change{State: journal.StateVerified, Result: p.report.Detail}})
			case doubleOptIn && !historical(*p.req):
				p.report.Outcome = Unknown
				p.report.Detail = "handed to Klaviyo, answer lost; on a double opt-in list a received job shows nothing until the person confirms, so it is not resent: check the person, then retry it from History"
			default:
				resend = append(resend, *p)
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("reading back the rows whose answer was lost: %w", err)
	}
	if err := updateInPieces(r.d.Store, settled); err != nil {
		return nil, fmt.Errorf("the journal could not record %d rows Klaviyo already shows: %w", len(settled), err)
	}
	return resend, nil
}
