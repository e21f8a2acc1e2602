package journal

// Retries says which of a journal's entries a retry still has something to
// do for. An entry that is open needs one, unless a later entry resent it:
// that resend stands for it now (it is retried in its place), and retrying
// both would send the change twice. The history view, Home's count and
// `consent history retry` all go by it.
type Retries struct {
	resentAs map[string]string // entry id → the entry that resent it
}

// NewRetries reads the resend links of entries (in any order).
func NewRetries(entries []Entry) Retries {
	r := Retries{resentAs: map[string]string{}}
	for _, e := range entries {
		if e.RetryOf != "" {
			r.resentAs[e.RetryOf] = e.ID
		}
	}
	return r
}

// Needed reports whether e still needs a retry.
func (r Retries) Needed(e Entry) bool { return e.State.Open() && r.resentAs[e.ID] == "" }

// ResentAs is the entry that resent id, "" when none did.
func (r Retries) ResentAs(id string) string { return r.resentAs[id] }

// Count is how many of entries still need a retry.
func (r Retries) Count(entries []Entry) int {
	n := 0
	for _, e := range entries {
		if r.Needed(e) {
			n++
		}
	}
	return n
}

// Tally counts what needs attention, as Home says it: entries made here
// that are not verified (Unverified), of which Awaiting wait for a person's
// double opt-in confirmation, and entries made on another backend or
// account (Elsewhere), which are not retried here.
type Tally struct {
	Unverified, Awaiting, Elsewhere int
}

// Tally counts entries that need a retry, by where they were made.
func (r Retries) Tally(entries []Entry, here Origin) Tally {
	var t Tally
	for _, e := range entries {
		switch {
		case !r.Needed(e):
		case !e.Origin.Same(here):
			t.Elsewhere++
		default:
			t.Unverified++
			if e.State == StateAwaitingConfirmation {
				t.Awaiting++
			}
		}
	}
	return t
}
