package accessible

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/model"
)

// readLists reads the account's lists once.
func (s *session) readLists() error {
	if s.listsRead {
		return nil
	}
	s.say("Reading the lists...")
	lists, err := s.o.Client.Lists(s.ctx)
	if err != nil {
		return err
	}
	s.lists, s.listsRead = lists, true
	return nil
}

// chooseList prints the numbered lists with their opt-in process and asks
// for one by number, id or exact name (Enter: the default list, when there
// is one). nil, nil when there is no list to choose.
func (s *session) chooseList(prompt string) (*client.List, error) {
	if err := s.readLists(); err != nil {
		s.say("The lists could not be read: " + model.SanitizeText(err.Error()))
		return nil, nil
	}
	if len(s.lists) == 0 {
		s.say("This account has no lists.")
		return nil, nil
	}
	var def *client.List
	for i := range s.lists {
		l := &s.lists[i]
		if s.o.DefaultList != "" && (l.ID == s.o.DefaultList || l.Name == s.o.DefaultList) {
			def = l
		}
		s.say(model.SanitizeText(fmt.Sprintf("  %d. %s (%s, %s)", i+1, l.Name, l.ID, l.OptInName())))
	}
	if def != nil {
		prompt += model.SanitizeText(" (Enter: " + def.Name + ")")
	}
	for {
		a, err := s.ask(prompt)
		if err != nil {
			return nil, err
		}
		if a == "" && def != nil {
			s.say("List: " + model.SanitizeText(def.Name) + ".")
			return def, nil
		}
		if l := s.findList(a); l != nil {
			s.say(model.SanitizeText(fmt.Sprintf("List: %s (%s).", l.Name, l.OptInName())))
			return l, nil
		}
		s.say(fmt.Sprintf("No list is numbered or named %q: answer a number from 1 to %d, or a list's exact name.", model.SanitizeShort(a, 60), len(s.lists)))
	}
}

// findList is the list numbered, identified or exactly named a.
func (s *session) findList(a string) *client.List {
	if n, err := strconv.Atoi(a); err == nil && n >= 1 && n <= len(s.lists) {
		return &s.lists[n-1]
	}
	for i := range s.lists {
		if s.lists[i].ID == a || s.lists[i].Name == a {
			return &s.lists[i]
		}
	}
	return nil
}

// check asks for a phone number or an email address and says, as plain
// lines, what it is and the consent of every profile that has it.
func (s *session) check() error {
	a, err := s.ask("Phone or email to check?")
	if err != nil || a == "" {
		return err
	}
	var profiles []client.Profile
	var lookErr error
	if strings.Contains(a, "@") {
		e := model.AnalyzeEmail(a)
		if !e.Valid {
			s.say("Email: ✗ " + model.SanitizeText(e.Reason) + ".")
			return nil
		}
		s.say("Email: ✓ " + model.SanitizeText(e.Normalized))
		profiles, lookErr = s.o.Client.LookupEmail(s.ctx, e.Normalized)
	} else {
		p := s.o.Rules.Analyze(a)
		s.say("Phone: " + PhoneLine(p, false))
		if !p.Valid {
			return nil
		}
		profiles, lookErr = s.o.Client.LookupPhone(s.ctx, p.E164)
	}
	if lookErr != nil {
		s.say("The profile could not be read: " + model.SanitizeText(lookErr.Error()))
		return nil
	}
	if len(profiles) == 0 {
		s.say("Profile: none found.")
	}
	for _, p := range profiles {
		s.sayProfile("Profile", p)
	}
	return nil
}

// sayProfile says a profile's id and who it is after what, then each
// channel's consent on a line.
func (s *session) sayProfile(what string, p client.Profile) {
	s.say(model.SanitizeText(what + " " + p.ID + ": " + strings.Join(strings.Fields(strings.Join([]string{p.Name(), p.Email, p.PhoneNumber}, " ")), " ")))
	for _, ch := range model.Channels {
		line := "not reported"
		if cc := p.Subscriptions.Channel(ch); cc.Present {
			line = present.ChannelFacts(cc).Line()
		}
		s.say("  " + ch.Label() + ": " + model.SanitizeText(line))
	}
}

// membersPage is how many members are printed at a time.
const membersPage = 20

// members prints a list's members a page at a time, oldest first, asking
// "More?" between pages.
func (s *session) members() error {
	list, err := s.chooseList("Which list?")
	if err != nil || list == nil {
		return err
	}
	q := client.MembersQuery{PageSize: membersPage}
	n := 0
	for {
		page, err := s.o.Client.Members(s.ctx, list.ID, q)
		if err != nil {
			s.say("The members could not be read: " + model.SanitizeText(err.Error()))
			return nil
		}
		for _, p := range page.Profiles {
			n++
			s.say(model.SanitizeText(fmt.Sprintf("  %d. %s · %s · %s · joined %s", n,
				present.OrDash(p.Email), present.OrDash(p.PhoneNumber), present.OrDash(p.Name()), present.OrDash(present.Date(p.JoinedGroupAt)))))
		}
		if n == 0 {
			s.say("No members.")
		}
		if page.Next == "" {
			s.say(fmt.Sprintf("End of the list: %s %s.", present.Count(n), present.Plural(n, "member", "members")))
			return nil
		}
		more, err := s.yesNo("More?", false)
		if err != nil || !more {
			return err
		}
		q.Next = page.Next
	}
}

// historyShown is how many journal entries history prints.
const historyShown = 20

// history prints the newest journal entries, one line each.
func (s *session) history() {
	if s.o.History == nil {
		s.say("No history here.")
		return
	}
	entries, err := s.o.History.Entries()
	if err != nil {
		s.say("The journal could not be read: " + model.SanitizeText(err.Error()))
		return
	}
	if len(entries) == 0 {
		s.say("History: nothing yet.")
		return
	}
	s.say(fmt.Sprintf("History: %d %s, newest first.", len(entries), present.Plural(len(entries), "entry", "entries")))
	for i, e := range entries {
		if i == historyShown {
			s.say(fmt.Sprintf("... and %d more: consent history lists them all.", len(entries)-historyShown))
			break
		}
		who := strings.Trim(e.Request.Email+", "+e.Request.Phone, ", ")
		s.say(model.SanitizeText(fmt.Sprintf("  %s · %s · %s %s · %s", e.ID, present.Stamp(e.At.Local(), "2006-01-02 15:04"), e.Action, who, e.State.Label())))
	}
}
