package proof

import (
	"slices"
	"strings"

	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// identifiers are a person's email addresses (lower case) and phone
// numbers (E.164).
type identifiers struct{ emails, phones []string }

// add adds an email and a phone, each when given and not there yet.
func (ids *identifiers) add(email, phone string) {
	if email != "" && !slices.Contains(ids.emails, email) {
		ids.emails = append(ids.emails, email)
	}
	if phone != "" && !slices.Contains(ids.phones, phone) {
		ids.phones = append(ids.phones, phone)
	}
}

// matchedEntry is a journal entry of the person's, with how it matched.
type matchedEntry struct {
	entry journal.Entry
	by    string
	on    string
}

// match finds the entries that touched the person of seeds: those for one
// of their emails (case-insensitive) or one of their numbers (E.164, an
// entry's number read by rules), and those for a number an entry for their
// email carried: the person's earlier number. The expansion is done once,
// from emails to numbers only, so that a number shared with someone else
// does not pull in that person's entries by their email. It returns the
// entries newest first and every identifier matched on.
func match(entries []journal.Entry, seeds identifiers, rules model.PhoneRules) ([]matchedEntry, identifiers) {
	var clean identifiers // without the empty ones, and slices of its own
	for _, e := range seeds.emails {
		clean.add(e, "")
	}
	for _, p := range seeds.phones {
		clean.add("", p)
	}
	seeds = clean
	phones := map[string]string{} // an entry's number as stored → E.164
	phoneOf := func(e journal.Entry) string {
		raw := e.Request.Phone
		if raw == "" {
			return ""
		}
		p, ok := phones[raw]
		if !ok {
			p = normalPhone(raw, rules)
			phones[raw] = p
		}
		return p
	}
	ids := identifiers{emails: seeds.emails, phones: slices.Clone(seeds.phones)}
	byEmail := make([]bool, len(entries))
	var earlier []string
	for i, e := range entries {
		if email := normalEmail(e.Request.Email); email != "" && slices.Contains(seeds.emails, email) {
			byEmail[i] = true
			if p := phoneOf(e); p != "" && !slices.Contains(seeds.phones, p) && !slices.Contains(earlier, p) {
				earlier = append(earlier, p)
			}
		}
	}
	ids.phones = append(ids.phones, earlier...)
	var out []matchedEntry
	for i, e := range entries {
		p := phoneOf(e)
		switch {
		case byEmail[i]:
			out = append(out, matchedEntry{e, ByEmail, normalEmail(e.Request.Email)})
		case p == "":
		case slices.Contains(seeds.phones, p):
			out = append(out, matchedEntry{e, ByPhone, p})
		case slices.Contains(earlier, p):
			out = append(out, matchedEntry{e, ByEarlierPhone, p})
		}
	}
	slices.SortStableFunc(out, func(a, b matchedEntry) int { return b.entry.At.Compare(a.entry.At) })
	return out, ids
}

// normalEmail is an address as entries are matched on: trimmed, lower
// case.
func normalEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// normalPhone is a number in E.164 as rules read it, or the number as
// stored, trimmed, when it is not a valid one (an entry refused for it
// still matches itself).
func normalPhone(s string, rules model.PhoneRules) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if a := rules.Analyze(s); a.Valid {
		return a.E164
	}
	return s
}
