package importer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// jobWorkers is how many bulk jobs are in flight at once.
const jobWorkers = 4

// DefaultVerifyBound is how long after its last job an import reads its
// rows back before it says what is not recorded yet.
const DefaultVerifyBound = 2 * time.Minute

// Progress is how far an import has got, for a progress bar.
type Progress struct {
	// Phase is "sending" or "verifying".
	Phase string
	// Total is the rows to send; Sent how many Klaviyo accepted,
	// Verified how many it shows (or holds for double opt-in), Failed how
	// many were refused or could not be sent.
	Total, Sent, Verified, Failed int
	Started                       time.Time
}

// RunOptions adjust a Run or a Resume.
type RunOptions struct {
	// File is the sheet's name, kept with each row's entry.
	File string
	// Progress, when not nil, is told how far the import has got.
	Progress func(Progress)
	// VerifyBound is how long to read rows back; 0: DefaultVerifyBound.
	VerifyBound time.Duration
	// SettleAfter is Resume's wait before reading back a row whose answer
	// was lost; 0: SettleAfter.
	SettleAfter time.Duration
}

// Run sends the rows that may go (Row.Sends) through the import's list:
// every row is journaled (with its sheet line) before any job is sent,
// marked as handed to Klaviyo just before its job goes, sent in jobs of up
// to client.MaxSubscribeProfiles, at most jobWorkers at a time within the
// client's limits, then read back a hundred at a time until each shows
// what it asked or the bound passes. The report has every row: the sent
// ones with what came of them, the others with their verdict. An error
// that stops the import (the list unreadable, the journal unwritable)
// leaves every journaled row for Resume.
func Run(ctx context.Context, d *desk.Desk, rows []Row, opts RunOptions) (Report, error) {
	start := d.Now
	if start == nil {
		start = time.Now
	}
	began := start()
	rep := Report{ImportID: journal.NewImportID(began), File: opts.File}
	var sends []int
	for i, r := range rows {
		if r.Sends() {
			sends = append(sends, i)
		}
	}
	recon := make([]Reconciled, len(rows))
	for i, r := range rows {
		recon[i] = Reconciled{Line: r.Line, Email: r.Email, Phone: r.Phone, Verdict: r.Verdict, Outcome: NotSent, Detail: r.Detail}
	}
	rep.Rows = recon
	if len(sends) == 0 {
		return rep, nil
	}
	list, err := readList(ctx, d, rows[sends[0]].Request.ListID)
	if err != nil {
		return rep, err
	}
	batch := make([]pendingRow, len(sends))
	for k, i := range sends {
		batch[k] = pendingRow{report: &recon[i], req: &rows[i].Request}
	}
	if err := journalRows(d, batch, rep.ImportID, opts.File, began); err != nil {
		return rep, err
	}
	r := runner{d: d, list: list, opts: opts, progress: Progress{Phase: "sending", Total: len(batch), Started: began}}
	err = r.sendAll(ctx, batch)
	rep.Jobs = r.jobs
	if verr := r.verify(ctx, batch); err == nil {
		err = verr
	}
	rep.Took = time.Since(began)
	return rep, err
}

// pendingRow is a row on its way: its entry, its request, and its line of
// the report.
type pendingRow struct {
	entryID string
	// req is the row's request (in the plan's rows, not a copy).
	req    *model.ConsentRequest
	sentAt time.Time
	report *Reconciled
	// accepted is set once Klaviyo accepted the row's job: only then is
	// it read back.
	accepted bool
}

// readList reads the import's list (its opt-in process decides how rows
// are verified) before anything is journaled or sent.
func readList(ctx context.Context, d *desk.Desk, listID string) (*client.List, error) {
	if listID == "" {
		return nil, nil
	}
	l, err := d.Client.List(ctx, listID)
	if err != nil {
		return nil, fmt.Errorf("not sent: the list %s could not be read: %w", listID, err)
	}
	return &l, nil
}

