package main

import (
	"errors"
	"flag"
	"io"
	"strings"

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
// the positional arguments in order. A flag error is a usageError that
// carries the command's synopsis.
func parseFlags(fs *flag.FlagSet, args []string, synopsis string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, usagef("usage: %s", synopsis)
			}
			return nil, usagef("%s\nusage: %s", model.SanitizeText(err.Error()), synopsis)
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// sanitizeArg makes a command-line argument safe to quote in a message.
func sanitizeArg(s string) string {
	s = model.SanitizeText(s)
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return strings.ToValidUTF8(s, "")
}
