package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/internal/config"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

const (
	subscribeSynopsis   = "consent subscribe --list LIST [--email E] [--phone P] [--email-marketing] [--sms-marketing] [--sms-transactional] [--source TEXT] [--consented-at DATE [--collected-by TEXT] [--consent-text-version TEXT] [--evidence FILE]] [--allow-conflict PROFILE_ID] [--json]"
	unsubscribeSynopsis = "consent unsubscribe [--list LIST] [--email E] [--phone P] [--email-marketing] [--sms-marketing] [--sms-transactional] [--json]"
)

// changeResult is the JSON answer of subscribe and unsubscribe.
type changeResult struct {
	Status string `json:"status"`
	// State is the journal's state of the change: verified,
	// awaiting_confirmation, accepted, refused, ...
	State     journal.State             `json:"state"`
	ProfileID string                    `json:"profile_id,omitempty"`
	Channels  map[string]channelOutcome `json:"channels"`
}

// channelOutcome is one channel of changeResult. CanReceive and Suppression
// are what the read-back said of sending on the channel: a channel can be
// verified SUBSCRIBED that Klaviyo cannot send to (a hard bounce stays).
type channelOutcome struct {
	Outcome          client.Outcome      `json:"outcome"`
	Consent          model.ConsentState  `json:"consent,omitempty"`
	ConsentTimestamp string              `json:"consent_timestamp,omitempty"`
	Method           string              `json:"method,omitempty"`
	VerifiedAfterMS  int64               `json:"verified_after_ms"`
	Detail           string              `json:"detail"`
	CanReceive       bool                `json:"can_receive"`
	Suppression      []model.Suppression `json:"suppression,omitempty"`
	// Already is set when Klaviyo held the consent asked from before the
	// change (its timestamp is the earlier one).
	Already bool `json:"already,omitempty"`
	// AskedConsentedAt and BackDate are, for a back-dated subscribe, the
	// consent date asked and how Klaviyo's compares with it (as_asked,
	// kept_earlier, differs).
	AskedConsentedAt string          `json:"asked_consented_at,omitempty"`
	BackDate         client.BackDate `json:"back_date,omitempty"`
}

// changeOptions are the flags of subscribe and unsubscribe.
type changeOptions struct {
	req                                            model.ConsentRequest
	emailMarketing, smsMarketing, smsTransactional bool
	region                                         string
	json                                           bool
	wait                                           time.Duration
	offline                                        offlineOptions
	allowConflict                                  string
}

// newChangeCmd is `consent subscribe` (subscribe true) and `consent
// unsubscribe`.
func newChangeCmd(a *app, subscribe bool) *cobra.Command {
	var o changeOptions
	cmd := &cobra.Command{
		Use:   strings.TrimPrefix(unsubscribeSynopsis, "consent "),
		Short: "revoke consent on the given channels, then verify",
		Long: `Revokes the consent of one person (--email, --phone or both) on the channels
given: without --list on the whole account; with --list, through that list,
which Klaviyo also takes the person off (a person not on the list is
unsubscribed on the whole account). Then reads the profile back, as subscribe
does. LIST is the list's id or its exact name.`,
		Example: `  consent unsubscribe --email ana@example.net --email-marketing
  consent unsubscribe --list Newsletter --phone "+1 201 555 0123" --sms-marketing`,
	}
	if subscribe {
		cmd.Use = strings.TrimPrefix(subscribeSynopsis, "consent ")
		cmd.Short = "subscribe one person, then verify what Klaviyo recorded"
		cmd.Long = `Subscribes one person (--email, --phone or both) to a list on the channels
given. What Klaviyo would refuse or silently drop — an SMS channel for a number
outside the account's SMS countries, say — is refused before anything is sent
(exit 2). Otherwise the change is journaled, sent once, and the profile read
back until each channel shows what was asked or --wait passes. LIST is the
list's id or its exact name (see consent lists); without --list, the
account's default_list.

Before sending, the email and the phone number are looked up separately.
When they are on two different profiles the subscribe is refused (exit 2),
with both profiles and what Klaviyo would do, unless --allow-conflict names
the email's profile. A number that opted out of SMS by replying STOP, or was
removed by carrier deactivation, is refused SMS consent unless new evidence
is given: --consent-text-version and --collected-by, or --evidence (without
--consented-at these are new evidence, journaled as an override).

Consent collected earlier (on paper, by phone, at an event) is entered with
--consented-at, the date it was given (your zone unless an offset is given),
and optionally --collected-by, --consent-text-version and --evidence: it is
sent as a historical import, which skips double opt-in and the list's "Added
to list" flows, and a person already subscribed keeps the older date (the
warnings say so before sending). A date in the future or before 1990-01-01 is
refused (exit 2). See https://developers.klaviyo.com/en/reference/bulk_subscribe_profiles.`
		cmd.Example = `  consent subscribe --list Y6nRLr --email x@example.com --email-marketing
  consent subscribe --list Newsletter --phone "+1 201 555 0123" --sms-marketing --json
  consent subscribe --list Newsletter --email ana@example.net --email-marketing \
      --consented-at 2026-03-14 --collected-by "Booth, Spring Fair" --consent-text-version fair-2026 --evidence sheet.jpg
  consent subscribe --list Newsletter --phone "+44 7400 123456" --sms-marketing \
      --consent-text-version sms-2026-11 --collected-by "Dana, phone call"`
	}
	cmd.Args = func(cmd *cobra.Command, args []string) error { return noArgs(cmd, args) }
	cmd.Annotations = usesKlaviyo()
	cmd.RunE = a.runE(func(cmd *cobra.Command, _ []string) error {
		return runConsentChange(cmd.Context(), a, o, subscribe)
	})
	fs := cmd.Flags()
	fs.StringVar(&o.req.ListID, "list", "", "the `LIST`: its id or exact name (see consent lists)")
	fs.StringVar(&o.req.Email, "email", "", "the person's email address `E`")
	fs.StringVar(&o.req.Phone, "phone", "", "the person's phone number `P`, with + and the country code (or national with --region)")
	fs.BoolVar(&o.emailMarketing, "email-marketing", false, "the email marketing channel")
	fs.BoolVar(&o.smsMarketing, "sms-marketing", false, "the SMS marketing channel")
	fs.BoolVar(&o.smsTransactional, "sms-transactional", false, "the SMS transactional channel")
	fs.StringVar(&o.region, "region", "", "region `CC` of a phone number typed without +")
	fs.BoolVar(&o.json, "json", false, "print the outcome as one JSON object, refusals and errors included")
	fs.DurationVar(&o.wait, "wait", desk.VerifyBound, "how long to read the profile back before giving up")
	if subscribe {
		fs.StringVar(&o.req.Source, "source", present.Source, "the `TEXT` Klaviyo records as where the consent was given")
		o.offline.addFlags(fs)
		fs.StringVar(&o.allowConflict, "allow-conflict", "", "when the email and the phone number are on two different profiles, send as typed to `PROFILE_ID`, the email's profile (the refusal names both)")
	}
	_ = cmd.RegisterFlagCompletionFunc("list", a.completeListFlag)
	return cmd
}

