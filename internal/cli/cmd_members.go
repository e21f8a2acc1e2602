package cli

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/model"
)

const membersSynopsis = "consent members LIST_ID [--json] [--limit N]"

// runMembers streams a list's members page by page: each page is written
// and dropped before the next is fetched, so memory does not grow with the
// list. With --json each line is Klaviyo's profile resource as returned.
// Paging links that would never end stop it with an error (see
// client.PageWalk).
func runMembers(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("members")
	asJSON := fs.Bool("json", false, "one JSON object (Klaviyo's profile resource) per line")
	limit := fs.Int("limit", 0, "stop after N members (0: all)")
	api := addAPIFlags(fs)
	rest, err := parseFlags(fs, args, membersSynopsis)
	if err != nil {
		return err
	}
	switch {
	case len(rest) == 0:
		return usage.Errorf("give the list's id (see consent lists)\nusage: %s", membersSynopsis)
	case len(rest) > 1:
		return unexpectedArg(rest[1], membersSynopsis)
	case *limit < 0:
		return usage.Errorf("--limit must be 0 (all) or more")
	}
	cfg, b, err := connect(ctx, api, e)
	if err != nil {
		return err
	}
	defer b.Close()

	var tw *tabwriter.Writer
	if !*asJSON {
		tw = tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "EMAIL\tPHONE\tEMAIL CONSENT\tSMS CONSENT\tJOINED")
	}
	written := 0
	q := client.MembersQuery{}
	if *limit > 0 {
		q.PageSize = min(*limit, client.MaxPageSize)
	}
	for page, err := range b.Client.MembersPages(ctx, rest[0], q) {
		if err != nil {
			return err
		}
		for _, p := range page.Profiles {
			if *limit > 0 && written == *limit {
				break
			}
			if *asJSON {
				err = writeRawJSONLine(e.stdout, p.Raw)
			} else {
				err = writeMemberRow(tw, p, rest[0], cfg.Rules)
			}
			if err != nil {
				return fmt.Errorf("writing members: %w", err)
			}
			written++
		}
		if tw != nil {
			if err := tw.Flush(); err != nil {
				return err
			}
		}
		if *limit > 0 && written >= *limit {
			break
		}
	}
	return nil
}

// writeMemberRow writes one member of list listID as a table row.
func writeMemberRow(w io.Writer, p client.Profile, listID string, rules model.PhoneRules) error {
	_, err := fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n",
		present.OrDash(model.SanitizeText(p.Email)),
		present.OrDash(present.PhoneWithRegion(p.PhoneNumber, rules)),
		present.ConsentWord(p.Subscriptions.Channel(model.EmailMarketing), listID),
		present.ConsentWord(p.Subscriptions.Channel(model.SMSMarketing), listID),
		present.OrDash(present.Date(p.JoinedGroupAt)))
	return err
}
