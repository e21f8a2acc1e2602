package cli

import (
	"github.com/spf13/cobra"
)

// rootSynopsis is the first part of `consent help`: every command's
// synopsis (DESIGN.md "Command line") and what it does.
const rootSynopsis = `Consent Desk: record and check marketing consent in Klaviyo.

Usage:
  consent [--accessible] [--api-key KEY] [--account NAME]
                                  the terminal UI (--accessible: as plain questions
                                  and answers, below)
  consent check [--json] [--region CC] ID...
                                  can SMS consent be recorded for these phone numbers
                                  or emails, why not, and their profiles' consent
  consent subscribe --list LIST [--email E] [--phone P] [--email-marketing]
                    [--sms-marketing] [--sms-transactional] [--source TEXT] [--json]
                                  subscribe one person, then verify what Klaviyo recorded
  consent unsubscribe [--list LIST] [--email E] [--phone P] [channel flags] [--json]
                                  revoke consent on the given channels, then verify
  consent lists [--counts] [--json]
                                  every list, with its opt-in process (--counts: and
                                  its members, counted at Klaviyo's 1 list a second)
  consent members LIST [--json] [--fields F,...] [--limit N]
                                  a list's members with their consent, oldest first
                                  (in parallel slices, streamed)
  consent history [--json]        every subscribe and unsubscribe made here, newest first
  consent history retry (ID... | --all) [--wait D] [--json]
                                  settle entries that are not verified, made on this
                                  backend and account: read back, resend only what
                                  Klaviyo does not show and nobody changed since
  consent history retry --resend ID... [--yes]
                                  send again what Klaviyo accepted an hour ago but does
                                  not show (asks first)
  consent history dismiss ID --note TEXT
                                  put an entry to rest, with why (journaled)
  consent sandbox serve [--addr 127.0.0.1:0] [--db FILE] [--latency D]
                    [--fail-rate F] [--throttle-rate F] [--rate-limit on|off]
                                  serve the Klaviyo-compatible sandbox on loopback
  consent sandbox load --db FILE --list NAME --members N
                                  add N synthetic members to a sandbox list
  consent sandbox confirm [--db FILE] [--list ID] EMAIL|PHONE
                                  confirm a double opt-in, as the person would
  consent completion bash|zsh|fish|powershell
                                  a shell completion script
  consent help [COMMAND]          this text, or a command's own help (also COMMAND --help)
  consent --version               the version

A LIST is a list's id (see consent lists) or its exact name.
`

// rootFooter is the last part of `consent help`.
const rootFooter = `Backend: --api-key, else KLAVIYO_API_KEY, else the account chosen by --account,
KLAVIYO_ACCOUNT or default_account in config.toml, else the embedded sandbox
(demo data, under $CONSENT_HOME). KLAVIYO_API_URL overrides https://a.klaviyo.com.
--api-key and --account go before or after the command's name.
Configuration: $CONSENT_HOME/config.toml (default ~/.config/consent-desk/config.toml).
`

// exitCodesText ends every command's help.
const exitCodesText = `Exit codes: 0 done, 1 the API or the network failed, 2 bad input or usage
(the UI: 130 when quit with ctrl+c).
`

// newRootCmd is `consent` and every command under it, reading and
// writing through a.e.
func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "consent",
		Short: "record and check marketing consent in Klaviyo",
		Long:  rootSynopsis,
		// No arguments: the terminal UI; an argument that is not a
		// command is an unknown command, with suggestions.
		Args:        subcommandArgs,
		RunE:        a.runE(func(cmd *cobra.Command, _ []string) error { return runUI(cmd.Context(), a) }),
		Version:     version(),
		Annotations: usesKlaviyo(),
		// report says every error, once, in its own form.
		SilenceErrors: true,
		SilenceUsage:  true,
		// completion is a command of its own, below.
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	root.SetVersionTemplate("consent {{.Version}}\n")
	root.SetIn(a.e.stdin)
	root.SetOut(a.e.stdout)
	root.SetErr(a.e.stderr)
	addAPIFlags(root.PersistentFlags(), &a.api)
	root.Flags().BoolVar(&a.accessible, "accessible", false, "the UI as plain questions and answers (also TERM=dumb, CONSENT_ACCESSIBLE=1)")
	root.SetFlagErrorFunc(flagError)
	root.SetHelpFunc(writeHelp)
	root.SetHelpCommand(newHelpCmd())

	root.AddCommand(
		newCheckCmd(a),
		newChangeCmd(a, true),
		newChangeCmd(a, false),
		newListsCmd(a),
		newMembersCmd(a),
		newHistoryCmd(a),
		newProofCmd(a),
		newImportCmd(a),
		newSandboxCmd(a),
		newCompletionCmd(a),
	)
	settle(root)
	return root
}

// settle applies what every command has in common: the synopsis in Use is
// the whole usage line, and mistyped subcommands get suggestions.
func settle(cmd *cobra.Command) {
	cmd.DisableFlagsInUseLine = true
	cmd.SuggestionsMinimumDistance = 2
	for _, c := range cmd.Commands() {
		settle(c)
	}
}

// usesKlaviyo are the annotations of a command that talks to Klaviyo (or
// the sandbox): its help lists --api-key and --account. Every command
// accepts them (an alias may hold them), the others ignore them.
func usesKlaviyo() map[string]string { return map[string]string{"klaviyo": "yes"} }

// talksToKlaviyo reports whether cmd is marked usesKlaviyo.
func talksToKlaviyo(cmd *cobra.Command) bool { return cmd.Annotations["klaviyo"] == "yes" }
