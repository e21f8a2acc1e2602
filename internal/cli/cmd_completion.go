package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/consentdesk/consent/internal/backend"
	"github.com/consentdesk/consent/internal/config"
	"github.com/consentdesk/consent/internal/usage"
)

// shells are the shells `consent completion` writes a script for.
var shells = []string{"bash", "zsh", "fish", "powershell"}

// newCompletionCmd is `consent completion SHELL`.
func newCompletionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "a shell completion script",
		Long: `Prints the script with which the shell completes consent's commands, flags
and list ids (members LIST, --list; read from Klaviyo or the sandbox, within
two seconds). To load it:

  bash   source <(consent completion bash)    (in ~/.bashrc)
  zsh    consent completion zsh > "${fpath[1]}/_consent"
  fish   consent completion fish > ~/.config/fish/completions/consent.fish
  powershell   consent completion powershell | Out-String | Invoke-Expression`,
		ValidArgs: shells,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usage.Errorf("name one shell: %s\nusage: %s", strings.Join(shells, ", "), synopsis(cmd))
			}
			return nil
		},
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			root, out := cmd.Root(), cmd.OutOrStdout()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(out, true)
			case "zsh":
				return root.GenZshCompletion(out)
			case "fish":
				return root.GenFishCompletion(out, true)
			case "powershell":
				return root.GenPowerShellCompletionWithDesc(out)
			}
			return usage.Errorf("no completion for the shell %q: name one of %s", sanitizeArg(args[0]), strings.Join(shells, ", "))
		}),
	}
}

// completionTimeout bounds how long a completion waits for the lists: a
// shell's Tab must not hang on a slow network.
const completionTimeout = 2 * time.Second

// completeListArg completes members' LIST with the ids of the lists.
func (a *app) completeListArg(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return a.listCompletions(cmd.Context(), toComplete), cobra.ShellCompDirectiveNoFileComp
}

// completeListFlag completes --list with the ids of the lists.
func (a *app) completeListFlag(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return a.listCompletions(cmd.Context(), toComplete), cobra.ShellCompDirectiveNoFileComp
}

// listCompletions are the ids of the lists that begin with prefix, each
// with its name as the description: one walk of the lists, within
// completionTimeout. On any error there are none, and nothing is said (a
// completion must not write on the terminal). A sandbox that does not exist
// yet is not created for it.
func (a *app) listCompletions(ctx context.Context, prefix string) []cobra.Completion {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, completionTimeout)
	defer cancel()
	e := a.e
	cfg, err := config.Load(e.getenv, a.api.overrides(""))
	if err != nil {
		return nil
	}
	keyed := a.api.APIKey != "" || e.getenv("KLAVIYO_API_KEY") != "" || cfg.Account != ""
	if !keyed && !sandboxExists(e.getenv) {
		return nil
	}
	b, err := backend.Open(ctx, a.api.Flags, e.getenv, cfg, backend.Options{})
	if err != nil {
		return nil
	}
	defer b.Close()
	var out []cobra.Completion
	for page, err := range b.Client.ListsPages(ctx) {
		if err != nil {
			return nil
		}
		for _, l := range page.Lists {
			if looksLikeListID(l.ID) && strings.HasPrefix(l.ID, prefix) {
				out = append(out, cobra.CompletionWithDesc(l.ID, completionText(l.Name)))
			}
		}
	}
	return out
}

// completionText makes a list's name fit a completion's description: one
// line, no tabs, nothing a terminal acts on.
func completionText(s string) string {
	return strings.Join(strings.Fields(sanitizeArg(s)), " ")
}

// sandboxExists reports whether the embedded sandbox's database is there,
// without creating its directory.
func sandboxExists(getenv func(string) string) bool {
	dir, err := config.HomeSubdir(getenv, "XDG_DATA_HOME", filepath.Join(".local", "share"))
	if err != nil {
		return false
	}
	_, err = os.Stat(filepath.Join(dir, sandboxDBFile))
	return err == nil
}
