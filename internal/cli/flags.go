package cli

import (
	"errors"
	"flag"
	"io"

	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/model"
)

// newFlagSet returns a flag set that reports errors instead of printing
// them, so that every usage problem leaves through report.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseFlags parses flags wherever they appear among the arguments
// (`consent check +386… --json` works as well as `--json +386…`) and returns
// the positional arguments in order. A flag error is a usage.Error that
// carries the command's synopsis.
func parseFlags(fs *flag.FlagSet, args []string, synopsis string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, usage.Errorf("usage: %s", synopsis)
			}
			return nil, usage.Errorf("%s\nusage: %s", model.SanitizeText(err.Error()), synopsis)
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
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
