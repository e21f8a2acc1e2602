package ui

import (
	"context"
	"errors"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// answerTo is the answer run seq of r would bring owner: what a test
// sends in place of running the request's command.
func answerTo[T any](owner component, r *request[T], seq int, value T, err error) answer[T] {
	return answer[T]{owner: owner, from: r, seq: seq, value: value, err: err}
}

// stubView is a view that does nothing, to own requests in tests.
type stubView struct{ homeView }

// TestRequestAcceptsOnlyTheRunningRun: the answer of the run waiting is
// taken once; an older run's, a second delivery, another request's and
// another type's are not.
func TestRequestAcceptsOnlyTheRunningRun(t *testing.T) {
	owner := &stubView{}
	var r, other request[string]
	first := r.start(context.Background(), owner, func(context.Context) (string, error) { return "first", nil })
	second := r.start(context.Background(), owner, func(context.Context) (string, error) { return "second", errors.New("late") })
	if !r.running() {
		t.Fatal("not running after start")
	}
	if _, ok := r.accept(first()); ok {
		t.Error("the abandoned first run's answer was accepted")
	}
	if !r.running() {
		t.Error("a stale answer ended the running request")
	}
	msg := second()
	if _, ok := other.accept(msg); ok {
		t.Error("another request accepted the answer")
	}
	if _, ok := r.accept(answer[int]{owner: owner, seq: r.seq}); ok {
		t.Error("an answer of another type was accepted")
	}
	a, ok := r.accept(msg)
	if !ok || a.value != "second" || a.err == nil || a.err.Error() != "late" {
		t.Fatalf("accept(second) = %+v, %t", a, ok)
	}
	if r.running() {
		t.Error("still running once answered")
	}
	if _, ok := r.accept(msg); ok {
		t.Error("the same answer was accepted twice")
	}
}

// TestRequestStartAbandonsTheOlderContext: a newer run cancels the older
// run's context, and a run's context is released once its work is done.
func TestRequestStartAbandonsTheOlderContext(t *testing.T) {
	var r request[int]
	var ctxs []context.Context
	work := func(ctx context.Context) (int, error) { ctxs = append(ctxs, ctx); return len(ctxs), ctx.Err() }
	first := r.start(context.Background(), nil, work)
	second := r.start(context.Background(), nil, work)
	if a := first(); a.(answer[int]).err == nil {
		t.Error("the older run's context was not cancelled by the newer start")
	}
	msg := second()
	if err := msg.(answer[int]).err; err != nil {
		t.Fatalf("the running run's context was done while it worked: %v", err)
	}
	if ctxs[1].Err() == nil {
		t.Error("a run's context was not released once its work returned")
	}
	if _, ok := r.accept(msg); !ok {
		t.Fatal("the running run's answer was not accepted")
	}
}

// TestRequestCancelDropsTheAnswer: cancel ends the run at once (its
// context is done) and its answer is dropped; interrupt cancels the
// context but its answer is still taken.
func TestRequestCancelDropsTheAnswer(t *testing.T) {
	var r request[bool]
	cmd := r.start(context.Background(), nil, func(ctx context.Context) (bool, error) { return true, ctx.Err() })
	r.cancel()
	if r.running() {
		t.Error("running after cancel")
	}
	msg := cmd()
	if msg.(answer[bool]).err == nil {
		t.Error("the cancelled run's context was not done")
	}
	if _, ok := r.accept(msg); ok {
		t.Error("a cancelled run's answer was accepted")
	}
	r.cancel() // nothing running: harmless

	cmd = r.start(context.Background(), nil, func(ctx context.Context) (bool, error) { return true, ctx.Err() })
	r.interrupt()
	if !r.running() {
		t.Error("interrupt ended the wait for the answer")
	}
	a, ok := r.accept(cmd())
	if !ok || !errors.Is(a.err, context.Canceled) {
		t.Errorf("the interrupted run's answer: %+v, %t", a, ok)
	}
}

// TestAnswerGoesToTheViewThatAsked: the root gives an answer to its owner
// under another view, and drops it once the owner is closed.
func TestAnswerGoesToTheViewThatAsked(t *testing.T) {
	a := newTestApp(t, 80, 24)
	asking := &stubView{homeView{c: a.c}}
	send(t, a, openMsg{asking})
	cmd := asking.counting.start(a.c.ctx, asking, func(context.Context) (historyCount, error) {
		return historyCount{}, errors.New("the answer")
	})
	above := &stubView{homeView{c: a.c}}
	send(t, a, openMsg{above})
	msg := cmd()
	if r, ok := msg.(reply); !ok || !r.isFor(asking) || r.isFor(above) {
		t.Fatalf("the answer is not for the view that asked: %#v", msg)
	}
	a.Update(msg)
	if asking.historyErr == nil || asking.counting.running() {
		t.Error("the view that asked, under another, did not get its answer")
	}
	if above.historyErr != nil {
		t.Error("the view on top got an answer it did not ask for")
	}

	// Closed before its answer comes: the answer goes nowhere.
	cmd = above.counting.start(a.c.ctx, above, func(context.Context) (historyCount, error) {
		return historyCount{}, errors.New("too late")
	})
	send(t, a, backMsg{})
	a.Update(cmd())
	if asking.historyErr.Error() != "the answer" {
		t.Errorf("an answer for a closed view reached another: %v", asking.historyErr)
	}
}

// TestPanelAnswersGoToItsHost: the lists a check's card asked for arrive
// while the profile is open above the check; they go to the check's panel,
// and an answer to a panel the check put away is dropped there.
func TestPanelAnswersGoToItsHost(t *testing.T) {
	a, _ := newSandboxApp(t, 80, 24)
	checkFor(t, a, walkerPhone)
	v := a.current().(*checkView)
	pressAndWait(t, a, tea.KeyTab, 0)
	_, lists := a.Update(tea.KeyPressMsg{Code: 'l', Text: "l"}) // not run yet
	panel := v.panel
	if !panel.listsReq.running() {
		t.Fatal("l did not ask for the lists")
	}
	send(t, a, openMsg{newProfileView(a.c, walkerID)})
	runCmdFully(t, a, lists, 0)
	if panel.listsReq.running() || len(panel.lists) != 3 {
		t.Fatalf("the check's panel did not get its lists under the profile: %d lists", len(panel.lists))
	}
	pressAndWait(t, a, tea.KeyEscape, 0) // back on the check, which looks the number up again
	wantScreen(t, a, "Consent Desk · check", "James Walker")

	// A new lookup puts the panel away; its late answer is dropped.
	pressAndWait(t, a, tea.KeyTab, 0)
	_, lists = a.Update(tea.KeyPressMsg{Code: 'l', Text: "l"})
	old := v.panel
	pressAndWait(t, a, tea.KeyTab, 0)   // back to typing
	pressAndWait(t, a, tea.KeyEnter, 0) // a new lookup: a new panel
	if v.panel == old || v.panel == nil {
		t.Fatal("the lookup did not replace the panel")
	}
	runCmdFully(t, a, lists, 0)
	if v.panel.listsShown {
		t.Error("the new panel took the lists its predecessor asked for")
	}
}
