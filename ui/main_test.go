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

// TestLocalZone: History says the zone its rows' times are in.
func TestLocalZone(t *testing.T) {
	defer func(l *time.Location) { time.Local = l }(time.Local)
	for _, tt := range []struct {
		loc  *time.Location
		want string
	}{{time.UTC, "UTC"}, {time.FixedZone("CET", 3600), "+01:00"}, {time.FixedZone("IST", 19800), "+05:30"}, {time.FixedZone("EST", -5*3600), "-05:00"}} {
		time.Local = tt.loc
		if got := localZone(); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.loc, got, tt.want)
		}
	}
}
