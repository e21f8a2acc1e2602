// Command consent is Consent Desk: a terminal UI and command line with which
// support agents record and check marketing consent in Klaviyo, and see at
// once when SMS consent cannot be recorded for a number.
//
// Run without arguments for the UI; `consent help` lists the subcommands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], newEnv())
	stop()
	os.Exit(code)
}
