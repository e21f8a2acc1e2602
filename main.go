// Command consent is Consent Desk: a terminal UI and command line with which
// support agents record and check marketing consent in Klaviyo, and see at
// once when SMS consent cannot be recorded for a number.
//
// Run without arguments for the UI; `consent help` lists the subcommands.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], newEnv()))
}
