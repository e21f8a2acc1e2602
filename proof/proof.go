// Package proof gathers one person's proof of consent, for a dispute (a
// TCPA claim, a GDPR request, "I never signed up"): what Klaviyo holds for
// each channel today (its state, timestamp, method, source, suppressions,
// the lists the profile is on) merged with every journal entry that
// touched the person (who entered it, when, where, with which wording and
// evidence, what Klaviyo answered), and one timeline of both, newest
// first. Klaviyo keeps no agent and no wording for API changes; the
// journal does.
//
// Build reads; Record.Redact keeps only what a data-subject request may
// disclose; WriteText and WriteMarkdown say a record for a terminal and
// for a ticket, for the command line and the UI alike.
package proof

import (
	"context"
	"strings"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// How an entry was matched to the person (Entry.MatchedBy).
const (
	ByEmail = "email"
	ByPhone = "phone"
	// ByEarlierPhone is a number of the person's that an entry for their
	// email carried, other than the one Klaviyo holds now.
	ByEarlierPhone = "earlier phone"
)

// Where a timeline event comes from (Event.Source).
const (
	FromJournal = "journal"
	FromKlaviyo = "klaviyo"
)

// Record is one person's proof of consent.
type Record struct {
	// Query is what was asked for, as typed; Email and Phone are the
	// person's identifiers it was matched on (normalised, E.164).
	Query string   `json:"query"`
	Email []string `json:"emails"`
	Phone []string `json:"phones"`
	// Profile is the Klaviyo profile found, nil when none was.
	Profile *Profile `json:"profile"`
	// OtherProfiles is how many more profiles Klaviyo holds for the
	// query (a number shared by several): only the first is shown.
	OtherProfiles int `json:"other_profiles,omitempty"`
	// Channels are Klaviyo's consent per channel today, in the form's
	// order; empty without a profile.
	Channels []Channel `json:"channels"`
	// Lists are the lists the profile is on.
	Lists []List `json:"lists"`
	// Entries are the journal entries that touched the person, newest
	// first.
	Entries []Entry `json:"entries"`
	// Timeline merges the entries' events and Klaviyo's dated facts,
	// newest first.
	Timeline []Event `json:"timeline"`
	// Redacted is set on a record cut to what a data-subject request may
	// disclose (Record.Redact).
	Redacted bool `json:"redacted,omitempty"`
	// Generated is when the record was built.
	Generated time.Time `json:"generated"`
}

// Empty reports whether nothing was found: no profile, no entry.
func (r Record) Empty() bool { return r.Profile == nil && len(r.Entries) == 0 }

// Profile is who Klaviyo holds.
type Profile struct {
	ID    string `json:"id"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone_number,omitempty"`
}

// Channel is Klaviyo's consent for one channel, as read now.
type Channel struct {
	Channel model.Channel `json:"channel"`
	// Reported is false when the profile's subscriptions do not mention
	// the channel (the rest is then empty).
	Reported         bool                `json:"reported"`
	Consent          model.ConsentState  `json:"consent"`
	CanReceive       bool                `json:"can_receive"`
	ConsentTimestamp string              `json:"consent_timestamp,omitempty"`
	LastUpdated      string              `json:"last_updated,omitempty"`
	Method           string              `json:"method,omitempty"`
	MethodDetail     string              `json:"method_detail,omitempty"`
	CustomDetail     string              `json:"custom_method_detail,omitempty"`
	DoubleOptin      bool                `json:"double_optin,omitempty"`
	Suppressions     []model.Suppression `json:"suppressions,omitempty"`
	ListSuppressions []ListSuppression   `json:"list_suppressions,omitempty"`
}

// ListSuppression is a suppression of one list, with its name when known.
type ListSuppression struct {
	ListID    string `json:"list_id,omitempty"`
	ListName  string `json:"list_name,omitempty"`
	Reason    string `json:"reason"`
	Timestamp string `json:"timestamp"`
}

// List is a list the profile is on.
type List struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
}

