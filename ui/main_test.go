package ui

import (
	"os"
	"testing"
	"time"
)

// TestMain runs the UI's tests in UTC: the screens they compare show
// times in the local zone, which would otherwise be the machine's.
func TestMain(m *testing.M) {
	time.Local = time.UTC
	os.Exit(m.Run())
}
