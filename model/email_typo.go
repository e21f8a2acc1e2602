package model

// commonDomains are the mail domains most addresses at a consumer brand's
// desk are at: a domain one slip away from one of them is likely a typo.
var commonDomains = []string{
	"gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "hotmail.com", "hotmail.co.uk",
	"outlook.com", "icloud.com", "live.com", "aol.com", "msn.com", "comcast.net",
	"protonmail.com", "proton.me", "gmx.com", "gmx.de", "web.de", "mail.com", "me.com", "mac.com",
	"btinternet.com", "verizon.net", "att.net", "sbcglobal.net", "bigpond.com", "orange.fr",
}

var isCommonDomain = func() map[string]bool {
	m := make(map[string]bool, len(commonDomains))
	for _, d := range commonDomains {
		m[d] = true
	}
	return m
}()

// likelyDomain is the common domain a lower-cased domain is one slip from
// (a letter wrong, missing, extra, or two swapped: "gmail.con", "gmial.com",
// "yaho.com"), or "" when it is one itself or near none. Short domains
// ("me.com") are one slip from many real ones, so a domain under seven
// characters is not matched.
func likelyDomain(domain string) string {
	if isCommonDomain[domain] || len(domain) < 7 {
		return ""
	}
	for _, d := range commonDomains {
		if len(d) >= 7 && oneSlip(domain, d) {
			return d
		}
	}
	return ""
}

// oneSlip reports whether a and b (ASCII compared bytewise) differ by one
// substitution, insertion, deletion or swap of neighbours.
func oneSlip(a, b string) bool {
	if a == b {
		return false
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	switch len(b) - len(a) {
	case 0:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		if a[i+1:] == b[i+1:] {
			return true // one substitution
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case 1:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		return a[i:] == b[i+1:]
	}
	return false
}