// Entry is one journal entry that touched the person.
type Entry struct {
	ID string `json:"id,omitempty"`
	// MatchedBy says which of the person's identifiers matched it
	// (ByEmail, ByPhone, ByEarlierPhone), and MatchedOn which value.
	MatchedBy string    `json:"matched_by"`
	MatchedOn string    `json:"matched_on"`
	At        time.Time `json:"at"`
	Agent     string    `json:"agent,omitempty"`
	// Origin is where it was made: the backend and the account, and,
	// unredacted, the key's fingerprint for a key given without one.
	Origin   string          `json:"origin"`
	Action   journal.Action  `json:"action"`
	Email    string          `json:"email,omitempty"`
	Phone    string          `json:"phone,omitempty"`
	Channels []model.Channel `json:"channels"`
	ListID   string          `json:"list_id,omitempty"`
	ListName string          `json:"list_name,omitempty"`
	Source   string          `json:"source,omitempty"`
	State    journal.State   `json:"state"`
	Result   string          `json:"result,omitempty"`
	Updated  time.Time       `json:"updated"`
	// VerifiedAt is when the profile was read back showing the change,
	// zero unless the entry is verified; AcceptedAt when Klaviyo accepted
	// it.
	VerifiedAt time.Time             `json:"verified_at,omitzero"`
	AcceptedAt time.Time             `json:"accepted_at,omitzero"`
	Offline    *model.OfflineConsent `json:"offline,omitempty"`
	// Override is the new evidence recorded with the entry, and the SMS
	// opt-out it lifted (STOP, carrier deactivation), if any.
	Override *model.Override `json:"override,omitempty"`
	// ChosenProfile is the profile the agent chose to send to when the
	// email and the number were on two profiles.
	ChosenProfile string  `json:"chosen_profile,omitempty"`
	Import        *Import `json:"import,omitempty"`
	RetryOf       string  `json:"retry_of,omitempty"`
	Note          string  `json:"note,omitempty"`
	NoteBy        string  `json:"note_by,omitempty"`
	// origin is Origin's fields, for Redacted.
	origin journal.Origin
}

// Import is the sign-up sheet row an entry came from.
type Import struct {
	ID   string `json:"id,omitempty"`
	File string `json:"file,omitempty"`
	Line int    `json:"line"`
}

// Event is one dated fact of the timeline.
type Event struct {
	At     time.Time `json:"at"`
	Source string    `json:"source"`
	// Channels are the channels it is about (one for Klaviyo's facts,
	// those asked for a journal entry's).
	Channels []model.Channel `json:"channels,omitempty"`
	What     string          `json:"what"`
	// By is who: the agent for a journal event, Klaviyo's method for its
	// own facts.
	By string `json:"by,omitempty"`
	// Entry is the journal entry it comes from.
	Entry string `json:"entry,omitempty"`
}

// Build looks the person of query up (an email address, or a phone
// number read by rules, E.164 or national in rules' default region),
// reads the lists their profile is on, and merges Klaviyo's consent with
// every entry of entries that touched them (see match). A query that is
// neither a valid email nor a valid number is a usage error. A person
// Klaviyo does not know yields a record without a profile, with the
// entries found.
func Build(ctx context.Context, c *client.Client, entries []journal.Entry, query string, rules model.PhoneRules) (Record, error) {
	email, phone, err := ParseQuery(query, rules)
	if err != nil {
		return Record{}, err
	}
	var profiles []client.Profile
	if email != "" {
		profiles, err = c.LookupEmail(ctx, email)
	} else {
		profiles, err = c.LookupPhone(ctx, phone)
	}
	if err != nil {
		return Record{}, err
	}
	r := Record{Query: query, Generated: time.Now(), Channels: []Channel{}, Lists: []List{}}
	names := map[string]string{}
	if len(profiles) > 0 {
		p := profiles[0]
		r.OtherProfiles = len(profiles) - 1
		r.Profile = &Profile{ID: p.ID, Name: p.Name(), Email: p.Email, Phone: p.PhoneNumber}
		lists, err := c.ProfileLists(ctx, p.ID)
		if err != nil {
			return Record{}, err
		}
		for _, l := range lists {
			r.Lists = append(r.Lists, List{ID: l.ID, Name: l.Name})
			names[l.ID] = l.Name
		}
		r.Channels = channels(p.Subscriptions)
	}
	seeds := identifiers{emails: []string{email}, phones: []string{phone}}
	if p := r.Profile; p != nil {
		seeds.add(normalEmail(p.Email), normalPhone(p.Phone, rules))
	}
	matched, ids := match(entries, seeds, rules)
	if err := nameLists(ctx, c, matched, names); err != nil {
		return Record{}, err
	}
	r.Email, r.Phone = ids.emails, ids.phones
	r.Entries = make([]Entry, 0, len(matched))
	for _, m := range matched {
		r.Entries = append(r.Entries, entryOf(m, names))
	}
	for i := range r.Channels {
		r.Channels[i].nameLists(names)
	}
	r.Timeline = timeline(r)
	return r, nil
}

