package importer

import (
	"fmt"
	"time"
)

// DateFormats are the --date-format names a sheet's dates may be given in,
// and their Go layouts.
var DateFormats = map[string]string{
	"YYYY-MM-DD": "2006-01-02", "DD/MM/YYYY": "02/01/2006", "MM/DD/YYYY": "01/02/2006",
	"DD.MM.YYYY": "02.01.2006", "DD-MM-YYYY": "02-01-2006", "YYYY/MM/DD": "2006/01/02",
	"DD/MM/YYYY HH:MM": "02/01/2006 15:04", "MM/DD/YYYY HH:MM": "01/02/2006 15:04", "DD.MM.YYYY HH:MM": "02.01.2006 15:04",
}

// DateLayout is the Go layout of a --date-format name ("DD/MM/YYYY"), or an
// error naming the ones there are.
func DateLayout(format string) (string, error) {
	if layout, ok := DateFormats[format]; ok {
		return layout, nil
	}
	return "", fmt.Errorf("unknown date format %q: use one of YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY, DD-MM-YYYY, YYYY/MM/DD (optionally with HH:MM)", format)
}

// consentFloor is the earliest consent date Klaviyo takes.
var consentFloor = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// consentDateProblem says why at cannot be a consent date, "" when it can.
func consentDateProblem(at, now time.Time) string {
	switch {
	case at.After(now):
		return fmt.Sprintf("the consent date %s is in the future", at.Format("2006-01-02 15:04"))
	case at.Before(consentFloor):
		return fmt.Sprintf("the consent date %s is before 1990-01-01, the earliest Klaviyo takes", at.Format("2006-01-02"))
	}
	return ""
}

// parseConsentDate reads a consent date cell in layout ("" for the usual
// forms), a date without a zone being in loc.
func parseConsentDate(text, layout string, loc *time.Location) (time.Time, error) {
	layouts := []string{layout}
	if layout == "" {
		layouts = []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"}
	}
	for _, l := range layouts {
		if t, err := time.ParseInLocation(l, text, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("the consent date %q cannot be read: give it as 2026-03-14 or 2026-03-14 15:04, or say its format with --date-format", text)
}
