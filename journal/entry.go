// Package journal is Consent Desk's write-ahead record of every consent
// change an agent makes: written and fsynced before the request is sent,
// updated after, so that a crash, a kill or a network failure leaves an
// entry History can retry, and a compliance review can read who asked for
// what, when, through which backend, and what came of it.
package journal

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/consentdesk/consent/model"
)

// Entry states, in the order an entry goes through them.
const (
	StatePending  = "pending"  // written before sending; the outcome is not known
	StateSent     = "sent"     // Klaviyo accepted the job (202); not yet verified
	StateVerified = "verified" // the read-back shows what was asked
	StateFailed   = "failed"   // Klaviyo refused it, or the read-back did not match
)

// Entry is one subscribe or unsubscribe.
type Entry struct {
	ID      string               `json:"id"`
	At      time.Time            `json:"at"`
	Updated time.Time            `json:"updated"`
	Action  string               `json:"action"` // "subscribe" or "unsubscribe"
	Backend string               `json:"backend,omitempty"`
	Account string               `json:"account,omitempty"`
	Agent   string               `json:"agent,omitempty"`
	Request model.ConsentRequest `json:"request"`
	State   string               `json:"state"`
	Result  string               `json:"result,omitempty"`
	// RetryOf is the entry this one resent.
	RetryOf string `json:"retry_of,omitempty"`
}

// Settled reports whether the entry needs nothing more: verified.
func (e Entry) Settled() bool { return e.State == StateVerified }

// Store is where consent changes are recorded: the file journal, or a
// Memory for tests and sessions without one.
type Store interface {
	// Entries returns every entry, newest first.
	Entries() ([]Entry, error)
	// Add records an entry (durably, before it is sent) and returns its id.
	Add(e Entry) (string, error)
	// Update sets an entry's state and result.
	Update(id, state, result string) error
}

// Memory is a Store that lives as long as the process.
type Memory struct {
	mu      sync.Mutex
	entries []Entry
}

// NewMemory returns an empty in-memory store.
func NewMemory() *Memory { return &Memory{} }

// Entries returns the entries, newest first.
func (m *Memory) Entries() ([]Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := slices.Clone(m.entries)
	slices.Reverse(out)
	return out, nil
}

// Add appends an entry and gives it an id.
func (m *Memory) Add(e Entry) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e.ID = fmt.Sprintf("%d", len(m.entries)+1)
	if e.Updated.IsZero() {
		e.Updated = e.At
	}
	m.entries = append(m.entries, e)
	return e.ID, nil
}

// Update changes an entry's state and result.
func (m *Memory) Update(id, state, result string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.entries {
		if m.entries[i].ID == id {
			m.entries[i].State, m.entries[i].Result, m.entries[i].Updated = state, result, time.Now()
			return nil
		}
	}
	return fmt.Errorf("no journal entry %s", id)
}
