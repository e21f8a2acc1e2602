package ui

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/consentdesk/consent/model"
)

// Entry states, in the order an entry goes through them.
const (
	StatePending  = "pending"  // written before sending
	StateSent     = "sent"     // Klaviyo accepted the job (202)
	StateVerified = "verified" // the read-back shows what was asked
	StateFailed   = "failed"   // Klaviyo refused, the network failed, or the read-back did not match
)

// HistoryEntry is one subscribe or unsubscribe the agent made.
type HistoryEntry struct {
	ID      string
	At      time.Time
	Action  string // "subscribe" or "unsubscribe"
	Request model.ConsentRequest
	State   string
	Result  string
}

// History is where the UI records every submit before it is sent and
// updates it after, and what the History view lists. The write-ahead
// journal fills it; MemoryHistory keeps one session's entries.
type History interface {
	// Entries returns every entry, newest first.
	Entries() ([]HistoryEntry, error)
	// Add records an entry before it is sent and returns its id.
	Add(e HistoryEntry) (string, error)
	// Update sets an entry's state and result.
	Update(id, state, result string) error
}

// MemoryHistory is a History that lives as long as the process.
type MemoryHistory struct {
	mu      sync.Mutex
	entries []HistoryEntry
}

// NewMemoryHistory returns an empty in-memory history.
func NewMemoryHistory() *MemoryHistory { return &MemoryHistory{} }

// Entries returns the entries, newest first.
func (h *MemoryHistory) Entries() ([]HistoryEntry, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := slices.Clone(h.entries)
	slices.Reverse(out)
	return out, nil
}

// Add appends an entry and gives it an id.
func (h *MemoryHistory) Add(e HistoryEntry) (string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e.ID = fmt.Sprintf("%d", len(h.entries)+1)
	h.entries = append(h.entries, e)
	return e.ID, nil
}

// Update changes an entry's state and result.
func (h *MemoryHistory) Update(id, state, result string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i := range h.entries {
		if h.entries[i].ID == id {
			h.entries[i].State, h.entries[i].Result = state, result
			return nil
		}
	}
	return fmt.Errorf("no history entry %s", id)
}
