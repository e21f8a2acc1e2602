package importer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/model"
)

// lookupWorkers is how many look-ups are in flight at once; the client's
// limiter keeps them within Klaviyo's limits.
const lookupWorkers = 16

// LookUp completes the verdicts Plan gave with what only Klaviyo knows,
// for the rows that would be sent: the email and the phone on two
// different profiles (IdentityConflict), a number that opted out by STOP
// (OptedOut: the SMS channels go), every channel asked already SUBSCRIBED
// and the person on the list (AlreadySubscribed). Rows are looked up a
// hundred at a time (client.LookupMany: one request for their emails, one
// for their phones), lookupWorkers hundreds at once, and what was found is
// dropped once the hundred is judged, so memory does not grow with the
// sheet. progress, when not nil, is told after each hundred how many of the
// rows to send are looked up, of how many.
// An error means Klaviyo could not be asked: the import must not be sent
// on these verdicts.
func LookUp(ctx context.Context, c *client.Client, rows []Row, progress func(done, total int)) error {
	var sends []int
	for i, r := range rows {
		if r.Sends() {
			sends = append(sends, i)
		}
	}
	chunks := chunked(sends, client.MaxLookupValues)
	var (
		mu         sync.Mutex
		candidates []int
		done       int
	)
	err := inParallel(ctx, len(chunks), func(ctx context.Context, k int) error {
		found, err := lookupChunk(ctx, c, "", rows, chunks[k], true)
		if err != nil {
			return fmt.Errorf("looking the rows' people up at Klaviyo: %w", err)
		}
		var mine []int
		for _, i := range chunks[k] {
			if judge(&rows[i], found) {
				mine = append(mine, i)
			}
			shared(&rows[i])
		}
		mu.Lock()
		defer mu.Unlock()
		candidates = append(candidates, mine...)
		done += len(chunks[k])
		if progress != nil {
			progress(done, len(sends))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return alreadyOnList(ctx, c, rows, candidates)
}

// chunked cuts idx into runs of at most n.
func chunked(idx []int, n int) [][]int {
	var out [][]int
	for start := 0; start < len(idx); start += n {
		out = append(out, idx[start:min(start+n, len(idx))])
	}
	return out
}

// inParallel runs task(0..n-1) on lookupWorkers goroutines; the first
// error stops the rest and is returned.
func inParallel(ctx context.Context, n int, task func(ctx context.Context, k int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		next     = make(chan int)
	)
	for range min(lookupWorkers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				if err := task(ctx, k); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					cancel()
				}
			}
		}()
	}
	for k := range n {
		select {
		case next <- k:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return firstErr
}

// lookupChunk looks up the people of rows[chunk] among all profiles
// (listID "") or a list's members: by email, and (both) by phone too, or
// else by phone only for rows without an email.
func lookupChunk(ctx context.Context, c *client.Client, listID string, rows []Row, chunk []int, both bool) (people, error) {
	var emails, phones []string
	for _, i := range chunk {
		r := rows[i].Request
		if r.Email != "" {
			emails = append(emails, r.Email)
		}
		if r.Phone != "" && (both || r.Email == "") {
			phones = append(phones, r.Phone)
		}
	}
	return lookupPeople(ctx, c, listID, emails, phones)
}

// lookupPeople looks up at most a hundred emails and a hundred phones: a
// request each.
func lookupPeople(ctx context.Context, c *client.Client, listID string, emails, phones []string) (people, error) {
	found := people{client.ByEmail: {}, client.ByPhone: {}}
	for field, values := range map[client.LookupField][]string{client.ByEmail: distinct(emails), client.ByPhone: distinct(phones)} {
		if len(values) == 0 {
			continue
		}
		var ps []client.Profile
		var err error
		if listID == "" {
			ps, err = c.LookupMany(ctx, field, values)
		} else {
			ps, err = c.MembersAmong(ctx, listID, field, values)
		}
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			key := p.Email
			if field == client.ByPhone {
				key = p.PhoneNumber
			}
			key = foldKey(field, key)
			found[field][key] = append(found[field][key], p)
		}
	}
	return found, nil
}

// judge gives row r the verdict the profiles found for its email and
// phone call for, and reports whether Klaviyo already shows every channel
// it asks as SUBSCRIBED (whether it is on the list is yet to be seen).
// The two profiles and the SMS opt-outs are desk.Guard's, as for the form
// and consent subscribe; a sheet is no new evidence and no agent's choice,
// so nothing of the row lifts them.
func judge(r *Row, found people) bool {
	byEmail := found.first(client.ByEmail, r.Request.Email)
	byPhone := found.first(client.ByPhone, r.Request.Phone)
	sheetRow := model.CheckedRequest{ConsentRequest: r.Request}
	sheetRow.Offline, sheetRow.Override, sheetRow.ChosenProfile = nil, nil, ""
	_, refused := desk.Guard(desk.People{ByEmail: byEmail, ByPhone: byPhone}, sheetRow)
	var conflict *desk.ConflictError
	if errors.As(refused, &conflict) {
		r.Verdict, r.ProfileID, r.OtherProfileID = IdentityConflict, byEmail.ID, byPhone.ID
		r.Detail = fmt.Sprintf("the email is on profile %s and the phone number on profile %s: Klaviyo keeps each number on one profile, so SMS consent would not land on the email's profile; correct the row, or enter this person from the form",
			byEmail.ID, byPhone.ID)
		r.Request.Channels = nil
		return false
	}
	holder := byEmail
	if holder == nil {
		holder = byPhone
	}
	if holder == nil {
		return false
	}
	r.ProfileID = holder.ID
	if outs := desk.OptOutsIn(refused); len(outs) > 0 {
		r.Verdict = OptedOut
		r.Detail = "the number opted out of SMS (" + outs[0].How + model.SinceDay(outs[0].Since) + "): SMS consent is not given back from a sheet, only from the form or consent subscribe with new evidence"
		kept := make([]model.Channel, 0, len(r.Request.Channels)) // a new slice: rows alike share theirs (intern.go)
		for _, ch := range r.Request.Channels {
			if !slices.ContainsFunc(outs, func(o *desk.OptOutError) bool { return o.Channel == ch }) {
				kept = append(kept, ch)
			}
		}
		r.Request.Channels = kept
		if len(r.Request.Channels) == 0 {
			r.Detail += "; nothing else to send"
		} else {
			r.Detail += "; still sent: " + channelWords(r.Request.Channels)
		}
		return false
	}
	if byEmail != nil && r.Request.Has(model.EmailMarketing) {
		if s, ok := byEmail.Subscriptions.Channel(model.EmailMarketing).PermanentSuppression(); ok && r.Detail == "" {
			r.Detail = suppressedWords + " (" + s.Describe() + "): " + model.AnotherAddressWords
		}
	}
	for _, ch := range r.Request.Channels {
		if holder.Subscriptions.Channel(ch).Consent != model.Subscribed {
			return false
		}
	}
	return true
}

// suppressedWords begin the detail of a row whose address Klaviyo
// suppressed for good: the row is still sent (its verdict says so), and
// the detail stays when the row turns out to be already subscribed.
const suppressedWords = "the address is suppressed"

// alreadyOnList makes AlreadySubscribed the candidates (rows whose channels
// Klaviyo already shows SUBSCRIBED) that are on the import's list, or all
// of them when it has none; the list is asked a hundred rows at a time.
func alreadyOnList(ctx context.Context, c *client.Client, rows []Row, candidates []int) error {
	if len(candidates) == 0 {
		return nil
	}
	already := func(r *Row) {
		r.Verdict = AlreadySubscribed
		suppressed := r.Detail
		r.Detail = "Klaviyo already shows " + channelWords(r.Request.Channels) + " SUBSCRIBED" + listWords(r.Request.ListID) + ": nothing to do"
		if strings.HasPrefix(suppressed, suppressedWords) {
			r.Detail += "; " + suppressed
		}
		r.Request.Channels = nil
	}
	listID := rows[candidates[0]].Request.ListID
	if listID == "" {
		for _, i := range candidates {
			already(&rows[i])
		}
		return nil
	}
	chunks := chunked(candidates, client.MaxLookupValues)
	return inParallel(ctx, len(chunks), func(ctx context.Context, k int) error {
		members, err := lookupChunk(ctx, c, listID, rows, chunks[k], false)
		if err != nil {
			return fmt.Errorf("looking the rows' people up on the list %s: %w", listID, err)
		}
		for _, i := range chunks[k] {
			r := &rows[i]
			field, value := client.ByEmail, r.Request.Email
			if value == "" {
				field, value = client.ByPhone, r.Request.Phone
			}
			if members.first(field, value) != nil {
				already(r)
				shared(r)
			}
		}
		return nil
	})
}

func listWords(listID string) string {
	if listID == "" {
		return ""
	}
	return ", on the list"
}

// channelWords names channels: "Email marketing and SMS marketing".
func channelWords(cs []model.Channel) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Label()
	}
	if len(names) > 1 {
		return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	}
	return strings.Join(names, "")
}

// people are the profiles found, by the email or phone looked up
// (emails folded to lower case).
type people map[client.LookupField]map[string][]client.Profile

// first is the first profile found for value, nil when none.
func (p people) first(field client.LookupField, value string) *client.Profile {
	if value == "" {
		return nil
	}
	if field == client.ByEmail {
		value = strings.ToLower(value)
	}
	if ps := p[field][value]; len(ps) > 0 {
		return &ps[0]
	}
	return nil
}

func foldKey(field client.LookupField, v string) string {
	if field == client.ByEmail {
		return strings.ToLower(v)
	}
	return v
}

// distinct is vs without repeats, in order; emails compared folded.
func distinct(vs []string) []string {
	seen := make(map[string]bool, len(vs))
	out := vs[:0:0]
	for _, v := range vs {
		k := strings.ToLower(v)
		if !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}
