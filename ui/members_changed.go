package ui

import (
	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
)

// ConsentChanged shows a member's new consent (after an unsubscribe, say):
// every row of profile p.ID the view keeps, in the list's pages and in the
// lookup's answer when one is shown, is replaced by p converted as a
// page's rows are, so the table shows what Klaviyo now holds. The join
// date is kept when p has none (a profile read on its own, not as a list
// member). A profile not shown changes nothing, nor does one read without
// its subscriptions: nothing is known of its consent.
func (v *membersView) ConsentChanged(p client.Profile) {
	id := model.SanitizeText(p.ID)
	if id == "" || p.Subscriptions == nil {
		return
	}
	var row *memberRow // converted once, at the first row of the profile
	for _, t := range []*memberRows{&v.all, v.found} {
		if t == nil {
			continue
		}
		for i := range t.rows {
			if t.rows[i].id != id {
				continue
			}
			if row == nil {
				r := newMemberRow(v.c.rules, v.list.ID, p)
				row = &r
			}
			joined := t.rows[i].joined
			t.rows[i] = *row
			if row.joined == "" {
				t.rows[i].joined = joined
			}
			t.widen(t.rows[i : i+1])
		}
	}
}

// memberLeft is the joined cell of a member who left the list since the
// page was read (an unsubscribe through it): the next read drops them.
const memberLeft = "left list"

// ListLeft marks profile id as no longer a member when listID is this
// view's list: the row stays (the window's pages keep their places) but
// says so instead of its join date.
func (v *membersView) ListLeft(profileID, listID string) {
	if listID != v.list.ID {
		return
	}
	id := model.SanitizeText(profileID)
	for _, t := range []*memberRows{&v.all, v.found} {
		if t == nil {
			continue
		}
		for i := range t.rows {
			if t.rows[i].id == id {
				t.rows[i].joined = memberLeft
			}
		}
	}
}
