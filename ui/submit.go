package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
)

// verifyBound is how long the UI reads a profile back after a submit.
const verifyBound = 30 * time.Second

// changeOutcome is what came of one subscribe or unsubscribe: the
// verification when Klaviyo accepted it, or the error.
type changeOutcome struct {
	Action       string // "subscribe" or "unsubscribe"
	Request      model.CheckedRequest
	List         *client.List
	Verification client.Verification
	Err          error
	Took         time.Duration
}

// Cancelled reports whether the agent cancelled the request.
func (o changeOutcome) Cancelled() bool { return errors.Is(o.Err, context.Canceled) }

// submitChange records a consent change in the history, sends it once,
// reads the profile back, and records what came of it. It blocks: call it
// from a tea.Cmd. History entry states follow DESIGN.md: pending before
// sending, sent when Klaviyo accepted it, then verified or failed.
func submitChange(ctx context.Context, c *common, action string, req model.CheckedRequest, list *client.List) changeOutcome {
	start := time.Now()
	out := changeOutcome{Action: action, Request: req, List: list}
	id, err := c.history.Add(HistoryEntry{At: start, Action: action, Request: req.ConsentRequest, State: StatePending})
	if err != nil {
		out.Err = fmt.Errorf("not sent: the history could not record it: %w", err)
		return out
	}
	var sub client.Submission
	if action == "unsubscribe" {
		sub, err = c.client.Unsubscribe(ctx, req)
	} else {
		sub, err = c.client.Subscribe(ctx, req)
	}
	if err != nil {
		out.Err = err
		state := StateFailed
		if errors.Is(err, context.Canceled) {
			state = StatePending // it may or may not have reached Klaviyo: retry from History
		}
		_ = c.history.Update(id, state, err.Error())
		out.Took = time.Since(start)
		return out
	}
	_ = c.history.Update(id, StateSent, "accepted by Klaviyo")
	doubleOptIn := list != nil && list.DoubleOptIn()
	v, err := c.client.Verify(ctx, sub, client.VerifyOptions{Timeout: verifyBound, DoubleOptIn: doubleOptIn})
	out.Verification, out.Err, out.Took = v, err, time.Since(start)
	if err != nil {
		_ = c.history.Update(id, StateSent, "sent; verification did not finish: "+err.Error())
		return out
	}
	state := StateVerified
	for _, ch := range v.Channels {
		if ch.Outcome == client.NotRecorded || ch.Outcome == client.PartialFailure {
			state = StateFailed
		}
	}
	_ = c.history.Update(id, state, summarizeVerification(v))
	return out
}

// summarizeVerification is a one-line account of each channel's outcome.
func summarizeVerification(v client.Verification) string {
	parts := make([]string, 0, len(v.Channels))
	for _, ch := range v.Channels {
		parts = append(parts, ch.Channel.Label()+": "+strings.ReplaceAll(string(ch.Outcome), "_", " "))
	}
	return strings.Join(parts, "; ")
}
