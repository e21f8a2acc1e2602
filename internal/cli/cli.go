// Package cli is Consent Desk's command line: one file per command (cobra),
// and report, the one place where an error becomes an exit code.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/consentdesk/consent/internal/privatefile"
	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/model"
)

// Exit codes, stable for scripts (DESIGN.md "Command line").
const (
	exitOK    = 0 // done
	exitAPI   = 1 // the API or the network failed
	exitUsage = 2 // bad input or usage
	// exitInterrupted is the UI's exit when the agent quit with ctrl+c
	// (or the process was interrupted), as shells expect of SIGINT.
	exitInterrupted = 130
)

// env is what a command reads from its surroundings, so tests can give
// their own.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// isTerminal reports whether the UI can run (stdin and stdout are a
	// terminal).
	isTerminal func() bool
	// stderrIsTerminal reports whether stderr is a terminal, where a
	// command says what it waits for; nil means it is not.
	stderrIsTerminal func() bool
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
		stderrIsTerminal: func() bool { return term.IsTerminal(os.Stderr.Fd()) },
	}
}

// app is what every command shares: its surroundings, the flags every
// command takes (--api-key, --account), and whether a command's own code
// was reached (an error before it is the command line's).
type app struct {
	e   env
	api apiFlags
	ran bool
	// accessible is --accessible: the UI as plain questions and answers.
	accessible bool
}

// runE wraps a command's code: it notes that the command line was parsed
// and accepted before the code ran.
func (a *app) runE(f func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		a.ran = true
		return f(cmd, args)
	}
}

// run executes a command line and returns the process exit code.
func run(ctx context.Context, args []string, e env) int {
	a := &app{e: e}
	root := newRootCmd(a)
	root.SetArgs(args)
	if len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd) {
		// A completion (the shell asking, on Tab) says nothing on
		// stderr, not even cobra's account of it.
		root.SetErr(io.Discard)
	}
	cmd, err := root.ExecuteContextC(ctx)
	if cmd == nil {
		cmd = root
	}
	if err != nil && !a.ran && !isTyped(err) {
		// Whatever cobra refused before the command ran (a flag group, a
		// required flag) is bad usage.
		err = usage.Errorf("%s\nusage: %s", model.SanitizeText(err.Error()), synopsis(cmd))
	}
	if err != nil && ctx.Err() != nil && !errors.Is(err, context.Canceled) {
		// Interrupted: the request failed because the command was (its
		// error may carry the signal as its cause, not context.Canceled).
		err = fmt.Errorf("%w: %w", context.Canceled, err)
	}
	return report(err, topName(cmd), e, wantsJSON(cmd, args))
}

// isTyped reports whether err is one of the errors report knows by type.
func isTyped(err error) bool {
	var ue *usage.Error
	var rf *refusal
	var se *silentExit
	var unsafe *privatefile.UnsafeError
	return errors.As(err, &ue) || errors.As(err, &rf) || errors.As(err, &se) || errors.As(err, &unsafe)
}

// topName is the name of the command under consent that cmd is or is part
// of ("history" for history retry), "" for consent itself: what a message
// is prefixed with.
func topName(cmd *cobra.Command) string {
	for cmd.HasParent() && cmd.Parent().HasParent() {
		cmd = cmd.Parent()
	}
	if !cmd.HasParent() {
		return ""
	}
	return cmd.Name()
}

// report prints err for a person on stderr and, under --json, as JSON on
// stdout, and maps it to an exit code: the one place where errors become
// exit codes.
func report(err error, cmd string, e env, asJSON bool) int {
	if err == nil {
		return exitOK
	}
	var se *silentExit
	if errors.As(err, &se) { // it said why already
		return se.code
	}
	prefix := "consent"
	if cmd != "" {
		prefix += " " + cmd
	}
	code, msg := exitAPI, ""
	var unsafe *privatefile.UnsafeError
	var ue *usage.Error
	var rf *refusal
	switch {
	case errors.As(err, &rf): // refused before anything was sent
		code, msg = exitUsage, rf.Error()
	case errors.As(err, &unsafe): // a file or directory others could read or change
		code, msg = exitUsage, sanitizeLines(err.Error())
	case errors.As(err, &ue):
		code, msg = exitUsage, strings.TrimRight(ue.Msg, "\n")
	case errors.Is(err, context.Canceled):
		msg = "interrupted"
	default:
		msg = sanitizeLines(err.Error())
	}
	fmt.Fprintf(e.stderr, "%s: %s\n", prefix, msg)
	var shown *shownInJSON
	if asJSON && !errors.As(err, &shown) {
		if rf != nil {
			_ = writeJSONLine(e.stdout, refusedJSON(rf))
		} else {
			_ = writeJSONLine(e.stdout, errorJSON{Status: "error", Error: msg, Exit: code})
		}
	}
	return code
}

// sanitizeLines sanitises each line of an error's text: several joined
// errors keep their line breaks.
func sanitizeLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = model.SanitizeText(l)
	}
	return strings.Join(lines, "\n  ")
}

// silentExit ends a command with a code after it has already said why.
type silentExit struct{ code int }

func (e *silentExit) Error() string { return fmt.Sprintf("exit %d", e.code) }

// shownInJSON is an error whose outcome the command's JSON output already
// says (check's lines for IDs that are not valid): report prints it for a
// person, and adds no JSON of its own.
type shownInJSON struct{ error }

func (e *shownInJSON) Unwrap() error { return e.error }

// Main runs the command line of os.Args with the process's environment and
// returns its exit code; SIGINT and SIGTERM cancel what it is doing.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, os.Args[1:], newEnv())
}
