package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime/debug"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/model"
)

const membersSynopsis = "consent members LIST [--json] [--fields F,...] [--limit N]"

// membersOptions are members' flags.
type membersOptions struct {
	json   bool
	limit  int
	fields string
}

// newMembersCmd is `consent members`.
func newMembersCmd(a *app) *cobra.Command {
	var o membersOptions
	cmd := &cobra.Command{
		Use:   "members LIST [--json] [--fields F,...] [--limit N]",
		Short: "a list's members with their consent (streams)",
		Long: `A list's members, with each phone's region and the email and SMS consent, in
the order they joined the list (oldest first). LIST is the list's id or its
exact name (see consent lists). A member whose consent is SUBSCRIBED but whom
Klaviyo cannot send to is shown as suppressed.

The list is read in slices of join time, many at once, as fast as the account's
rate limits allow, and streamed: memory does not grow with the list. The table
asks Klaviyo only for what it shows (a sparse fieldset); --json gives Klaviyo's
whole profile resource, or only the attributes --fields names (Klaviyo's
fields[profile] names, e.g. email,phone_number,subscriptions).`,
		Example: `  consent members Y6nRLr --limit 9
  consent members Newsletter --json
  consent members Newsletter --json --fields email,joined_group_at`,
		Args:              membersArgs,
		ValidArgsFunction: a.completeListArg,
		Annotations:       usesKlaviyo(),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			return runMembers(cmd.Context(), a, o, args[0])
		}),
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "one JSON object per member, a line each: Klaviyo's profile resource as returned")
	cmd.Flags().IntVar(&o.limit, "limit", 0, "stop after `N` members (0: all)")
	cmd.Flags().StringVar(&o.fields, "fields", "", "with --json, only these profile attributes, `F,...` (Klaviyo's fields[profile])")
	return cmd
}

// membersArgs takes one list.
func membersArgs(cmd *cobra.Command, args []string) error {
	switch {
	case len(args) == 0:
		return usage.Errorf("give the list's id or name (see consent lists)\nusage: %s", membersSynopsis)
	case len(args) > 1:
		return unexpectedArg(args[1], membersSynopsis)
	}
	return nil
}

// runMembers streams the members of the list ref names (its id, else its
// exact name) page by page: each page is written and dropped before the
// next is fetched, so memory does not grow with the list. With --json each
// line is Klaviyo's profile resource as returned. Paging links that would
// never end stop it with an error (see client.PageWalk).
func runMembers(ctx context.Context, a *app, o membersOptions, ref string) error {
	e := a.e
	if o.limit < 0 {
		return usage.Errorf("--limit must be 0 (all) or more")
	}
	fields, err := memberFields(o)
	if err != nil {
		return err
	}
	defer streamingMemory()()
	if err := checkListRef(ref); err != nil {
		return err
	}
	cfg, b, err := connect(ctx, &a.api, e)
	if err != nil {
		return err
	}
	defer b.Close()
	m := membersWriter{w: e.stdout, json: o.json, limit: o.limit, rules: cfg.Rules, fields: fields}
	if !looksLikeListID(ref) { // a name, and only a name
		l, err := listByName(ctx, b.Client, ref)
		if err != nil {
			return err
		}
		return m.stream(ctx, b.Client, l.ID)
	}
	// The id first: no request more than before for a list named by
	// its id; Klaviyo's 404 to the first page means there is none.
	err = m.stream(ctx, b.Client, ref)
	if notFound(err) && !m.started {
		l, lerr := listByName(ctx, b.Client, ref)
		if lerr != nil {
			return lerr
		}
		return m.stream(ctx, b.Client, l.ID)
	}
	return err
}

// membersWriter writes members as they come, as a table or JSON lines,
// up to a limit (0: all).
type membersWriter struct {
	w       io.Writer
	json    bool
	limit   int
	rules   model.PhoneRules
	fields  []string // the sparse fieldset asked for; nil: the whole resource
	started bool     // a page was read, and the header written
}

// stream writes the members of the list listID, page by page.
func (m *membersWriter) stream(ctx context.Context, c *client.Client, listID string) error {
	var tw *tabwriter.Writer
	written := 0
	for page, err := range c.MembersInOrder(ctx, listID, client.StreamOptions{Fields: m.fields, Limit: m.limit, RawOnly: m.json}) {
		if refusedFields(err) {
			return usage.Errorf("--fields: %v", err)
		}
		if err != nil {
			return err
		}
		if !m.started && !m.json {
			tw = tabwriter.NewWriter(m.w, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "EMAIL\tPHONE\tEMAIL CONSENT\tSMS CONSENT\tJOINED")
		}
		m.started = true
		for _, p := range page.Profiles {
			if m.limit > 0 && written == m.limit {
				break
			}
			if m.json {
				err = writeRawJSONLine(m.w, p.Raw)
			} else {
				err = writeMemberRow(tw, p, listID, m.rules)
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
		if m.limit > 0 && written >= m.limit {
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

// memberFields is the sparse fieldset members asks for: what the table
// shows, or with --json what --fields names (nil: the whole resource).
func memberFields(o membersOptions) ([]string, error) {
	switch {
	case !o.json && o.fields != "":
		return nil, usage.Errorf("--fields goes with --json (the table shows what it shows)\nusage: %s", membersSynopsis)
	case !o.json:
		return client.TableFields, nil
	case o.fields == "":
		return nil, nil
	}
	var fields []string
	for _, f := range strings.Split(o.fields, ",") {
		if !fieldName.MatchString(f) {
			return nil, usage.Errorf("--fields %q: give Klaviyo's attribute names separated by commas, no spaces (e.g. email,phone_number,subscriptions)", sanitizeArg(o.fields))
		}
		fields = append(fields, f)
	}
	return fields, nil
}

// fieldName is the shape of a fields[profile] name: words of lower-case
// letters, digits and underscores, joined by dots.
var fieldName = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)*$`)

// refusedFields reports whether Klaviyo refused the fieldset asked for.
func refusedFields(err error) bool {
	var ae *client.APIError
	return errors.As(err, &ae) && ae.Status == 400 && ae.Parameter == "fields[profile]"
}

// streamMemoryLimit is the soft heap limit while members stream: pages
// come in parallel and are dropped as soon as they are written, so a
// collector that runs a little more often keeps the process's peak memory
// near what is live (at most about 20 MB: the read-ahead) rather than twice it.
const streamMemoryLimit = 32 << 20

// streamingMemory sets streamMemoryLimit; see softMemoryLimit.
func streamingMemory() (restore func()) { return softMemoryLimit(streamMemoryLimit) }

// softMemoryLimit sets the soft heap limit, unless GOMEMLIMIT says
// otherwise, and returns what puts the previous limit back.
func softMemoryLimit(limit int64) (restore func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	prev := debug.SetMemoryLimit(limit)
	return func() { debug.SetMemoryLimit(prev) }
}
