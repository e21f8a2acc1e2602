package ui

import (
	"slices"
	"strings"

	"github.com/consentdesk/consent/model"
)

// phoneRules are the rules the form reads its phone with: the account's,
// with the region chosen with ctrl+r as the default region when the
// account sets none, and the app's clock to check a back-date against.
func (v *formView) phoneRules() model.PhoneRules {
	r := v.c.rules
	if r.DefaultRegion == "" && v.region != "" {
		r.DefaultRegion = v.region
	}
	if r.Now == nil {
		r.Now = v.c.now // the clock a back-date must not be after
	}
	return r
}

// regionOffer is the region ctrl+r would read the phone as, "" when there
// is nothing to offer: the phone field has a number typed without "+" (nor
// "00") and the account sets no default region. It goes through the SMS
// policy's countries in order, after the one chosen last, and round.
func (v *formView) regionOffer() string {
	text := strings.TrimSpace(v.phone.Value())
	if v.focus != fieldPhone || v.c.rules.DefaultRegion != "" || v.c.rules.Policy == nil || text == "" ||
		strings.HasPrefix(text, "+") || strings.HasPrefix(text, "＋") || (v.region == "" && strings.HasPrefix(text, "00")) {
		return ""
	}
	regions := offerOrder(v.c.rules.Policy.Regions())
	if len(regions) == 0 {
		return ""
	}
	for i, r := range regions {
		if r == v.region {
			return regions[(i+1)%len(regions)]
		}
	}
	return regions[0]
}

// firstOffered are offered first, in this order, when the policy has them:
// the countries most numbers typed without + are from; the policy's others
// follow in its (alphabetical) order.
var firstOffered = []string{"US", "CA", "GB", "AU", "IE", "NZ"}

// offerOrder is regions with firstOffered first.
func offerOrder(regions []string) []string {
	out := make([]string, 0, len(regions))
	for _, r := range firstOffered {
		if slices.Contains(regions, r) {
			out = append(out, r)
		}
	}
	for _, r := range regions {
		if !slices.Contains(firstOffered, r) {
			out = append(out, r)
		}
	}
	return out
}

// readAs reads the phone as a number of region from now on, for this
// entry, and says so in the notice.
func (v *formView) readAs(region string) {
	v.region = region
	v.phoneA = v.phoneRules().Analyze(v.phone.Value())
	v.notice = "Phone read as a number of " + model.CountryInSentence(region) + " (" + region + "): ctrl+r again for the next SMS country."
	v.recheck()
}
