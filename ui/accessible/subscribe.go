package accessible

import (
	"errors"
	"fmt"
	"strings"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// subscribe asks for one person's consent, question by question, and
// sends it only after "Send? y/N" is answered yes. Bad input is asked
// again with the reason; what was answered before is kept.
func (s *session) subscribe() error {
	s.say("Subscribe. Leave an answer blank to skip it.")
	var email, phone string
	var phoneA model.PhoneAnalysis
	for email == "" && phone == "" {
		var err error
		if email, err = s.askEmail(); err != nil {
			return err
		}
		if phone, phoneA, err = s.askPhone(email != ""); err != nil {
			return err
		}
		if email == "" && phone == "" {
			s.say("Give an email address or a phone number.")
		}
	}
	channels, err := s.askChannels(email, phone, phoneA)
	if err != nil {
		return err
	}
	if len(channels) == 0 {
		s.say("No channel chosen: nothing to send.")
		return nil
	}
	list, err := s.chooseList("List?")
	if err != nil || list == nil {
		return err
	}
	req := model.ConsentRequest{Email: email, Phone: phone, Channels: channels, ListID: list.ID, Source: present.Source}
	if req.Offline, err = s.askOffline(); err != nil {
		return err
	}
	checked, problems := req.Check(s.o.Rules)
	if len(problems) > 0 {
		s.say("Not sent: " + model.SanitizeText(model.JoinProblems(problems)) + ".")
		return nil
	}
	s.say(summary(checked, *list))
	if checked.Offline != nil {
		for _, f := range present.OfflineFacts(*checked.Offline) {
			s.say("Entered later: " + model.SanitizeText(f) + ".")
		}
		for _, w := range present.BackDateWarnings(list) {
			s.say("Warning: " + w)
		}
	}
	send, err := s.yesNo("Send?", false)
	if err != nil {
		return err
	}
	if !send {
		s.say("Not sent.")
		return nil
	}
	var people *desk.People
	for {
		s.say("Sending, then reading back what Klaviyo recorded (up to 30 seconds)...")
		out := s.o.Desk.Submit(s.ctx, journal.ActionSubscribe, checked, list, desk.SubmitOptions{People: people})
		if !desk.IsGuardRefusal(out.Err) {
			s.outcome(out)
			return nil
		}
		again, err := s.guarded(out, &checked)
		if err != nil || !again {
			return err
		}
		people = out.People
	}
}

// guarded says why the guard refused a subscribe and asks for the agent's
// choice: for two profiles, both, and whether to send as typed to the
// email's; for an SMS opt-out, new evidence. again reports whether req
// (amended) is to be sent again.
func (s *session) guarded(out desk.Outcome, req *model.CheckedRequest) (again bool, err error) {
	var ce *desk.ConflictError
	if errors.As(out.Err, &ce) {
		s.say("Not sent: the email and the phone number are on two different profiles. " + model.SanitizeText(ce.Words) + ".")
		s.sayProfile("The email's profile", *ce.People.ByEmail)
		s.sayProfile("The number's profile", *ce.People.ByPhone)
		yes, err := s.yesNo("Send as typed to "+ce.People.ByEmail.ID+", the email's profile? SMS consent would not be recorded.", false)
		if err != nil || !yes {
			s.say("Not sent. Subscribe again with another email or number to change the input.")
			return false, err
		}
		req.ChosenProfile = ce.People.ByEmail.ID
		return true, nil
	}
	if optOuts := desk.OptOutsIn(out.Err); len(optOuts) > 0 {
		for _, oe := range optOuts {
			s.say(fmt.Sprintf("Not sent: %s opted out of %s (%s%s).",
				model.SanitizeText(oe.Profile.PhoneNumber), oe.Channel.Label(), model.SanitizeText(oe.How), present.SinceDate(oe.Since)))
		}
		s.say("SMS consent is given again only with new evidence: " + model.OverrideNeeds + ".")
		o, err := s.askEvidence("Collected by? (who took the new consent, and how, such as Dana, phone call)")
		if err != nil {
			return false, err
		}
		if !o.Enough() {
			s.say("Not sent: that is not enough evidence to lift the opt-out.")
			return false, nil
		}
		req.Override = &o
		return true, nil
	}
	return false, nil
}

// askEmail asks for an email address until it is valid or blank.
func (s *session) askEmail() (string, error) {
	for {
		a, err := s.ask("Email?")
		if err != nil || a == "" {
			return "", err
		}
		e := model.AnalyzeEmail(a)
		if e.Valid {
			s.say("Email: ✓ " + model.SanitizeText(e.Normalized))
			return a, nil
		}
		s.say("Email: ✗ " + model.SanitizeText(e.Reason) + ". Type it again, or leave it blank.")
	}
}

// askPhone asks for a phone number until it is a valid number or blank,
// saying after each answer what the number is and whether SMS consent can
// be recorded for it, in the UI's words.
func (s *session) askPhone(sendsEmail bool) (string, model.PhoneAnalysis, error) {
	for {
		a, err := s.ask("Phone?")
		if err != nil || a == "" {
			return "", model.PhoneAnalysis{}, err
		}
		p := s.o.Rules.Analyze(a)
		s.say("Phone: " + PhoneLine(p, sendsEmail))
		if p.Valid {
			return a, p, nil
		}
		s.say("Type the number again (with its country code, +44 …), or leave it blank.")
	}
}

// PhoneLine is the live phone line of the UI's form as one plain line: the
// number as read, its country and type, and whether SMS consent can be
// recorded and why, marked ✓, ✗ or … .
func PhoneLine(a model.PhoneAnalysis, sendsEmail bool) string {
	verdict, _ := present.PhoneVerdict(a, sendsEmail)
	return model.SanitizeText(strings.Join(append(present.PhoneFacts(a), verdict), " · "))
}

// askChannels asks the consent choices as y/n: email marketing when there
// is an email, the SMS ones when the number can carry them (else it says
// why they are not asked). It asks again when none is chosen.
func (s *session) askChannels(email, phone string, p model.PhoneAnalysis) ([]model.Channel, error) {
	var ask []model.Channel
	if email != "" {
		ask = append(ask, model.EmailMarketing)
	}
	switch {
	case phone == "":
		s.say("SMS consent: not asked, no phone number was given.")
	case !p.SMSEligible:
		s.say("SMS consent: not asked. " + model.SanitizeText(p.ReasonFor(email != "")))
	default:
		ask = append(ask, model.SMSMarketing, model.SMSTransactional)
	}
	for {
		var on []model.Channel
		for _, ch := range ask {
			yes, err := s.yesNo(ch.Label()+"?", false)
			if err != nil {
				return nil, err
			}
			if yes {
				on = append(on, ch)
			}
		}
		if len(on) > 0 {
			return on, nil
		}
		again, err := s.yesNo("No channel chosen. Choose again?", true)
		if err != nil || !again {
			return nil, err
		}
	}
}

// summary is the one line said before "Send?".
func summary(r model.CheckedRequest, l client.List) string {
	who := strings.Trim(r.Email+", "+r.Phone, ", ")
	labels := make([]string, len(r.Channels))
	for i, ch := range r.Channels {
		labels[i] = ch.Label()
	}
	return model.SanitizeText(fmt.Sprintf("Subscribe %s to %s (%s, %s): %s.", who, l.Name, l.ID, l.OptInName(), strings.Join(labels, ", ")))
}

// outcome says what came of a change: one line per channel, then the
// error and the journal's trouble, if any.
func (s *session) outcome(o desk.Outcome) {
	for _, ch := range o.Verification.Channels {
		line, _ := present.Outcome(ch)
		if w := present.Warning(ch); w != "" {
			line += " " + w
		}
		s.say(ch.Channel.Label() + ": " + line)
	}
	if o.Err != nil {
		s.say("Error: " + model.SanitizeText(o.Err.Error()))
	}
	if o.JournalErr != nil {
		s.say("Journal: " + model.SanitizeText(o.JournalErr.Error()))
	}
	if o.EntryID != "" {
		s.say("Journal entry " + model.SanitizeText(o.EntryID) + ": " + model.SanitizeText(o.State().Label()) + ".")
	}
}
