package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/model"
)

// listLine is one line of `consent lists --json`; ProfileCount only with
// --counts.
type listLine struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	OptInProcess string `json:"opt_in_process"`
	ProfileCount *int   `json:"profile_count,omitempty"`
}

// newListsCmd is `consent lists`.
func newListsCmd(a *app) *cobra.Command {
	var asJSON, counts bool
	cmd := &cobra.Command{
		Use:   "lists [--counts] [--json]",
		Short: "every list, with its opt-in process (and, with --counts, its members)",
		Long: `Every list of the account, with its id and opt-in process (single or double),
printed page by page as Klaviyo sends them. A list's id or its exact name is
what subscribe --list and members take.

--counts adds how many members each list has (MEMBERS; "profile_count" in
--json). Klaviyo counts one list a request, and allows only 1 such request a
second and 15 a minute: the lists come a second apart, and past 15 the
command waits for the next minute, 15 lists a minute (the sandbox answers
at once). Without --counts nothing is counted.`,
		Args:        noArgs,
		Annotations: usesKlaviyo(),
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			return runLists(cmd.Context(), a, asJSON, counts)
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, `one JSON object per list, a line each: {"id","name","opt_in_process"}, and "profile_count" with --counts`)
	cmd.Flags().BoolVar(&counts, "counts", false, "add each list's member count (one request a list, paced at Klaviyo's 1/s, 15/min)")
	return cmd
}

// runLists prints every list, page by page as Klaviyo's paging brings
// them, to the last page; with counts, each page once its lists are
// counted (the client paces the counts at their tier's limits).
func runLists(ctx context.Context, a *app, asJSON, counts bool) error {
	e, api := a.e, &a.api
	_, b, err := connect(ctx, api, e)
	if err != nil {
		return err
	}
	defer b.Close()
	var table listsTable
	for page, err := range b.Client.ListsPages(ctx) {
		if err != nil {
			return err
		}
		var n []int
		if counts {
			if n, err = countMembers(ctx, b.Client, page.Lists); err != nil {
				return err
			}
		}
		if !asJSON {
			if err := table.write(e.stdout, page.Lists, n); err != nil {
				return err
			}
			continue
		}
		for i, l := range page.Lists {
			line := listLine{ID: l.ID, Name: l.Name, OptInProcess: l.OptInProcess}
			if n != nil {
				line.ProfileCount = &n[i]
			}
			if err := writeJSONLine(e.stdout, line); err != nil {
				return err
			}
		}
	}
	return nil
}

// countMembers is each list's member count, one request a list, in turn:
// the client paces them at the count's tier (1/s, 15/min).
func countMembers(ctx context.Context, c *client.Client, lists []client.List) ([]int, error) {
	n := make([]int, len(lists))
	for i, l := range lists {
		var err error
		if n[i], err = c.ListProfileCount(ctx, l.ID); err != nil {
			return nil, fmt.Errorf("counting the members of list %s: %w", model.SanitizeText(l.ID), err)
		}
	}
	return n, nil
}

// listsTable prints lists as an aligned table, sanitised for the terminal,
// a page at a time: each page is aligned on the widest cells seen so far
// (the first page's, as a whole table would be, unless a later page has a
// wider one). With counts, a MEMBERS column follows, right-aligned.
type listsTable struct {
	started                bool
	id, name, opt, members int // column widths, in runes
}

// listsGap is the space between columns.
const listsGap = 2

// write prints the header (first time) and lists' rows, with their member
// counts when counts is not nil (one for each list).
func (t *listsTable) write(w io.Writer, lists []client.List, counts []int) error {
	rows := make([][4]string, 0, len(lists)+1)
	if !t.started {
		rows = append(rows, [4]string{"ID", "NAME", "OPT-IN", "MEMBERS"})
		t.started = true
	}
	for i, l := range lists {
		r := [4]string{model.SanitizeText(l.ID), model.SanitizeText(l.Name), l.OptInName()}
		if counts != nil {
			r[3] = present.Count(counts[i])
		}
		rows = append(rows, r)
	}
	for _, r := range rows {
		t.id = max(t.id, utf8.RuneCountInString(r[0]))
		t.name = max(t.name, utf8.RuneCountInString(r[1]))
		t.opt = max(t.opt, utf8.RuneCountInString(r[2]))
		t.members = max(t.members, len(r[3])) // ASCII
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(r[0] + strings.Repeat(" ", t.id-utf8.RuneCountInString(r[0])+listsGap))
		b.WriteString(r[1] + strings.Repeat(" ", t.name-utf8.RuneCountInString(r[1])+listsGap))
		if counts == nil {
			b.WriteString(r[2] + "\n")
			continue
		}
		b.WriteString(r[2] + strings.Repeat(" ", t.opt-utf8.RuneCountInString(r[2])+listsGap))
		b.WriteString(strings.Repeat(" ", t.members-len(r[3])) + r[3] + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