// journalRows records every row as a pending entry of import id, a
// thousand to a write, before any is sent.
func journalRows(d *desk.Desk, batch []pendingRow, id, file string, at time.Time) error {
	for start := 0; start < len(batch); start += client.MaxSubscribeProfiles {
		part := batch[start:min(start+client.MaxSubscribeProfiles, len(batch))]
		es := make([]journal.Entry, len(part))
		for k, p := range part {
			es[k] = journal.Entry{At: at, Action: journal.ActionSubscribe, Origin: d.Origin, Agent: d.Agent, Request: *p.req,
				State: journal.StatePending, Import: &journal.ImportRow{ID: id, File: file, Line: p.report.Line, Of: len(batch)}}
		}
		ids, err := d.Store.AddMany(es)
		if err != nil {
			return fmt.Errorf("not sent: the journal could not record the rows: %w", err)
		}
		for k := range part {
			part[k].entryID = ids[k]
			part[k].report.EntryID = ids[k]
		}
	}
	return nil
}

// runner sends and verifies one import's rows.
type runner struct {
	d    *desk.Desk
	list *client.List
	opts RunOptions

	mu       sync.Mutex
	progress Progress
	jobs     int
}

func (r *runner) report(update func(*Progress)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	update(&r.progress)
	if r.opts.Progress != nil {
		r.opts.Progress(r.progress)
	}
}

// sendAll sends the rows in jobs, jobWorkers at a time. A job that cannot
// be marked as sent in the journal is not sent, and stops the import.
func (r *runner) sendAll(ctx context.Context, batch []pendingRow) error {
	jobs := make(chan []pendingRow)
	var (
		wg       sync.WaitGroup
		errMu    sync.Mutex
		firstErr error
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range jobWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for part := range jobs {
				if err := r.sendJob(ctx, part); err != nil {
					errMu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					errMu.Unlock()
					cancel()
				}
			}
		}()
	}
	for start := 0; start < len(batch); start += client.MaxSubscribeProfiles {
		select {
		case jobs <- batch[start:min(start+client.MaxSubscribeProfiles, len(batch))]:
		case <-ctx.Done():
		}
	}
	close(jobs)
	wg.Wait()
	return firstErr
}

// sendJob marks part as handed to Klaviyo, sends it as one job and records
// what Klaviyo answered. Only a journal failure is returned: a refused or
// failed job is recorded on its rows.
func (r *runner) sendJob(ctx context.Context, part []pendingRow) error {
	if ctx.Err() != nil {
		return nil
	}
	reqs := make([]model.CheckedRequest, len(part))
	for k, p := range part {
		reqs[k] = model.CheckedRequest{ConsentRequest: *p.req}
	}
	if err := r.d.Store.UpdateMany(changes(part, journal.Change{State: journal.StatePending, Result: "handed to Klaviyo", Sending: true})); err != nil {
		return fmt.Errorf("not sent: the journal could not record that %d rows are being sent: %w", len(part), err)
	}
	now := time.Now()
	for k := range part {
		part[k].sentAt = now
	}
	err := r.d.Client.SubscribeMany(ctx, reqs, part[0].req.ListID, part[0].req.Source)
	r.mu.Lock()
	r.jobs++
	r.mu.Unlock()
	if err == nil {
		for k := range part {
			part[k].accepted = true
		}
		r.report(func(p *Progress) { p.Sent += len(part) })
		if jerr := r.d.Store.UpdateMany(changes(part, journal.Change{State: journal.StateAccepted, Result: "accepted by Klaviyo"})); jerr != nil {
			return fmt.Errorf("the journal could not record that Klaviyo accepted %d rows: %w", len(part), jerr)
		}
		return nil
	}
	out := desk.Outcome{Err: err}
	state, why := out.State(), out.Summary()
	for _, p := range part {
		p.report.Outcome, p.report.Detail = Failed, why
		if state == journal.StatePending {
			p.report.Outcome = Unknown
		}
	}
	r.report(func(p *Progress) { p.Failed += len(part) })
	if jerr := r.d.Store.UpdateMany(changes(part, journal.Change{State: state, Result: why})); jerr != nil {
		return errors.Join(fmt.Errorf("a job of %d rows: %s", len(part), why), jerr)
	}
	return nil
}

// changes is the same change for every row of part.
func changes(part []pendingRow, c journal.Change) []journal.IDChange {
	out := make([]journal.IDChange, len(part))
	for k, p := range part {
		out[k] = journal.IDChange{ID: p.entryID, Change: c}
	}
	return out
}
