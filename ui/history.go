package ui

import "github.com/consentdesk/consent/journal"

// History is where the UI records every submit before it is sent and
// updates it after, and what the History view lists: the journal on disk,
// or an in-memory store.
type History = journal.Store

// HistoryEntry is one subscribe or unsubscribe the agent made.
type HistoryEntry = journal.Entry

// State is an entry's state (journal.State).
type State = journal.State

// Entry states (see journal.State).
const (
	StatePending              = journal.StatePending
	StateAccepted             = journal.StateAccepted
	StateAwaitingConfirmation = journal.StateAwaitingConfirmation
	StateVerified             = journal.StateVerified
	StateFailed               = journal.StateFailed
	StateRefused              = journal.StateRefused
	StateDismissed            = journal.StateDismissed
)

// NewMemoryHistory returns an empty in-memory history.
func NewMemoryHistory() *journal.Memory { return journal.NewMemory() }
