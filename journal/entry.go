// Package journal is Consent Desk's write-ahead record of every consent
// change an agent makes: written and fsynced before the request is sent,
// updated after, so that a crash, a kill or a network failure leaves an
// entry History can retry, and a compliance review can read who asked for
// what, when, through which backend, and what came of it.
//
// This package is the storage (File, Memory: entries, states, origins,
// claims) and knows nothing of Klaviyo; package desk is the workflow that
// records, sends, verifies, retries and dismisses a change through it.
package journal

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/consentdesk/consent/model"
)

// Entry is one subscribe or unsubscribe.
type Entry struct {
	ID      string    `json:"id"`
	At      time.Time `json:"at"`
	Updated time.Time `json:"updated"`
	Action  Action    `json:"action"`
	Origin
	Agent   string               `json:"agent,omitempty"`
	Request model.ConsentRequest `json:"request"`
	State   State                `json:"state"`
	Result  string               `json:"result,omitempty"`
	// RetryOf is the entry this one resent.
	RetryOf string `json:"retry_of,omitempty"`
	// Note is why an agent dismissed the entry, and NoteBy who.
	Note   string `json:"note,omitempty"`
	NoteBy string `json:"note_by,omitempty"`
	// AcceptedAt is when the entry became accepted (Klaviyo's 202), zero
	// when it never was.
	AcceptedAt time.Time `json:"accepted_at,omitzero"`
	// ClaimedBy is who holds a claim on the entry to retry it, since
	// ClaimedAt; "" when nobody does. See Store.Claim.
	ClaimedBy string    `json:"claimed_by,omitempty"`
	ClaimedAt time.Time `json:"claimed_at,omitzero"`
	// Import is the sign-up sheet row the entry came from, nil for an
	// entry an agent made one at a time.
	Import *ImportRow `json:"import,omitempty"`
	// SentAt is when the entry was last handed to Klaviyo, zero when it
	// never was: a pending entry with SentAt may have been received (the
	// answer was lost), one without was certainly not.
	SentAt time.Time `json:"sent_at,omitzero"`
}

// String is the entry in one line (it would otherwise print as its
// Origin, whose String it embeds).
func (e Entry) String() string {
	s := fmt.Sprintf("entry %s: %s %s %v, %s, made on %s", e.ID, e.Action, e.Who(), e.Request.Channels, e.State, e.Origin)
	if e.RetryOf != "" {
		s += ", retry of " + e.RetryOf
	}
	if e.Result != "" {
		s += ": " + e.Result
	}
	return s
}

// Settled reports whether the entry needs nothing more.
func (e Entry) Settled() bool { return !e.State.Open() }

// Who is whom the entry is for: its email and phone, as stored.
func (e Entry) Who() string {
	switch {
	case e.Request.Email != "" && e.Request.Phone != "":
		return e.Request.Email + ", " + e.Request.Phone
	case e.Request.Email != "":
		return e.Request.Email
	}
	return e.Request.Phone
}

// Change is a state change of an entry.
type Change struct {
	State  State
	Result string
	// Note is an agent's reason, with a dismissal.
	Note string
	// Sending marks the entry as handed to Klaviyo now (Entry.SentAt).
	Sending bool
	// Override, when set, is the SMS opt-out the entry lifts on the
	// evidence it carries (the request's Override from now on).
	Override *model.Override
}

// Store is where consent changes are recorded: the file journal, or a
// Memory for tests and sessions without one.
type Store interface {
	// Entries returns every entry, newest first.
	Entries() ([]Entry, error)
	// Add records an entry (durably, before it is sent) and returns its id.
	Add(e Entry) (string, error)
	// Update records a change of an entry's state.
	Update(id string, c Change) error
	// Claim takes entry id for claimant, so that no one else retries it
	// meanwhile: under an exclusive lock it reads every entry again and
	// records the claim only when the entry may be claimed (claimable);
	// it returns the entry and the entries as read then: every one, or
	// (a team's database) at least every one about the same person, which
	// is all a retry's rules read. A claim lasts until Release, or
	// ClaimTTL.
	Claim(id, claimant string) (Entry, []Entry, error)
	// Release ends claimant's claim on entry id.
	Release(id, claimant string) error
	// AddMany records entries as Add does, all durably at once (one write
	// and one fsync for a file), and returns their ids in order.
	AddMany(es []Entry) ([]string, error)
	// UpdateMany records changes of many entries at once.
	UpdateMany(changes []IDChange) error
}

