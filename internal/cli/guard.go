package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/model"
)

// guardRefusal is the refusal of a subscribe the desk's guard stopped
// before sending (exit 2): for two profiles, both cards are written on w
// first (unless asJSON), the email's then the number's, so the agent sees
// whom each identifier belongs to.
func guardRefusal(w io.Writer, out desk.Outcome, asJSON bool) error {
	var problems []model.Problem
	var ce *desk.ConflictError
	if errors.As(out.Err, &ce) {
		problems = append(problems, model.Problem{Field: "identity", Reason: "the email and the phone number are on two different profiles: " + ce.Words +
			"; send as typed with --allow-conflict " + ce.People.ByEmail.ID + ", or change the input"})
		if !asJSON {
			c := card{w: w, width: len("profile")}
			c.title("the email " + out.Request.Email + " is on:")
			writeProfiles(&c, []client.Profile{*ce.People.ByEmail})
			c.title("the number " + out.Request.Phone + " is on:")
			writeProfiles(&c, []client.Profile{*ce.People.ByPhone})
			if c.err != nil {
				return c.err
			}
		}
	}
	for _, oe := range desk.OptOutsIn(out.Err) {
		problems = append(problems, model.Problem{Field: "evidence", Reason: fmt.Sprintf("%s opted out of %s (%s%s): SMS consent is given again only with new evidence: --consent-text-version and --collected-by, or --evidence",
			oe.Profile.PhoneNumber, oe.Channel.Label(), oe.How, present.SinceDate(oe.Since))})
	}
	r := &refusal{problems: problems}
	if out.EntryID != "" {
		r.problems = append(r.problems, model.Problem{Field: "journal", Reason: "entry " + out.EntryID + ": refused, nothing was sent"})
	}
	return r
}
