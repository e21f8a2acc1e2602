package ui

import tea "charm.land/bubbletea/v2"

// feed carries a long task's progress (an import's rows sent, its
// look-ups done) from the task's goroutine to the view that started it.
// The task puts each value without ever blocking: a value not yet shown
// is replaced by the newer one, so a fast task cannot pile up messages.
// The view waits for the next value with next, and asks again each time
// one comes; once the task ends (stop), next returns nothing more.
type feed[T any] struct {
	latest chan T
	done   chan struct{}
}

// newFeed returns a feed for one run of a task.
func newFeed[T any]() *feed[T] {
	return &feed[T]{latest: make(chan T, 1), done: make(chan struct{})}
}

// put hands the task's latest value to the view; it never blocks.
func (f *feed[T]) put(v T) {
	for {
		select {
		case f.latest <- v:
			return
		default:
		}
		select {
		case <-f.latest: // drop the value not yet shown
		default:
		}
	}
}

// stop says the task is over: next returns nothing more.
func (f *feed[T]) stop() { close(f.done) }

// next waits for the feed's next value and delivers it to owner (a
// fedMsg); it delivers nothing once the task is over.
func (f *feed[T]) next(owner component) tea.Cmd {
	return func() tea.Msg {
		select {
		case v := <-f.latest:
			return fedMsg[T]{owner: owner, from: f, value: v}
		case <-f.done:
			return nil
		}
	}
}

// fedMsg is one value of a feed, for the view that started its task,
// wherever it is in the stack (see reply).
type fedMsg[T any] struct {
	owner component
	from  *feed[T]
	value T
}

// isFor reports whether v is the view the feed's task is for.
func (m fedMsg[T]) isFor(v component) bool { return v == m.owner }
