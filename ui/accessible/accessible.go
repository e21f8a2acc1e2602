// Package accessible is Consent Desk's accessible mode: the terminal UI's
// work as a linear program over plain text streams, for screen readers,
// braille displays, TERM=dumb and pipes. There is no alternate screen, no
// box drawing, no spinner, no cursor movement and no escape sequence at
// all: each question is one line (Email?, Phone?, y/n, a list by number or
// name), each answer is followed by one plain line saying what it means,
// and a change goes through desk.Desk as the UI's form sends it.
package accessible

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// Options are what the accessible mode reads, writes and talks to.
type Options struct {
	In  io.Reader
	Out io.Writer
	// Client reads lists, profiles and members.
	Client *client.Client
	// Desk makes every change: journal first, send once, read back.
	Desk *desk.Desk
	// Rules analyse phone numbers, as the form does.
	Rules model.PhoneRules
	// History is the journal, for the history item.
	History journal.Store
	// DefaultList is the account's default list (id or exact name), offered
	// when the list is asked for.
	DefaultList string
	// Backend names what the session talks to ("SANDBOX · revision …").
	Backend string
}

// ErrInputEnded is Run's error when the input ended in the middle of a
// change: nothing was sent (and it was said).
var ErrInputEnded = errors.New("the input ended before the change was sent: nothing was sent")

// errEOF is an ask's error when the input ends.
var errEOF = errors.New("end of input")

// session is one run: the streams and what was read once.
type session struct {
	ctx   context.Context
	o     Options
	in    *bufio.Reader
	out   io.Writer
	lists []client.List
	// listsRead is set once lists holds the account's lists.
	listsRead bool
}

// maxLine bounds one answer: more than any email, number or list name.
const maxLine = 4096

// Run runs the accessible mode until the agent quits or the input ends at
// the menu (nil), or it ends in the middle of a change (ErrInputEnded).
func Run(ctx context.Context, o Options) error {
	if o.Rules.Policy == nil {
		o.Rules.Policy = model.DefaultSMSPolicy()
	}
	s := &session{ctx: ctx, o: o, in: bufio.NewReader(o.In), out: o.Out}
	head := "Consent Desk, accessible mode"
	if o.Backend != "" {
		head += ": " + model.SanitizeText(o.Backend)
	}
	s.say(head + ".")
	for {
		s.say("Menu: 1 subscribe (s), 2 check (c), 3 members (m), 4 history (h), 5 import a sheet (i), 6 quit (q).")
		choice, err := s.ask("Choose:")
		if err != nil {
			s.say("Input ended. Goodbye.")
			return nil
		}
		switch strings.ToLower(choice) {
		case "1", "s", "subscribe":
			if err := s.subscribe(); errors.Is(err, errEOF) {
				s.say("Input ended: nothing was sent.")
				return ErrInputEnded
			}
		case "2", "c", "check":
			if err := s.check(); errors.Is(err, errEOF) {
				s.say("Input ended. Goodbye.")
				return nil
			}
		case "3", "m", "members":
			if err := s.members(); errors.Is(err, errEOF) {
				s.say("Input ended. Goodbye.")
				return nil
			}
		case "4", "h", "history":
			s.history()
		case "5", "i", "import":
			if err := s.importSheet(); errors.Is(err, errEOF) {
				s.say("Input ended: nothing was sent.")
				return ErrInputEnded
			}
		case "6", "q", "quit", "exit":
			s.say("Goodbye.")
			return nil
		case "":
		default:
			s.say(fmt.Sprintf("%q is not on the menu: answer a number from 1 to 6 or its letter.", model.SanitizeShort(choice, 40)))
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// say writes one line.
func (s *session) say(line string) { fmt.Fprintln(s.out, line) }

// ask writes a prompt and reads one line, trimmed; errEOF when the input
// ended (a last line without a newline is still an answer).
func (s *session) ask(prompt string) (string, error) {
	fmt.Fprint(s.out, prompt+" ")
	line, err := s.in.ReadString('\n')
	if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
		fmt.Fprintln(s.out)
		return "", errEOF
	}
	if err != nil {
		fmt.Fprintln(s.out) // the answer had no newline: end the prompt's line
	}
	if len(line) > maxLine {
		line = line[:maxLine]
	}
	return strings.TrimSpace(line), nil
}

// yesNo asks a y/n question until it is answered; an empty answer is def.
func (s *session) yesNo(prompt string, def bool) (bool, error) {
	hint := " y/N"
	if def {
		hint = " Y/n"
	}
	for {
		a, err := s.ask(prompt + hint)
		if err != nil {
			return false, err
		}
		switch strings.ToLower(a) {
		case "":
			return def, nil
		case "y", "yes":
			return true, nil
		case "n", "no":
			return false, nil
		}
		s.say("Answer y for yes or n for no.")
	}
}
