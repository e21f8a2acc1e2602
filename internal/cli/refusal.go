package cli

import (
	"strings"

	"github.com/consentdesk/consent/model"
)

// refusal is a change refused before anything was sent to Klaviyo, with
// every problem beside its field: exit 2, and under --json
// `{"status":"refused","problems":[…]}`.
type refusal struct {
	// msg replaces the "not sent:" list of problems as the message for a
	// person, when there is one problem better said in a sentence.
	msg      string
	problems []model.Problem
}

func (r *refusal) Error() string {
	if r.msg != "" {
		return r.msg
	}
	lines := make([]string, len(r.problems))
	for i, p := range r.problems {
		lines[i] = "  " + p.String()
	}
	return "not sent:\n" + strings.Join(lines, "\n")
}

// refuseList is the refusal of a change to a list that cannot be used,
// msg saying why.
func refuseList(msg string) *refusal {
	return &refusal{msg: msg, problems: []model.Problem{{Field: "list", Reason: msg}}}
}
