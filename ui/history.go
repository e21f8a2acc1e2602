package ui

import "github.com/consentdesk/consent/journal"

// History is where the UI records every submit before it is sent and
// updates it after, and what the History view lists: the journal on disk,
// or an in-memory store.
type History = journal.Store

// HistoryEntry is one subscribe or unsubscribe the agent made.
type HistoryEntry = journal.Entry

// Entry states, in the order an entry goes through them.
const (
	StatePending  = journal.StatePending
	StateSent     = journal.StateSent
	StateVerified = journal.StateVerified
	StateFailed   = journal.StateFailed
)

// NewMemoryHistory returns an empty in-memory history.
func NewMemoryHistory() *journal.Memory { return journal.NewMemory() }
