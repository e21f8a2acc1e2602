package accessible

import (
	"time"

	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/importer"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/model"
)

// askOffline asks whether the consent was collected earlier (on paper, by
// phone) and, if so, when, by whom, under which wording and with what
// evidence: nil when it was given now. Each answer is asked again until it
// can be used, or left blank.
func (s *session) askOffline() (*model.OfflineConsent, error) {
	earlier, err := s.yesNo("Consent collected earlier, and entered now?", false)
	if err != nil || !earlier {
		return nil, err
	}
	var off model.OfflineConsent
	for off.ConsentedAt.IsZero() {
		a, err := s.ask("Consent given on? (2026-03-14, or 2026-03-14 15:04, your zone; blank: given now)")
		if err != nil {
			return nil, err
		}
		if a == "" {
			s.say("Not back-dated: the consent is sent as given now.")
			return nil, nil
		}
		at, err := model.ParseConsentedAt(a, "", time.Local)
		if err != nil {
			s.say("Consent date: ✗ " + model.SanitizeText(err.Error()) + ".")
			continue
		}
		if problems := (model.OfflineConsent{ConsentedAt: at}).Check(time.Now()); len(problems) > 0 {
			s.say("Consent date: ✗ " + model.SanitizeText(model.JoinProblems(problems)) + ".")
			continue
		}
		off.ConsentedAt = at
		s.say("Consent date: ✓ " + present.ConsentedOn(at) + ".")
	}
	o, err := s.askEvidence("Collected by? (who and where, such as Booth, Spring Fair)")
	if err != nil {
		return nil, err
	}
	off.CollectedBy, off.TextVersion, off.EvidenceSHA256, off.EvidenceName = o.CollectedBy, o.TextVersion, o.EvidenceSHA256, o.EvidenceName
	return &off, nil
}

// askEvidence asks who collected the consent (askBy), the wording's
// version and an evidence file, each blank to skip; the file is asked
// again until it can be read, or left blank.
func (s *session) askEvidence(askBy string) (model.Override, error) {
	var o model.Override
	var err error
	if o.CollectedBy, err = s.ask(askBy); err != nil {
		return o, err
	}
	if o.TextVersion, err = s.ask("Consent wording version?"); err != nil {
		return o, err
	}
	for {
		a, err := s.ask("Evidence file? (a scan, photo or recording: its SHA-256 is kept, not the file; blank: none)")
		if err != nil {
			return o, err
		}
		if a == "" {
			return o, nil
		}
		path, err := importer.ExpandHome(a)
		if err != nil {
			s.say("Evidence: ✗ " + model.SanitizeText(err.Error()) + ". Give another file, or leave it blank.")
			continue
		}
		sum, name, err := desk.HashEvidence(path)
		if err != nil {
			s.say("Evidence: ✗ " + model.SanitizeText(err.Error()) + ". Give another file, or leave it blank.")
			continue
		}
		o.EvidenceSHA256, o.EvidenceName = sum, name
		s.say("Evidence: ✓ " + model.SanitizeText(name) + " (SHA-256 " + sum[:12] + "…).")
		return o, nil
	}
}
