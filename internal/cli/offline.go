package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/pflag"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/model"
)

// offlineOptions are subscribe's flags for consent collected earlier.
type offlineOptions struct {
	consentedAt, collectedBy, textVersion, evidence string
}

// addFlags adds the back-dating flags to fs.
func (o *offlineOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.consentedAt, "consented-at", "", "when consent was collected, for consent entered later: `DATE` as 2026-03-14 or 2026-03-14 15:04 (your zone), or RFC 3339; sent as a historical import")
	fs.StringVar(&o.collectedBy, "collected-by", "", "who collected the consent, and where (`TEXT`, \"Booth, Spring Fair\"); with --consented-at, or alone as new evidence")
	fs.StringVar(&o.textVersion, "consent-text-version", "", "the version of the consent wording the person agreed to (`TEXT`); with --consented-at, or alone as new evidence")
	fs.StringVar(&o.evidence, "evidence", "", "a scan, photo or recording of the consent (`FILE`): its SHA-256 is journaled, the file is not copied; with --consented-at, or alone as new evidence")
}

// offline is the offline consent the flags give, nil when --consented-at is
// not given; bad input is a usage error (exit 2) naming the flag or file.
// Dates without a zone are in the agent's (time.Local).
func (o offlineOptions) offline() (*model.OfflineConsent, error) {
	if o.consentedAt == "" {
		return nil, nil
	}
	at, err := o.date()
	if err != nil {
		return nil, err
	}
	off, err := o.details()
	if err != nil {
		return nil, err
	}
	off.ConsentedAt = at
	return &off, nil
}

// override is the new evidence the flags give without --consented-at
// (who collected the consent, its wording's version, an evidence file):
// what lifts an SMS opt-out by STOP or carrier deactivation. nil when
// --consented-at is given (the offline consent carries the evidence) or no
// evidence is.
func (o offlineOptions) override() (*model.Override, error) {
	if o.consentedAt != "" || o.detailFlag() == "" {
		return nil, nil
	}
	off, err := o.details()
	if err != nil {
		return nil, err
	}
	return model.OverrideOf(&off), nil
}

// date is --consented-at, read in the agent's zone.
func (o offlineOptions) date() (time.Time, error) {
	at, err := model.ParseConsentedAt(o.consentedAt, "", time.Local)
	if err != nil {
		return time.Time{}, usage.Errorf("--consented-at: %s", err)
	}
	return at, nil
}

// detailFlag is the first flag given that describes consent collected
// earlier (--collected-by, --consent-text-version, --evidence), "" when
// none is.
func (o offlineOptions) detailFlag() string {
	for _, f := range []struct{ name, value string }{{"--collected-by", o.collectedBy}, {"--consent-text-version", o.textVersion}, {"--evidence", o.evidence}} {
		if f.value != "" {
			return f.name
		}
	}
	return ""
}

// details is what the flags say of how consent was collected (who, the
// wording's version, the evidence's hash and name), without its date.
func (o offlineOptions) details() (model.OfflineConsent, error) {
	off := model.OfflineConsent{CollectedBy: o.collectedBy, TextVersion: o.textVersion}
	if o.evidence != "" {
		sum, name, err := desk.HashEvidence(o.evidence)
		if err != nil {
			return off, usage.Errorf("--evidence: %s", model.SanitizeText(err.Error()))
		}
		off.EvidenceSHA256, off.EvidenceName = sum, name
	}
	return off, nil
}

// writeBackDateWarnings says on w, before a back-dated subscribe is sent,
// what a historical import does that an ordinary subscribe does not.
func writeBackDateWarnings(w io.Writer, r model.CheckedRequest, list *client.List) error {
	if r.Offline == nil {
		return nil
	}
	for _, s := range present.BackDateWarnings(list) {
		if _, err := fmt.Fprintln(w, "warning: "+s); err != nil {
			return err
		}
	}
	return nil
}
