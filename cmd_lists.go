package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
)

const listsSynopsis = "consent lists [--json]"

// listLine is one line of `consent lists --json`.
type listLine struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	OptInProcess string `json:"opt_in_process"`
}

// runLists prints every list, following Klaviyo's paging to the end.
func runLists(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("lists")
	asJSON := fs.Bool("json", false, "one JSON object per line")
	api := addAPIFlags(fs)
	rest, err := parseFlags(fs, args, listsSynopsis)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return unexpectedArg(rest[0], listsSynopsis)
	}
	_, b, err := connect(ctx, api, e)
	if err != nil {
		return err
	}
	defer b.Close()
	lists, err := b.client.Lists(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		for _, l := range lists {
			if err := writeJSONLine(e.stdout, listLine{l.ID, l.Name, l.OptInProcess}); err != nil {
				return err
			}
		}
		return nil
	}
	return writeListsTable(e.stdout, lists)
}

// writeListsTable prints lists as an aligned table, sanitised for the
// terminal.
func writeListsTable(w io.Writer, lists []client.List) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tOPT-IN")
	for _, l := range lists {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", model.SanitizeText(l.ID), model.SanitizeText(l.Name), l.OptInName())
	}
	return tw.Flush()
}
