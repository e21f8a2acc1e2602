// Command consent is Consent Desk: a terminal UI and command line with which
// support agents record and check marketing consent in Klaviyo, and see at
// once when SMS consent cannot be recorded for a number.
//
// Run without arguments for the UI; `consent help` lists the subcommands.
// The commands are in internal/cli.
package main

import (
	"os"

	"github.com/consentdesk/consent/internal/cli"
)

func main() { os.Exit(cli.Main()) }
