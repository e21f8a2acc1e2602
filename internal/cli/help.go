package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/model"
)

// writeHelp is every command's --help, -h and `consent help COMMAND`: on
// stdout, plain text (it is read in pipes and pagers as much as on a
// terminal): what the command does, its synopsis, its subcommands, every
// flag with its description, and the exit codes.
func writeHelp(cmd *cobra.Command, _ []string) {
	w := cmd.OutOrStdout()
	if !cmd.HasParent() {
		writeRootHelp(w, cmd)
		return
	}
	var b strings.Builder
	b.WriteString(strings.TrimRight(cmp(cmd.Long, cmd.Short), "\n") + "\n\n")
	b.WriteString("Usage:\n  " + synopsis(cmd) + "\n")
	if cmd.HasAvailableSubCommands() {
		b.WriteString("\nCommands:\n")
		for _, c := range cmd.Commands() {
			if c.IsAvailableCommand() {
				fmt.Fprintf(&b, "  %-*s %s\n", c.NamePadding(), c.Name(), c.Short)
			}
		}
	}
	if fs := cmd.LocalFlags(); fs.HasAvailableFlags() {
		b.WriteString("\nFlags:\n" + fs.FlagUsages())
	}
	if talksToKlaviyo(cmd) {
		b.WriteString("\nGlobal flags (before or after the command's name):\n" + cmd.InheritedFlags().FlagUsages())
	}
	if cmd.Example != "" {
		b.WriteString("\nExamples:\n" + strings.TrimRight(cmd.Example, "\n") + "\n")
	}
	b.WriteString("\n" + exitCodesText)
	_, _ = io.WriteString(w, b.String())
}

// writeRootHelp is `consent help`: every synopsis, the flags, where the
// backend and the configuration come from, and the exit codes.
func writeRootHelp(w io.Writer, root *cobra.Command) {
	_, _ = io.WriteString(w, rootSynopsis+"\nFlags:\n"+root.LocalFlags().FlagUsages()+"\n"+rootFooter+"\n"+accessibleText+"\n"+exitCodesText)
}

func cmp(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// synopsis is cmd's usage line: its Use under its parents' path
// ("consent history retry (ID... | --all) [--wait D]").
func synopsis(cmd *cobra.Command) string {
	if !cmd.HasParent() {
		return "consent [--api-key KEY] [--account NAME] | consent COMMAND [flags] (see consent --help)"
	}
	return cmd.UseLine()
}

// newHelpCmd is `consent help [COMMAND...]`: the help of consent or of a
// command, on stdout; a command that does not exist is bad usage.
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [COMMAND...]",
		Short: "the help of consent or of a command",
		Long:  "Prints the help of consent, or of the command named (consent help history retry), on stdout.",
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			target, _, err := c.Root().Find(args)
			if err != nil || target == nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []cobra.Completion
			for _, sc := range target.Commands() {
				if sc.IsAvailableCommand() && strings.HasPrefix(sc.Name(), toComplete) {
					names = append(names, cobra.CompletionWithDesc(sc.Name(), sc.Short))
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			target := c.Root()
			for _, name := range args {
				next := findSub(target, name)
				if next == nil {
					return unknownCommand(target, name)
				}
				target = next
			}
			target.InitDefaultHelpFlag()
			writeHelp(target, nil)
			return nil
		},
	}
}

// findSub is cmd's subcommand called name (or one of its aliases).
func findSub(cmd *cobra.Command, name string) *cobra.Command {
	for _, c := range cmd.Commands() {
		if !c.Hidden && (c.Name() == name || c.HasAlias(name)) {
			return c
		}
	}
	return nil
}

// subcommandArgs is the Args of a command whose arguments can only be
// subcommands: one that is not is an unknown command, with suggestions.
func subcommandArgs(cmd *cobra.Command, args []string) error {
	switch {
	case len(args) == 0:
		return nil
	case findSub(cmd, args[0]) != nil: // a command's name, after --
		return usage.Errorf("unexpected argument %q: the command's name goes before --\nusage: %s", sanitizeArg(args[0]), synopsis(cmd))
	}
	return unknownCommand(cmd, args[0])
}