// runConsentChange is `consent subscribe` (subscribe true) and `consent
// unsubscribe`: it refuses, before sending anything, what the form would
// refuse; otherwise it sends the job once, reads the profile back until it
// shows what was asked (or a bound passes) and prints each channel's outcome.
// Exit 0 when every channel is verified or waits for double opt-in, 1 when
// Klaviyo failed or did not record a channel, 2 for bad input.
func runConsentChange(ctx context.Context, a *app, o changeOptions, subscribe bool) error {
	e, api := a.e, &a.api
	name, synopsis := "unsubscribe", unsubscribeSynopsis
	if subscribe {
		name, synopsis = "subscribe", subscribeSynopsis
	}
	req := o.req
	if o.wait <= 0 {
		return usage.Errorf("--wait must be positive")
	}
	chosen := map[model.Channel]bool{model.EmailMarketing: o.emailMarketing, model.SMSMarketing: o.smsMarketing, model.SMSTransactional: o.smsTransactional}
	for _, ch := range model.Channels { // in the form's order
		if chosen[ch] {
			req.Channels = append(req.Channels, ch)
		}
	}
	cfg, err := config.Load(e.getenv, api.overrides(o.region))
	if err != nil {
		return err
	}
	if req.ListID == "" && subscribe {
		req.ListID = cfg.DefaultList
	}
	if subscribe && req.ListID == "" {
		return usage.Errorf("--list is required (see consent lists), or a default_list for the account\nusage: %s", synopsis)
	}
	if req.Offline, err = o.offline.offline(); err != nil {
		return err
	}
	if req.Override, err = o.offline.override(); err != nil {
		return err
	}
	req.ChosenProfile = strings.TrimSpace(o.allowConflict)
	// The person and the channels are checked before anything is read;
	// the list, which may be given by name, once it is found.
	ref := req.ListID
	person := req
	person.ListID = ""
	_, problems := person.Check(cfg.Rules)
	if ref != "" {
		if err := checkListRef(ref); err != nil {
			problems = append(problems, model.Problem{Field: "list", Reason: err.Error()})
		}
	}
	if len(problems) > 0 {
		return &refusal{problems: problems}
	}

	b, err := openBackend(ctx, api, e, cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	list, missing, err := changeList(ctx, b.Client, ref)
	if err != nil {
		return err
	}
	if list != nil {
		req.ListID = list.ID
	}
	checked, problems := req.Check(cfg.Rules)
	if len(problems) > 0 {
		return &refusal{problems: problems}
	}
	j, err := openJournal(e, cfg)
	if err != nil {
		return err
	}
	defer j.Close()
	if err := writeBackDateWarnings(e.stderr, checked, list); err != nil {
		return err
	}
	out := newDesk(j, b, cfg).Submit(ctx, journal.Action(name), checked, list, desk.SubmitOptions{VerifyBound: o.wait})
	if out.Err != nil && out.EntryID == "" {
		return out.Err // not even recorded: nothing was sent
	}
	if missing != nil && !out.Sent && notFound(out.Err) {
		// Journaled as refused (not retryable), and said as bad input.
		missing.msg += fmt.Sprintf("; journal entry %s: %s", out.EntryID, out.State().Label())
		return missing
	}
	if desk.IsGuardRefusal(out.Err) {
		return guardRefusal(e.stderr, out, o.json)
	}
	if out.Err != nil {
		if d := out.Duplicate; d != nil && !o.json {
			c := card{w: e.stderr, width: len("profile")}
			c.title("Klaviyo says this profile already has one of these identifiers:")
			writeProfiles(&c, []client.Profile{*d})
		}
		err := fmt.Errorf("%w (journal entry %s: %s)", out.Err, out.EntryID, out.State().Label())
		if out.JournalErr != nil {
			err = errors.Join(err, journalFailure(out.JournalErr, out.EntryID))
		}
		return err
	}
	var shown client.List
	if out.List != nil {
		shown = *out.List
	}
	v := out.Verification
	res := summarise(v)
	res.State = out.State()
	if res.State == journal.StateAccepted {
		res.Status = string(journal.StateAccepted) // accepted, not yet seen: not a refusal
	}
	if o.json {
		err = writeJSONLine(e.stdout, res)
	} else {
		err = writeChangeResult(e.stdout, name, out.Request, shown, v)
	}
	if err != nil {
		return err
	}
	if out.JournalErr != nil {
		return journalFailure(out.JournalErr, out.EntryID)
	}
	if res.Status != string(client.Verified) && res.Status != string(client.PendingDoubleOptIn) {
		return &silentExit{code: exitAPI}
	}
	return nil
}

// changeList finds the list a change names by ref (its id or exact name;
// none when ref is ""). A list that does not exist is returned as
// missing, a refusal, with no list: the change is still submitted, so
// that the journal records it as refused, as it did before names were
// taken. A list that cannot be read is left to the submit too, which
// journals the failure.
func changeList(ctx context.Context, c *client.Client, ref string) (list *client.List, missing *refusal, err error) {
	if ref == "" {
		return nil, nil, nil
	}
	l, err := resolveList(ctx, c, ref)
	var none *noListError
	var ue *usage.Error
	switch {
	case err == nil:
		return &l, nil, nil
	case errors.As(err, &none) && looksLikeListID(ref):
		return nil, refuseList(none.Error()), nil
	case errors.As(err, &ue): // a name no list has, or several: nothing the journal could hold
		return nil, nil, refuseList(ue.Msg)
	case looksLikeListID(ref):
		return nil, nil, nil // the submit reads it again, and journals why it could not
	}
	return nil, nil, err
}

// journalFailure is the error of a change whose outcome the journal could
// not record: what Klaviyo answered was printed, but History does not say
// it, so the command must not report success.
func journalFailure(err error, id string) error {
	return fmt.Errorf("%w\nwhat Klaviyo answered is above, but the journal does not say it: entry %s may show an earlier state (free some disk space, then run consent history retry %s)", err, id, id)
}

// summarise turns a verification into the JSON answer. Status is the worst
// channel outcome: not_recorded, partial_failure, pending_double_opt_in,
// else verified.
func summarise(v client.Verification) changeResult {
	res := changeResult{Status: string(client.Verified), ProfileID: v.ProfileID, Channels: map[string]channelOutcome{}}
	rank := map[client.Outcome]int{client.Verified: 0, client.PendingDoubleOptIn: 1, client.PartialFailure: 2, client.NotRecorded: 3}
	for _, c := range v.Channels {
		res.Channels[string(c.Channel)] = channelOutcome{Outcome: c.Outcome, Consent: c.Consent, ConsentTimestamp: c.ConsentTimestamp,
			Method: c.Method, VerifiedAfterMS: c.After.Milliseconds(), Detail: c.Detail, CanReceive: c.CanReceive, Suppression: c.Suppressions,
			Already: c.Already, AskedConsentedAt: c.AskedConsentedAt, BackDate: c.BackDate}
		if rank[c.Outcome] > rank[client.Outcome(res.Status)] {
			res.Status = string(c.Outcome)
		}
	}
	return res
}

// writeChangeResult prints one row per channel with its verified outcome.
func writeChangeResult(w io.Writer, verb string, r model.CheckedRequest, list client.List, v client.Verification) error {
	who := strings.Trim(r.Email+", "+r.Phone, ", ")
	c := card{w: w, width: len("SMS transactional")}
	title := verb + " " + who
	if list.ID != "" {
		title += fmt.Sprintf(" · list %s (%s, %s)", list.Name, list.ID, list.OptInName())
	}
	c.title(title)
	if v.ProfileID != "" {
		c.row("profile", v.ProfileID)
	}
	if r.Offline != nil {
		c.row("entered later", strings.Join(present.OfflineFacts(*r.Offline), "; "))
	}
	if w := present.OverrideWords(r.Override); w != "" {
		c.row("override", w)
	}
	for _, ch := range v.Channels {
		line, _ := present.Outcome(ch)
		if w := present.Warning(ch); w != "" {
			line += " " + w
		}
		c.row(ch.Channel.Label(), line)
	}
	c.row("checked", present.ReadBack(v))
	return c.err
}
