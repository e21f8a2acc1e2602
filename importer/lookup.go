package importer

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
)

// lookupWorkers is how many look-ups are in flight at once; the client's
// limiter keeps them within Klaviyo's limits.
const lookupWorkers = 8

// LookUp completes the verdicts Plan gave with what only Klaviyo knows,
// for the rows that would be sent: the email and the phone on two
// different profiles (IdentityConflict), a number that opted out by STOP
// (OptedOut: the SMS channels go), every channel asked already SUBSCRIBED
// and the person on the list (AlreadySubscribed). People are looked up a
// hundred at a time (client.LookupMany), never one request a row. progress,
// when not nil, is told each request done of the total. An error means
// Klaviyo could not be asked: rows keep the verdicts they had, and the
// import must not be sent on them.
func LookUp(ctx context.Context, c *client.Client, rows []Row, progress func(done, total int)) error {
	var emails, phones []string
	for _, r := range rows {
		if !r.Sends() {
			continue
		}
		if r.Request.Email != "" {
			emails = append(emails, r.Request.Email)
		}
		if r.Request.Phone != "" {
			phones = append(phones, r.Request.Phone)
		}
	}
	found, err := lookupAll(ctx, c, "", map[client.LookupField][]string{client.ByEmail: emails, client.ByPhone: phones}, progress)
	if err != nil {
		return fmt.Errorf("looking the rows' people up at Klaviyo: %w", err)
	}
	var candidates []int
	for i := range rows {
		if rows[i].Sends() && judge(&rows[i], found) {
			candidates = append(candidates, i)
		}
	}
	return alreadyOnList(ctx, c, rows, candidates)
}

// judge gives row r the verdict the profiles found for its email and
// phone call for, and reports whether Klaviyo already shows every channel
// it asks as SUBSCRIBED (whether it is on the list is yet to be seen).
func judge(r *Row, found people) bool {
	byEmail := found.first(client.ByEmail, r.Request.Email)
	byPhone := found.first(client.ByPhone, r.Request.Phone)
	if byEmail != nil && byPhone != nil && byEmail.ID != byPhone.ID {
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
	if r.Request.WantsSMS() {
		sms := holder.Subscriptions.Channel(model.SMSMarketing)
		if how, ok := sms.StopOptOut(); ok && (byPhone != nil || holder.PhoneNumber == r.Request.Phone) {
			r.Verdict = OptedOut
			r.Detail = "the number opted out of SMS (" + how + sinceWords(sms.ConsentTimestamp) + "): SMS consent is not given back from a sheet, only by the person"
			r.Request.Channels = onlyEmail(r.Request.Channels)
			if len(r.Request.Channels) == 0 {
				r.Detail += "; nothing else to send"
			} else {
				r.Detail += "; email consent is still sent"
			}
			return false
		}
	}
	for _, ch := range r.Request.Channels {
		if holder.Subscriptions.Channel(ch).Consent != model.Subscribed {
			return false
		}
	}
	return true
}

// sinceWords is ", since 2025-06-01" for a timestamp, "" for none.
func sinceWords(ts string) string {
	if len(ts) < len("2006-01-02") {
		return ""
	}
	return ", since " + ts[:len("2006-01-02")]
}

// alreadyOnList makes AlreadySubscribed the candidates (rows whose channels
// Klaviyo already shows SUBSCRIBED) that are on the import's list, or all
// of them when it has none.
func alreadyOnList(ctx context.Context, c *client.Client, rows []Row, candidates []int) error {
	if len(candidates) == 0 {
		return nil
	}
	onList := func(int) bool { return true }
	if listID := rows[candidates[0]].Request.ListID; listID != "" {
		var emails, phones []string
		for _, i := range candidates {
			if rows[i].Request.Email != "" {
				emails = append(emails, rows[i].Request.Email)
			} else {
				phones = append(phones, rows[i].Request.Phone)
			}
		}
		members, err := lookupAll(ctx, c, listID, map[client.LookupField][]string{client.ByEmail: emails, client.ByPhone: phones}, nil)
		if err != nil {
			return fmt.Errorf("looking the rows' people up on the list %s: %w", listID, err)
		}
		onList = func(i int) bool {
			if rows[i].Request.Email != "" {
				return members.first(client.ByEmail, rows[i].Request.Email) != nil
			}
			return members.first(client.ByPhone, rows[i].Request.Phone) != nil
		}
	}
	for _, i := range candidates {
		if onList(i) {
			r := &rows[i]
			r.Verdict = AlreadySubscribed
			r.Detail = "Klaviyo already shows " + channelWords(r.Request.Channels) + " SUBSCRIBED" + listWords(r.Request.ListID) + ": nothing to do"
			r.Request.Channels = nil
		}
	}
	return nil
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

// lookupAll looks every value up, a hundred at a time and lookupWorkers
// requests at once, among all profiles (listID "") or a list's members.
func lookupAll(ctx context.Context, c *client.Client, listID string, values map[client.LookupField][]string, progress func(done, total int)) (people, error) {
	type task struct {
		field client.LookupField
		batch []string
	}
	var tasks []task
	found := people{}
	for field, vs := range values {
		found[field] = map[string][]client.Profile{}
		vs = unique(vs)
		for start := 0; start < len(vs); start += client.MaxLookupValues {
			tasks = append(tasks, task{field, vs[start:min(start+client.MaxLookupValues, len(vs))]})
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		done     int
		wg       sync.WaitGroup
		next     = make(chan task)
	)
	for range min(lookupWorkers, len(tasks)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range next {
				var ps []client.Profile
				var err error
				if listID == "" {
					ps, err = c.LookupMany(ctx, t.field, t.batch)
				} else {
					ps, err = c.MembersAmong(ctx, listID, t.field, t.batch)
				}
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
					cancel()
				}
				for _, p := range ps {
					key := p.Email
					if t.field == client.ByPhone {
						key = p.PhoneNumber
					}
					key = foldKey(t.field, key)
					found[t.field][key] = append(found[t.field][key], p)
				}
				done++
				if progress != nil {
					progress(done, len(tasks))
				}
				mu.Unlock()
			}
		}()
	}
	for _, t := range tasks {
		select {
		case next <- t:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	return found, firstErr
}

func foldKey(field client.LookupField, v string) string {
	if field == client.ByEmail {
		return strings.ToLower(v)
	}
	return v
}

// unique is vs without repeats, in order; emails compared folded.
func unique(vs []string) []string {
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
