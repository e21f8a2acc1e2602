package importer

import "fmt"

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
