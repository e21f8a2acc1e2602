package sandbox

import (
	"database/sql"
	"fmt"
	"os"
	"testing"
)

// sqlTx shortens benchmark signatures.
type sqlTx = sql.Tx

// benchState is the benchmarks' shared database; see benchDB.
var benchState benchDB

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "consent-sandbox-bench-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	benchState.dir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
