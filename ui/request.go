package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"
)

// request is one kind of request a view makes, with at most one running:
// the check's lookup, a page of members, a retry. Every view asks and
// hears back the same way:
//
//	return v.lookup.start(v.c.ctx, v, func(ctx context.Context) ([]client.Profile, error) { … })
//
// runs the work in a command and delivers its answer (answer[T]) to the
// view that asked, and in Update
//
//	case answer[[]client.Profile]:
//		if a, ok := v.lookup.accept(msg); ok { … }
//
// takes it only when it answers the request running now. Starting again
// abandons the request still running (its context is cancelled, its
// answer dropped when it comes), as does cancel.
type request[T any] struct {
	// seq numbers the runs: an answer is current when it carries the
	// number of the run still waiting.
	seq int
	// release cancels the running request's context; nil when none runs.
	release context.CancelFunc
}

// answer is what came of one run of a request: the work's value and
// error, with the view that asked (owner), the request it answers and
// the run's number, so that the root gives it to that view and the view
// takes it only if it is still waiting for it.
type answer[T any] struct {
	owner component
	from  *request[T]
	seq   int
	value T
	err   error
}

// reply is an answer to a request a view made. The root gives it to the
// view that made it wherever that view is in the stack — the agent may
// have opened another view above it while it waited — and drops it when
// that view is closed. The view then checks (request.accept) that it
// answers its current request, since a newer one may have replaced it.
type reply interface {
	// isFor reports whether v is the view that asked.
	isFor(v component) bool
}

// isFor reports whether v is the view that made the request.
func (a answer[T]) isFor(v component) bool { return v == a.owner }

// start runs work in a command under a context of parent, abandoning the
// run still waiting, if any; the context is released when work returns.
// Its answer goes to owner: the view that asks, or the view hosting the
// part of it that asks (a profile panel).
func (r *request[T]) start(parent context.Context, owner component, work func(context.Context) (T, error)) tea.Cmd {
	r.cancel()
	ctx, release := context.WithCancel(parent)
	r.release = release
	from, seq := r, r.seq
	return func() tea.Msg {
		defer release()
		value, err := work(ctx)
		return answer[T]{owner: owner, from: from, seq: seq, value: value, err: err}
	}
}

// accept reports whether msg answers the run still waiting, and returns
// it; that run is then over. Anything else — another request's answer,
// one to a run abandoned or already answered — is not accepted.
func (r *request[T]) accept(msg tea.Msg) (answer[T], bool) {
	a, ok := msg.(answer[T])
	if !ok || a.from != r || a.seq != r.seq || !r.running() {
		return answer[T]{}, false
	}
	r.finish()
	return a, true
}

// running reports whether a run is waiting for its answer.
func (r *request[T]) running() bool { return r.release != nil }

// cancel abandons the run still waiting, if any: its context is cancelled
// and its answer, when it comes, is dropped.
func (r *request[T]) cancel() {
	r.finish()
	r.seq++
}

// interrupt cancels the running request's context but keeps waiting for
// its answer, which says what the work made of being stopped (a submit
// says whether it was sent before it was).
func (r *request[T]) interrupt() {
	if r.release != nil {
		r.release()
	}
}

// finish releases the running request's context.
func (r *request[T]) finish() {
	if r.release != nil {
		r.release()
		r.release = nil
	}
}