// ParseQuery reads query as an email address (when it has an @) or a
// phone number: normalised, or a usage error saying why it is neither.
func ParseQuery(query string, rules model.PhoneRules) (email, phone string, err error) {
	if strings.TrimSpace(query) == "" {
		return "", "", usage.Errorf("give an email address or a phone number")
	}
	if strings.Contains(query, "@") {
		a := model.AnalyzeEmail(query)
		if !a.Valid {
			return "", "", usage.Errorf("%s is not a valid email address: %s", model.SanitizeShort(query, 100), a.Reason)
		}
		return normalEmail(a.Normalized), "", nil
	}
	a := rules.Analyze(query)
	if !a.Valid {
		return "", "", usage.Errorf("%s is not a valid phone number: %s", model.SanitizeShort(query, 100), a.Reason)
	}
	return "", a.E164, nil
}

// channels reads Klaviyo's consent of each managed channel.
func channels(s *model.Subscriptions) []Channel {
	out := make([]Channel, 0, len(model.Channels))
	for _, ch := range model.Channels {
		cc := s.Channel(ch)
		c := Channel{Channel: ch, Reported: cc.Present}
		if cc.Present {
			c.Consent, c.CanReceive = cc.Consent, cc.CanReceive
			c.ConsentTimestamp, c.LastUpdated = cc.ConsentTimestamp, cc.LastUpdated
			c.Method, c.MethodDetail, c.CustomDetail, c.DoubleOptin = cc.Method, cc.MethodDetail, cc.CustomDetail, cc.DoubleOptin
			c.Suppressions = cc.Suppressions
			for _, ls := range cc.ListSuppressions {
				c.ListSuppressions = append(c.ListSuppressions, ListSuppression{ListID: ls.ListID, Reason: ls.Reason, Timestamp: ls.Timestamp})
			}
		}
		out = append(out, c)
	}
	return out
}

// nameLists gives each list suppression its list's name, when known.
func (c *Channel) nameLists(names map[string]string) {
	for i := range c.ListSuppressions {
		c.ListSuppressions[i].ListName = names[c.ListSuppressions[i].ListID]
	}
}

// nameLists adds to names the lists the matched entries went through that
// the profile is not on (it may have left them): one read of every list,
// only when such a list is there.
func nameLists(ctx context.Context, c *client.Client, matched []matchedEntry, names map[string]string) error {
	missing := false
	for _, m := range matched {
		if id := m.entry.Request.ListID; id != "" && names[id] == "" {
			missing = true
			break
		}
	}
	if !missing {
		return nil
	}
	lists, err := c.Lists(ctx)
	if err != nil {
		return err
	}
	for _, l := range lists {
		if names[l.ID] == "" {
			names[l.ID] = l.Name
		}
	}
	return nil
}

// entryOf is a journal entry as the record keeps it.
func entryOf(m matchedEntry, names map[string]string) Entry {
	e := m.entry
	out := Entry{
		ID: e.ID, MatchedBy: m.by, MatchedOn: m.on, At: e.At, Agent: e.Agent, Origin: e.Origin.String(),
		Action: e.Action, Email: e.Request.Email, Phone: e.Request.Phone, Channels: e.Request.Channels,
		ListID: e.Request.ListID, ListName: names[e.Request.ListID], Source: e.Request.Source,
		State: e.State, Result: e.Result, Updated: e.Updated, AcceptedAt: e.AcceptedAt,
		Offline: e.Request.Offline, Override: e.Request.Override, ChosenProfile: e.Request.ChosenProfile, RetryOf: e.RetryOf, Note: e.Note, NoteBy: e.NoteBy, origin: e.Origin,
	}
	if e.State == journal.StateVerified {
		out.VerifiedAt = e.Updated
	}
	if e.Import != nil {
		out.Import = &Import{ID: e.Import.ID, File: e.Import.File, Line: e.Import.Line}
	}
	return out
}
