package ui

import (
	"context"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// changeOutcome is what came of one subscribe or unsubscribe.
type changeOutcome = desk.Outcome

// submitChange makes a consent change through the journal's one path (the
// desk): the entry is recorded before sending and updated after; a
// subscribe is guarded, with people the profiles already looked up for it
// (nil: the desk looks them up). It blocks: call it from a tea.Cmd.
func submitChange(ctx context.Context, c *common, action journal.Action, req model.CheckedRequest, list *client.List, people *desk.People) changeOutcome {
	return c.desk.Submit(ctx, action, req, list, desk.SubmitOptions{People: people})
}
