package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/model"
)

// formChoice is the agent's answer to a guard's refusal (guardView): send
// to the email's profile although the number is on another, or lift an
// SMS opt-out on new evidence. It holds for the email and number it was
// made for only: once either is changed, the next submit is guarded
// afresh.
type formChoice struct {
	email, phone  string
	chosenProfile string
	override      *model.Override
	// people are the profiles the guard found, reused by the next submit
	// for the same person instead of looking them up again.
	people *desk.People
}

// holds reports whether the choice was made for r's email and number.
func (c formChoice) holds(r model.ConsentRequest) bool {
	return (c.chosenProfile != "" || c.override != nil) && c.email == r.Email && c.phone == r.Phone
}

// apply puts the choice into r when it was made for r's person.
func (c formChoice) apply(r *model.ConsentRequest) {
	if !c.holds(*r) {
		return
	}
	if c.chosenProfile != "" {
		r.ChosenProfile = c.chosenProfile
	}
	if c.override != nil {
		o := *c.override
		r.Override = &o
	}
}

// known is the people the guard found for r's person (r as the form
// holds it), nil when the choice is not for them.
func (c formChoice) known(r model.ConsentRequest) *desk.People {
	if !c.holds(r) {
		return nil
	}
	return c.people
}

// guardChosen records the agent's choice on the guard and submits again.
// A choice adds to one made before for the same person: two profiles and
// an opt-out can both stand in the way.
func (v *formView) guardChosen(m guardChoiceMsg) tea.Cmd {
	email, phone := v.email.Value(), v.phone.Value()
	if v.choice.email != email || v.choice.phone != phone {
		v.choice = formChoice{email: email, phone: phone}
	}
	if m.chosenProfile != "" {
		v.choice.chosenProfile = m.chosenProfile
	}
	if m.override != nil {
		v.choice.override = m.override
	}
	v.choice.people = m.people
	return v.submit()
}
