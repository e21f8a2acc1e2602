package journal

// Retries says which of a journal's entries a retry still has something to
// do for. An entry that is not verified needs one, unless a later entry
// resent it: that resend stands for it now (it is retried in its place),
// and retrying both would send the change twice. The history view, Home's
// count and `consent history retry` all go by it.
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
func (r Retries) Needed(e Entry) bool { return !e.Settled() && r.resentAs[e.ID] == "" }

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
