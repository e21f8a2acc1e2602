package cli

import (
	"context"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
)

// listLine is one line of `consent lists --json`.
type listLine struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	OptInProcess string `json:"opt_in_process"`
}

// newListsCmd is `consent lists`.
func newListsCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "lists [--json]",
		Short: "every list, with its opt-in process",
		Long: `Every list of the account, with its id and opt-in process (single or double),
printed page by page as Klaviyo sends them. A list's id or its exact name is
what subscribe --list and members take.`,
		Args:        noArgs,
		Annotations: usesKlaviyo(),
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			return runLists(cmd.Context(), a, asJSON)
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, `one JSON object per list, a line each: {"id","name","opt_in_process"}`)
	return cmd
}

// runLists prints every list, page by page as Klaviyo's paging brings
// them, to the last page.
func runLists(ctx context.Context, a *app, asJSON bool) error {
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
		if !asJSON {
			if err := table.write(e.stdout, page.Lists); err != nil {
				return err
			}
			continue
		}
		for _, l := range page.Lists {
			if err := writeJSONLine(e.stdout, listLine{l.ID, l.Name, l.OptInProcess}); err != nil {
				return err
			}
		}
	}
	return nil
}

// listsTable prints lists as an aligned table, sanitised for the terminal,
// a page at a time: each page is aligned on the widest cells seen so far
// (the first page's, as a whole table would be, unless a later page has a
// wider one).
type listsTable struct {
	started  bool
	id, name int // column widths, in runes
}

// listsGap is the space between columns.
const listsGap = 2

// write prints the header (first time) and lists' rows.
func (t *listsTable) write(w io.Writer, lists []client.List) error {
	rows := make([][3]string, 0, len(lists)+1)
	if !t.started {
		rows = append(rows, [3]string{"ID", "NAME", "OPT-IN"})
		t.started = true
	}
	for _, l := range lists {
		rows = append(rows, [3]string{model.SanitizeText(l.ID), model.SanitizeText(l.Name), l.OptInName()})
	}
	for _, r := range rows {
		t.id = max(t.id, utf8.RuneCountInString(r[0]))
		t.name = max(t.name, utf8.RuneCountInString(r[1]))
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(r[0] + strings.Repeat(" ", t.id-utf8.RuneCountInString(r[0])+listsGap))
		b.WriteString(r[1] + strings.Repeat(" ", t.name-utf8.RuneCountInString(r[1])+listsGap))
		b.WriteString(r[2] + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
