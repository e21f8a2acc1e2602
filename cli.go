package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
)

// Exit codes, stable for scripts (DESIGN.md "Command line").
const (
	exitOK    = 0 // done
	exitAPI   = 1 // the API or the network failed
	exitUsage = 2 // bad input or usage
)

// usage lists the subcommands; it is printed for help and for bad usage.
const usage = `Consent Desk: record and check marketing consent in Klaviyo.

Usage:
  consent                                   the terminal UI
  consent check [--json] [--region CC] ID...
                                            analyse phone numbers and emails:
                                            can SMS consent be recorded, and why not
  consent help                              this text

Configuration: $CONSENT_HOME/config.toml (default ~/.config/consent-desk/config.toml).
Exit codes: 0 done, 1 the API or the network failed, 2 bad input or usage.
`

// env is what a command reads from its surroundings, so tests can give
// their own.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// isTerminal reports whether the UI can run (stdin and stdout are a
	// terminal).
	isTerminal func() bool
}

func newEnv() env {
	return env{
		stdin:  os.Stdin,
		stdout: os.Stdout,
		stderr: os.Stderr,
		getenv: os.Getenv,
		isTerminal: func() bool {
			return term.IsTerminal(os.Stdin.Fd()) && term.IsTerminal(os.Stdout.Fd())
		},
	}
}

// usageError is bad input or usage: the command exits 2 with its message.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// run dispatches a command line and returns the process exit code.
func run(args []string, e env) int {
	cmd, rest := "", args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, rest = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "":
		if len(rest) > 0 && (rest[0] == "-h" || rest[0] == "--help") {
			fmt.Fprint(e.stdout, usage)
			return exitOK
		}
		err = runUI(rest, e)
	case "help":
		fmt.Fprint(e.stdout, usage)
		return exitOK
	case "check":
		err = runCheck(rest, e)
	default:
		err = usagef("unknown command %q\n\n%s", sanitizeArg(cmd), usage)
	}
	return report(err, cmd, e.stderr)
}

// report prints err for a person and maps it to an exit code: the one
// place where errors become exit codes.
func report(err error, cmd string, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	prefix := "consent"
	if cmd != "" {
		prefix += " " + cmd
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "%s: %s\n", prefix, strings.TrimRight(ue.msg, "\n"))
		return exitUsage
	}
	var se *silentExit
	if errors.As(err, &se) {
		return se.code
	}
	fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
	return exitAPI
}

// silentExit ends a command with a code after it has already said why.
type silentExit struct{ code int }

func (e *silentExit) Error() string { return fmt.Sprintf("exit %d", e.code) }
