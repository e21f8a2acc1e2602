package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/consentdesk/consent/internal/config"
	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/proof"
)

const proofSynopsis = "consent proof [--format text|md|json] [--redact] [--region CC] EMAIL|PHONE"

// proofOptions are proof's flags.
type proofOptions struct {
	format string
	redact bool
	region string
}

// newProofCmd is `consent proof`.
func newProofCmd(a *app) *cobra.Command {
	var o proofOptions
	cmd := &cobra.Command{
		Use:   "proof [--format text|md|json] [--redact] [--region CC] EMAIL|PHONE",
		Short: "a person's proof of consent: Klaviyo's consent and every journal entry, on one timeline",
		Long: `For a dispute (a TCPA claim, a GDPR request, "I never signed up"): who
consented, when, how, with what wording, and who entered it. Klaviyo's consent
per channel now (state, timestamp, method, source, suppressions) and the lists
the profile is on, merged with every journal entry made here for the person:
matched by email (any case) or phone (E.164), and by an earlier number an
entry for their email carried. Each entry says when, by whom, where, what was
asked, what Klaviyo answered, when it was verified, and for consent entered
later who collected it, the wording's version and the evidence's SHA-256; an
imported one its file and line. Then one timeline of both, newest first.

--format md is Markdown to attach to a ticket; --format json one JSON object.
--redact keeps only what a data-subject request may disclose: the person's own
data and consent history, agents unnamed, no key fingerprint and no internal
id but the profile's own. Who collected a consent entered later is kept (it
says how consent was given): write a place or a role there, not a name.

A person neither Klaviyo nor the journal knows is an answer, not an error: the
record says so and the exit code is 0. An email or number that is not valid is
bad input (exit 2).`,
		Example: `  consent proof ana@example.net
  consent proof --format md "+1 617 547 5595" > proof.md
  consent proof --redact --format json ana@example.net`,
		Annotations: usesKlaviyo(),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usage.Errorf("give one email address or phone number\nusage: %s", proofSynopsis)
			}
			return nil
		},
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			return runProof(cmd.Context(), a, o, args[0])
		}),
	}
	cmd.Flags().StringVar(&o.format, "format", "text", "`text`, md (Markdown, for a ticket) or json")
	cmd.Flags().BoolVar(&o.redact, "redact", false, "only what a data-subject request may disclose")
	cmd.Flags().StringVar(&o.region, "region", "", "region `CC` of a number typed without + (e.g. US; else the config's default_region)")
	return cmd
}

// runProof builds the person's record and writes it in the format asked.
func runProof(ctx context.Context, a *app, o proofOptions, query string) error {
	e, api := a.e, &a.api
	write := map[string]func(r proof.Record) error{
		"text": func(r proof.Record) error { return proof.WriteText(e.stdout, r) },
		"md":   func(r proof.Record) error { return proof.WriteMarkdown(e.stdout, r) },
		"json": func(r proof.Record) error { return writeJSONLine(e.stdout, r) },
	}[o.format]
	if write == nil {
		return usage.Errorf("--format %s: text, md or json\nusage: %s", sanitizeArg(o.format), proofSynopsis)
	}
	cfg, err := config.Load(e.getenv, api.overrides(o.region))
	if err != nil {
		return err
	}
	if _, _, err := proof.ParseQuery(query, cfg.Rules); err != nil {
		return err // bad input, before anything is opened
	}
	j, err := openJournal(e, cfg)
	if err != nil {
		return err
	}
	defer j.Close()
	entries, err := readJournal(j, e.stderr)
	if err != nil {
		return err
	}
	b, err := openBackend(ctx, api, e, cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	r, err := proof.Build(ctx, b.Client, entries, query, cfg.Rules)
	if err != nil {
		return err
	}
	if o.redact {
		r = r.Redact()
	}
	if err := write(r); err != nil {
		return fmt.Errorf("writing the proof: %w", err)
	}
	return nil
}
