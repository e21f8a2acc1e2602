package model

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// nonGeographic is libphonenumber's region code for numbers that belong to
// no country (+800 freephone, +882 networks, ...).
const nonGeographic = "001"

// CountryName returns the English name of an ISO 3166 region code ("SI" →
// "Slovenia"), or the code itself when it has no name.
func CountryName(region string) string {
	if region == nonGeographic {
		return "International (non-geographic)"
	}
	r, err := language.ParseRegion(region)
	if err != nil {
		return region
	}
	if name := display.English.Regions().Name(r); name != "" && name != "Unknown Region" {
		return name
	}
	return region
}

// ParseRegion validates a region code as one libphonenumber knows ("us" and
// " US " are accepted as "US") and returns it upper-cased.
func ParseRegion(raw string) (string, error) {
	code := strings.ToUpper(strings.TrimSpace(raw))
	if code == "" {
		return "", fmt.Errorf("empty region code: use a two-letter ISO code such as US or GB")
	}
	if !phoneMeta().regions[code] {
		return "", fmt.Errorf("unknown region %q: use a two-letter ISO code such as US or GB", SanitizeShort(raw, maxQuote))
	}
	return code, nil
}

// phoneMetadata is what the analyser needs from libphonenumber's metadata,
// indexed once: which regions exist, the longest national number of each
// calling code, and each region's leading-digit pattern for calling codes
// shared by several regions (+1 787 is Puerto Rico).
type phoneMetadata struct {
	regions  map[string]bool
	maxNSN   map[int]int
	leading  map[int][]regionPattern
	mainOfCC map[int]string
}

type regionPattern struct {
	region  string
	pattern *regexp.Regexp
}

var phoneMeta = sync.OnceValue(func() *phoneMetadata {
	m := &phoneMetadata{
		regions:  map[string]bool{},
		maxNSN:   map[int]int{},
		leading:  map[int][]regionPattern{},
		mainOfCC: map[int]string{},
	}
	for r := range phonenumbers.GetSupportedRegions() {
		m.regions[r] = true
	}
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return m
	}
	for _, md := range coll.GetMetadata() {
		cc := int(md.GetCountryCode())
		for _, l := range md.GetGeneralDesc().GetPossibleLength() {
			m.maxNSN[cc] = max(m.maxNSN[cc], int(l))
		}
		if md.GetId() == nonGeographic {
			continue
		}
		if md.GetMainCountryForCode() {
			m.mainOfCC[cc] = md.GetId()
		}
		if ld := md.GetLeadingDigits(); ld != "" {
			if re, err := regexp.Compile("^(?:" + ld + ")"); err == nil {
				m.leading[cc] = append(m.leading[cc], regionPattern{md.GetId(), re})
			}
		}
	}
	return m
})

// countryCodeOf finds the calling code at the start of digits (typed after a
// "+"). It returns the code and the digits after it; ok is false when no
// prefix of up to three digits is a calling code.
func countryCodeOf(digits string) (cc int, rest string, ok bool) {
	for n := 1; n <= 3 && n <= len(digits); n++ {
		c := atoi(digits[:n])
		if phonenumbers.GetRegionCodeForCountryCode(c) != "ZZ" {
			return c, digits[n:], true
		}
	}
	return 0, digits, false
}

// guessRegion names the region an incomplete national number under calling
// code cc most likely belongs to, or "" when it cannot tell yet. A calling
// code with one region names it at once; a shared one (+1, +44, +7, ...) is
// decided by the regions' leading digits ("787" → PR), then by completing the
// number with filler digits and asking libphonenumber ("416" → CA).
func guessRegion(cc int, nsn string) string {
	if len(phonenumbers.GetRegionCodesForCountryCode(cc)) <= 1 {
		if r := phonenumbers.GetRegionCodeForCountryCode(cc); r != "ZZ" {
			return r
		}
		return ""
	}
	meta := phoneMeta()
	for _, rp := range meta.leading[cc] {
		if rp.pattern.MatchString(nsn) {
			return rp.region
		}
	}
	if len(nsn) < 3 {
		return ""
	}
	const filler = "2345678901234567"
	want := meta.maxNSN[cc]
	if want <= len(nsn) || want-len(nsn) > len(filler) {
		return ""
	}
	num := &phonenumbers.PhoneNumber{}
	if err := phonenumbers.ParseToNumber(fmt.Sprintf("+%d%s%s", cc, nsn, filler[:want-len(nsn)]), "ZZ", num); err != nil {
		return ""
	}
	if !phonenumbers.IsValidNumber(num) {
		return ""
	}
	return phonenumbers.GetRegionCodeForNumber(num)
}

func atoi(digits string) int {
	n := 0
	for _, d := range digits {
		n = n*10 + int(d-'0')
	}
	return n
}

// RegionOfCountry reads a sheet's country cell: a two-letter code ("si",
// "SI") or an English country name ("Slovenia", "united kingdom"), and
// returns the region code; ok is false when it is neither.
func RegionOfCountry(s string) (region string, ok bool) {
	s = strings.TrimSpace(s)
	if code, err := ParseRegion(s); err == nil {
		return code, true
	}
	code, ok := countryRegions()[strings.ToLower(s)]
	return code, ok
}

// countryRegions maps each region's English name, lower-cased, to its code.
var countryRegions = sync.OnceValue(func() map[string]string {
	m := map[string]string{"uk": "GB", "great britain": "GB", "usa": "US", "united states of america": "US"}
	for code := range phoneMeta().regions {
		if name := CountryName(code); name != code {
			m[strings.ToLower(name)] = code
		}
	}
	return m
})
