package importer

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// verifyDelays are the waits between read-backs of an import; the last
// repeats. The first lets Klaviyo run the last job.
var verifyDelays = []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}

// verify reads the accepted rows back, a hundred people a request, until
// each shows what it asked (or holds it for double opt-in) or the bound
// passes after the last job; it records each row's outcome in the report
// and the journal.
func (r *runner) verify(ctx context.Context, batch []pendingRow) error {
	bound := r.opts.VerifyBound
	if bound <= 0 {
		bound = DefaultVerifyBound
	}
	var open []*pendingRow
	var last time.Time
	for k := range batch {
		if batch[k].accepted {
			open = append(open, &batch[k])
			if batch[k].sentAt.After(last) {
				last = batch[k].sentAt
			}
		}
	}
	if len(open) == 0 {
		return nil
	}
	r.report(func(p *Progress) { p.Phase = "verifying" })
	deadline := last.Add(bound)
	doubleOptIn := r.list != nil && r.list.DoubleOptIn()
	for round := 0; len(open) > 0; round++ {
		if err := sleep(ctx, verifyDelays[min(round, len(verifyDelays)-1)]); err != nil {
			return fmt.Errorf("verifying the import: %w", err)
		}
		var (
			mu    sync.Mutex
			still []*pendingRow
			jerr  error
		)
		err := lookupRows(ctx, r.d.Client, open, func(chunk []*pendingRow, found people) {
			mu.Lock()
			defer mu.Unlock()
			var settled []journal.IDChange
			defer func() {
				// A hundred rows at a time: the journal's write stays
				// small whatever the import's size.
				if err := r.d.Store.UpdateMany(settled); err != nil && jerr == nil {
					jerr = fmt.Errorf("the journal could not record %d verified rows: %w", len(settled), err)
				}
				r.report(func(pr *Progress) { pr.Verified += len(settled) })
			}()
			for _, p := range chunk {
				outcome, detail := readBack(foundFor(found, *p.req), *p.req, doubleOptIn)
				detail = intern(detail)
				switch outcome {
				case Verified, PendingDoubleOptIn:
					p.report.Outcome, p.report.Detail = outcome, detail
					state := journal.StateVerified
					if outcome == PendingDoubleOptIn {
						state = journal.StateAwaitingConfirmation
					}
					settled = append(settled, journal.IDChange{ID: p.entryID, Change: journal.Change{State: state, Result: detail}})
				default:
					p.report.Outcome, p.report.Detail = NotRecorded, detail
					still = append(still, p)
				}
			}
		})
		if err != nil {
			return fmt.Errorf("verifying the import: %w", err)
		}
		if jerr != nil {
			return jerr
		}
		open = still
		if len(open) > 0 && !time.Now().Before(deadline) {
			var notYet []journal.IDChange
			for _, p := range open {
				p.report.Detail = fmt.Sprintf("accepted by Klaviyo, not seen after %s: %s", bound.Round(time.Second), p.report.Detail)
				notYet = append(notYet, journal.IDChange{ID: p.entryID, Change: journal.Change{State: journal.StateAccepted, Result: p.report.Detail}})
			}
			if err := updateInPieces(r.d.Store, notYet); err != nil {
				return fmt.Errorf("the journal could not record %d rows not seen yet: %w", len(notYet), err)
			}
			return nil
		}
	}
	return nil
}

// lookupRows looks the rows' people up, a hundred rows at a time,
// lookupWorkers hundreds at once: by email when the row has one, else by
// phone; each hundred is handed to judge and dropped.
func lookupRows(ctx context.Context, c *client.Client, rows []*pendingRow, judge func(chunk []*pendingRow, found people)) error {
	n := (len(rows) + client.MaxLookupValues - 1) / client.MaxLookupValues
	return inParallel(ctx, n, func(ctx context.Context, k int) error {
		chunk := rows[k*client.MaxLookupValues : min((k+1)*client.MaxLookupValues, len(rows))]
		var emails, phones []string
		for _, p := range chunk {
			if p.req.Email != "" {
				emails = append(emails, p.req.Email)
			} else {
				phones = append(phones, p.req.Phone)
			}
		}
		found, err := lookupPeople(ctx, c, "", emails, phones)
		if err != nil {
			return err
		}
		judge(chunk, found)
		return nil
	})
}

// foundFor is the profile a row is read back on: its email's, else its
// phone's.
func foundFor(found people, req model.ConsentRequest) *client.Profile {
	if req.Email != "" {
		return found.first(client.ByEmail, req.Email)
	}
	return found.first(client.ByPhone, req.Phone)
}

// readBack is what a row's profile shows of what it asked: Verified when
// every channel is SUBSCRIBED, PendingDoubleOptIn when the rest wait for
// the person's confirmation, else NotRecorded with what Klaviyo shows.
func readBack(p *client.Profile, req model.ConsentRequest, doubleOptIn bool) (Outcome, string) {
	if p == nil {
		return NotRecorded, "no profile with this email or phone yet"
	}
	var shown, waiting, missing []string
	for _, ch := range req.Channels {
		got := p.Subscriptions.Channel(ch)
		switch {
		case got.Consent == model.Subscribed:
			shown = append(shown, ch.Label()+" SUBSCRIBED"+backDateWords(got, req))
		case doubleOptIn && ch != model.SMSTransactional && !historical(req):
			waiting = append(waiting, ch.Label())
		default:
			missing = append(missing, fmt.Sprintf("%s %s", ch.Label(), got.Consent))
		}
	}
	switch {
	case len(missing) > 0:
		return NotRecorded, "Klaviyo shows " + strings.Join(missing, ", ")
	case len(waiting) > 0:
		return PendingDoubleOptIn, "the list uses double opt-in: Klaviyo records " + strings.Join(waiting, " and ") + " when the person confirms"
	}
	return Verified, "Klaviyo shows " + strings.Join(shown, ", ")
}

// historical reports whether a row is sent as a historical import, which
// skips double opt-in.
func historical(r model.ConsentRequest) bool { return r.Offline != nil }

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// updateInPieces records changes a thousand at a time, so that no one
// write of the journal holds a whole import.
func updateInPieces(store journal.Store, changes []journal.IDChange) error {
	for start := 0; start < len(changes); start += client.MaxSubscribeProfiles {
		if err := store.UpdateMany(changes[start:min(start+client.MaxSubscribeProfiles, len(changes))]); err != nil {
			return err
		}
	}
	return nil
}

// backDateWords says, for a back-dated row, whether Klaviyo's consent date
// is the one asked: " given on 2026-03-14, as asked", or " (Klaviyo kept
// its earlier date 2024-01-05: the person was already subscribed)".
func backDateWords(got model.ChannelConsent, req model.ConsentRequest) string {
	if req.Offline == nil {
		return ""
	}
	asked := req.Offline.ConsentedAt.Truncate(time.Second)
	at, ok := got.Timestamp()
	switch {
	case !ok:
		return " (with no consent date to compare)"
	case at.Truncate(time.Second).Equal(asked):
		return " given on " + asked.UTC().Format("2006-01-02 15:04 UTC") + ", as asked"
	case at.Before(asked):
		return " (Klaviyo kept its earlier date " + at.UTC().Format("2006-01-02") + ": the person was already subscribed)"
	}
	return " (dated " + at.UTC().Format("2006-01-02 15:04 UTC") + ", not " + asked.UTC().Format("2006-01-02 15:04 UTC") + " as asked)"
}
