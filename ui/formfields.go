package ui

import (
	"fmt"

	"github.com/consentdesk/consent/model"
)

// fieldFor is the form field a problem is about.
func fieldFor(field string) formField {
	switch field {
	case "email":
		return fieldEmail
	case "phone":
		return fieldPhone
	case "channels":
		return fieldEmailMarketing
	case "list":
		return fieldList
	}
	return offlineFieldFor(field)
}

// toggleView renders one consent toggle, with why an SMS one is disabled.
func (v *formView) toggleView(ch model.Channel) string {
	s := v.c.styles
	box := "[ ]"
	if v.on[ch] {
		box = "[x]"
	}
	if !ch.IsSMS() {
		return box
	}
	why := v.smsBlocked()
	switch {
	case why == "":
		return box
	case v.on[ch]:
		return s.Bad.Render(box + " blocked: " + why)
	}
	return s.Muted.Render("[-] disabled: " + why)
}

// listView renders the chosen list, or how to choose one.
func (v *formView) listView() string {
	s := v.c.styles
	if v.list == nil {
		return s.Muted.Render("none yet — enter to pick")
	}
	return fmt.Sprintf("%s (%s) · %s", model.SanitizeText(v.list.Name), model.SanitizeText(v.list.ID), v.list.OptInName()) +
		s.Muted.Render("  enter to change")
}
