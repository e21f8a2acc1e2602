// Command startupbaseline is the start-up baseline of BENCHMARKS.md: a
// program that only imports phonenumbers, reads one number and prints its
// region. Consent Desk's own start to first frame is measured beside it.
package main

import (
	"fmt"
	"os"

	"github.com/nyaruka/phonenumbers"
)

func main() {
	n, err := phonenumbers.Parse("+386 31 234 567", "ZZ")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("region", phonenumbers.GetRegionCodeForNumber(n))
}