// IDChange is a change of the entry ID, for Store.UpdateMany.
type IDChange struct {
	ID string
	Change
}

// Memory is a Store that lives as long as the process.
type Memory struct {
	mu      sync.Mutex
	entries []Entry
	now     func() time.Time
	// Agent is who the entries' changes are by.
	Agent string
}

// NewMemory returns an empty in-memory store.
func NewMemory() *Memory { return &Memory{now: time.Now} }

// Entries returns the entries, newest first.
func (m *Memory) Entries() ([]Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.newestFirst(), nil
}

func (m *Memory) newestFirst() []Entry {
	out := slices.Clone(m.entries)
	slices.Reverse(out)
	return out
}

// Add appends an entry and gives it an id.
func (m *Memory) Add(e Entry) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e.ID = fmt.Sprintf("%d", len(m.entries)+1)
	if e.At.IsZero() {
		e.At = m.clock()
	}
	if e.Updated.IsZero() {
		e.Updated = e.At
	}
	if e.State == "" {
		e.State = StatePending
	}
	if e.Agent == "" {
		e.Agent = m.Agent
	}
	m.entries = append(m.entries, e)
	return e.ID, nil
}

// AddMany adds entries in order; see Store.
func (m *Memory) AddMany(es []Entry) ([]string, error) {
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i], _ = m.Add(e)
	}
	return ids, nil
}

// UpdateMany applies changes in order; see Store. An unknown entry stops
// it there, as Update would.
func (m *Memory) UpdateMany(changes []IDChange) error {
	for _, c := range changes {
		if err := m.Update(c.ID, c.Change); err != nil {
			return err
		}
	}
	return nil
}

// Update changes an entry's state and result.
func (m *Memory) Update(id string, c Change) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	i := m.index(id)
	if i < 0 {
		return fmt.Errorf("no journal entry %s", id)
	}
	applyChange(&m.entries[i], c, m.Agent, m.clock())
	return nil
}

// Claim takes entry id for claimant; see Store.
func (m *Memory) Claim(id, claimant string) (Entry, []Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	all := m.newestFirst()
	now := m.clock()
	e, err := claimable(id, claimant, all, now)
	if err != nil {
		return Entry{}, all, err
	}
	i := m.index(id)
	m.entries[i].ClaimedBy, m.entries[i].ClaimedAt = claimant, now
	return e, all, nil
}

// Release ends claimant's claim on entry id.
func (m *Memory) Release(id, claimant string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if i := m.index(id); i >= 0 && m.entries[i].ClaimedBy == claimant {
		m.entries[i].ClaimedBy, m.entries[i].ClaimedAt = "", time.Time{}
	}
	return nil
}

func (m *Memory) index(id string) int {
	return slices.IndexFunc(m.entries, func(e Entry) bool { return e.ID == id })
}

func (m *Memory) clock() time.Time {
	if m.now == nil {
		return time.Now()
	}
	return m.now()
}

// applyChange folds a state change into e: the one place that knows what a
// change does to an entry, for the file's records and the memory store.
func applyChange(e *Entry, c Change, by string, at time.Time) {
	state := c.State.normalized()
	if state == StateAccepted && e.State != StateAccepted {
		e.AcceptedAt = at
	}
	e.State, e.Result, e.Updated = state, c.Result, at
	if c.Sending {
		e.SentAt = at
	}
	if c.Override != nil {
		e.Request.Override = c.Override
	}
	if c.Note != "" {
		e.Note, e.NoteBy = c.Note, by
	}
}
