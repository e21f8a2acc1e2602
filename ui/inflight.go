package ui

import "context"

// inflight tracks one kind of request a view makes: the sequence number
// its answer must carry to be current, and how to cancel the one running.
type inflight struct {
	seq    int
	cancel context.CancelFunc
}

// begin starts a request under parent, abandoning any still running, and
// returns its context and sequence number.
func (f *inflight) begin(parent context.Context) (context.Context, int) {
	f.abandon()
	ctx, cancel := context.WithCancel(parent)
	f.cancel = cancel
	return ctx, f.seq
}

// running reports whether a request is waiting for its answer.
func (f *inflight) running() bool { return f.cancel != nil }

// answers reports whether an answer with seq is the running request's.
func (f *inflight) answers(seq int) bool { return f.running() && seq == f.seq }

// done releases the answered request's context.
func (f *inflight) done() {
	if f.cancel != nil {
		f.cancel()
		f.cancel = nil
	}
}

// abandon cancels the running request, if any, so that its answer is
// dropped when it comes.
func (f *inflight) abandon() {
	f.done()
	f.seq++
}