// unknownCommand is the usage error for arg, which is not a subcommand of
// cmd: it names the nearest ones (cobra's suggestions) and every one.
func unknownCommand(cmd *cobra.Command, arg string) error {
	msg := fmt.Sprintf("unknown command %q", sanitizeArg(arg))
	if cmd.HasParent() {
		msg += " for " + cmd.CommandPath()
	}
	if s := cmd.SuggestionsFor(arg); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	return usage.Errorf("%s\nthe commands: %s (see %s --help)", msg, strings.Join(names, ", "), cmd.CommandPath())
}

// flagError is every command's flag error (cobra's FlagErrorFunc) as a
// usage error a person can act on: the flag, what was wrong with it, the
// nearest flag for one that does not exist, and the command's synopsis.
func flagError(cmd *cobra.Command, err error) error {
	msg := err.Error()
	var notExist *pflag.NotExistError
	var needs *pflag.ValueRequiredError
	var invalid *pflag.InvalidValueError
	switch {
	case errors.As(err, &notExist):
		name := notExist.GetSpecifiedName()
		if group := notExist.GetSpecifiedShortnames(); group != "" {
			msg = fmt.Sprintf("unknown flag -%s", sanitizeArg(name))
			if group != name {
				msg += fmt.Sprintf(" (in -%s)", sanitizeArg(group))
			}
		} else {
			msg = "unknown flag --" + sanitizeArg(name)
			if near := nearestFlag(cmd, name); near != "" {
				msg += "; did you mean --" + near + "?"
			}
		}
	case errors.As(err, &needs):
		msg = flagName(needs.GetFlag()) + " needs a value"
	case errors.As(err, &invalid):
		msg = fmt.Sprintf("invalid value %q for %s: %s", sanitizeArg(invalid.GetValue()), flagName(invalid.GetFlag()), wantedValue(invalid))
	}
	return usage.Errorf("%s\nusage: %s", model.SanitizeText(msg), synopsis(cmd))
}

// flagName is how a message names f: --limit.
func flagName(f *pflag.Flag) string {
	if f == nil {
		return "the flag"
	}
	return "--" + f.Name
}

// wantedValue says what a flag's value should have been.
func wantedValue(e *pflag.InvalidValueError) string {
	if f := e.GetFlag(); f != nil {
		switch f.Value.Type() {
		case "int":
			return "give a whole number"
		case "float64":
			return "give a number, such as 0.2"
		case "duration":
			return "give a duration, such as 200ms, 30s or 2m"
		case "bool":
			return "give true or false, or the flag alone"
		}
	}
	return model.SanitizeText(errors.Unwrap(e).Error())
}

// nearestFlag is the name of cmd's flag nearest to name (at most two
// edits away, or one it begins), "" when none is near.
func nearestFlag(cmd *cobra.Command, name string) string {
	best, bestDist := "", 3
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		d := editDistance(strings.ToLower(name), f.Name)
		if strings.HasPrefix(f.Name, strings.ToLower(name)) && len(name) >= 2 {
			d = min(d, 1)
		}
		if d < bestDist {
			best, bestDist = f.Name, d
		}
	})
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// maxArgQuote bounds how much of an argument a message quotes back.
const maxArgQuote = 60

// sanitizeArg makes a command-line argument safe and short enough to quote
// in a message.
func sanitizeArg(s string) string { return model.SanitizeShort(s, maxArgQuote) }

// unexpectedArg is the usage error for a positional argument a command does
// not take.
func unexpectedArg(arg, synopsis string) error {
	return usage.Errorf("unexpected argument %q\nusage: %s", sanitizeArg(arg), synopsis)
}

// noArgs is the Args of a command that takes no arguments.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return unexpectedArg(args[0], synopsis(cmd))
	}
	return nil
}
