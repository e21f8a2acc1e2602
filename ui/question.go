package ui

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// confirmDelay is how long a y/N question must have been on screen before
// y answers it. Keys typed ahead (a name typed into a view without a text
// field: "henry" is h, then r for retry, then y) come faster than a person
// reads a question; a y that soon is taken as No.
const confirmDelay = 800 * time.Millisecond

// question is a y/N question that defaults to No and cannot be answered by
// keys typed ahead: only y, pressed confirmDelay or more after it opened,
// answers yes; every other key, and a y that came too soon, answers No.
type question struct {
	openedAt time.Time
}

// open starts the question at now.
func (q *question) open(now time.Time) { q.openedAt = now }

// answer reads msg as the answer at now: yes, or No; tooSoon is set for a y
// that came before confirmDelay (said to the agent, so that they press it
// again once they have read the question).
func (q question) answer(msg tea.KeyPressMsg, yes key.Binding, now time.Time) (ok, tooSoon bool) {
	if !key.Matches(msg, yes) {
		return false, false
	}
	if now.Sub(q.openedAt) < confirmDelay {
		return false, true
	}
	return true, false
}

// tooSoonNotice is what a y that came too soon is told.
const tooSoonNotice = " (y came too soon after the question to be read: ask again and press y once you have read it)"
