package ui

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/consentdesk/consent/client"
)

// listCache is the account's lists as the picker last read them, every
// page of them: the picker opens on them rather than reading every page
// again (ctrl+r reads them again), and History names lists by them.
type listCache struct {
	lists []client.List
	// complete is set once every page was read; a partial read (an error,
	// links that would never end) is not kept.
	complete bool
	names    map[string]string
}

// keep remembers lists as the whole of the account's lists.
func (lc *listCache) keep(lists []client.List) {
	lc.lists, lc.complete = append([]client.List(nil), lists...), true
	lc.names = make(map[string]string, len(lists))
	for _, l := range lists {
		lc.names[l.ID] = l.Name
	}
}

// name is list id's name, when the lists were loaded.
func (lc *listCache) name(id string) (string, bool) {
	n, ok := lc.names[id]
	return n, ok && n != ""
}

// dashes are the characters a filter reads as "-": hyphens, dashes and
// minus signs that a name may hold where the agent types a hyphen.
var dashes = strings.NewReplacer("\u2010", "-", "\u2011", "-", "\u2012", "-", "\u2013", "-", "\u2014", "-", "\u2015", "-", "\u2212", "-", "\ufe63", "-", "\uff0d", "-")

// foldForMatch is s as a filter compares it: lower-cased, every dash a
// "-", accents dropped (canonical decomposition, without the combining
// marks), so that "cafe - ete" finds "Café – Été". Plain ASCII, the usual
// case, is only lower-cased.
func foldForMatch(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	s = dashes.Replace(norm.NFD.String(s))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return norm.NFC.String(b.String())
}
