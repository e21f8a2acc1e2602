// Package usage is the error of bad input or usage: the command line maps
// it to exit code 2 with its message, whichever package found it (the
// configuration, the backend's set-up, a command's flags).
package usage

import "fmt"

// Error is bad input or usage, in a sentence that says what to fix.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// Errorf is an Error with a formatted message.
func Errorf(format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...)}
}

// Wrap is err as an Error, keeping its message.
func Wrap(err error) error {
	if err == nil {
		return nil
	}
	return &Error{Msg: err.Error()}
}
