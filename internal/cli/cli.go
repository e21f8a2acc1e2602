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

// usage lists the subcommands; it is printed for help and for bad usage.
const usageText = `Consent Desk: record and check marketing consent in Klaviyo.

Usage:
  consent                         the terminal UI
  consent check [--json] [--region CC] ID...
                                  can SMS consent be recorded for these phone numbers
                                  or emails, why not, and their profiles' consent
  consent subscribe --list ID [--email E] [--phone P] [--email-marketing]
                    [--sms-marketing] [--sms-transactional] [--source TEXT] [--json]
                                  subscribe one person, then verify what Klaviyo recorded
  consent unsubscribe [--list ID] [--email E] [--phone P] [channel flags] [--json]
                                  revoke consent on the given channels, then verify
  consent lists [--json]          every list, with its opt-in process
  consent members LIST_ID [--json] [--limit N]
                                  a list's members with their consent (streams)
  consent history [--json]        every subscribe and unsubscribe made here, newest first
  consent history retry (ID... | --all) [--wait D]
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
  consent help                    this text

Backend: --api-key, else KLAVIYO_API_KEY, else the account chosen by --account,
KLAVIYO_ACCOUNT or default_account in config.toml, else the embedded sandbox
(demo data, under $CONSENT_HOME). KLAVIYO_API_URL overrides https://a.klaviyo.com.
Configuration: $CONSENT_HOME/config.toml (default ~/.config/consent-desk/config.toml).
Exit codes: 0 done, 1 the API or the network failed, 2 bad input or usage
(the UI: 130 when quit with ctrl+c).
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

// run dispatches a command line and returns the process exit code.
func run(ctx context.Context, args []string, e env) int {
	cmd, rest := "", args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, rest = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "":
		if len(rest) > 0 && (rest[0] == "-h" || rest[0] == "--help") {
			fmt.Fprint(e.stdout, usageText)
			return exitOK
		}
		err = runUI(ctx, rest, e)
	case "help":
		fmt.Fprint(e.stdout, usageText)
		return exitOK
	case "check":
		err = runCheck(ctx, rest, e)
	case "subscribe":
		err = runConsentChange(ctx, rest, e, true)
	case "unsubscribe":
		err = runConsentChange(ctx, rest, e, false)
	case "lists":
		err = runLists(ctx, rest, e)
	case "members":
		err = runMembers(ctx, rest, e)
	case "sandbox":
		err = runSandbox(ctx, rest, e)
	case "history":
		err = runHistory(ctx, rest, e)
	default:
		err = usage.Errorf("unknown command %q\n\n%s", sanitizeArg(cmd), usageText)
	}
	if err != nil && ctx.Err() != nil && !errors.Is(err, context.Canceled) {
		// Interrupted: the request failed because the command was (its
		// error may carry the signal as its cause, not context.Canceled).
		err = fmt.Errorf("%w: %w", context.Canceled, err)
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
	var unsafe *privatefile.UnsafeError
	if errors.As(err, &unsafe) { // a file or directory others could read or change
		fmt.Fprintf(stderr, "%s: %s\n", prefix, sanitizeLines(err.Error()))
		return exitUsage
	}
	var ue *usage.Error
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "%s: %s\n", prefix, strings.TrimRight(ue.Msg, "\n"))
		return exitUsage
	}
	var se *silentExit
	if errors.As(err, &se) {
		return se.code
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "%s: interrupted\n", prefix)
		return exitAPI
	}
	fmt.Fprintf(stderr, "%s: %s\n", prefix, sanitizeLines(err.Error()))
	return exitAPI
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

// Main runs the command line of os.Args with the process's environment and
// returns its exit code; SIGINT and SIGTERM cancel what it is doing.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, os.Args[1:], newEnv())
}
