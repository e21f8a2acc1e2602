package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/internal/config"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

const (
	subscribeSynopsis   = "consent subscribe --list ID [--email E] [--phone P] [--email-marketing] [--sms-marketing] [--sms-transactional] [--source TEXT] [--json]"
	unsubscribeSynopsis = "consent unsubscribe [--list ID] [--email E] [--phone P] [--email-marketing] [--sms-marketing] [--sms-transactional] [--json]"
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
}

// runConsentChange is `consent subscribe` (subscribe true) and `consent
// unsubscribe`: it refuses, before sending anything, what the form would
// refuse; otherwise it sends the job once, reads the profile back until it
// shows what was asked (or a bound passes) and prints each channel's outcome.
// Exit 0 when every channel is verified or waits for double opt-in, 1 when
// Klaviyo failed or did not record a channel, 2 for bad input.
func runConsentChange(ctx context.Context, args []string, e env, subscribe bool) error {
	name, synopsis := "unsubscribe", unsubscribeSynopsis
	if subscribe {
		name, synopsis = "subscribe", subscribeSynopsis
	}
	fs := newFlagSet(name)
	var req model.ConsentRequest
	fs.StringVar(&req.ListID, "list", "", "list id (see consent lists)")
	fs.StringVar(&req.Email, "email", "", "email address")
	fs.StringVar(&req.Phone, "phone", "", "phone number, with + and the country code (or national with --region)")
	emailMarketing := fs.Bool("email-marketing", false, "email marketing consent")
	smsMarketing := fs.Bool("sms-marketing", false, "SMS marketing consent")
	smsTransactional := fs.Bool("sms-transactional", false, "SMS transactional consent")
	region := fs.String("region", "", "region of a phone number typed without +")
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	wait := fs.Duration("wait", desk.VerifyBound, "how long to read the profile back before giving up")
	if subscribe {
		fs.StringVar(&req.Source, "source", present.Source, "where the consent was given, recorded by Klaviyo")
	}
	api := addAPIFlags(fs)
	rest, err := parseFlags(fs, args, synopsis)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return unexpectedArg(rest[0], synopsis)
	}
	if *wait <= 0 {
		return usage.Errorf("--wait must be positive")
	}
	chosen := map[model.Channel]bool{model.EmailMarketing: *emailMarketing, model.SMSMarketing: *smsMarketing, model.SMSTransactional: *smsTransactional}
	for _, ch := range model.Channels { // in the form's order
		if chosen[ch] {
			req.Channels = append(req.Channels, ch)
		}
	}
	cfg, err := config.Load(e.getenv, api.overrides(*region))
	if err != nil {
		return err
	}
	if req.ListID == "" && subscribe {
		req.ListID = cfg.DefaultList
	}
	if subscribe && req.ListID == "" {
		return usage.Errorf("--list is required (see consent lists), or a default_list for the account\nusage: %s", synopsis)
	}
	rules := cfg.Rules
	checked, problems := req.Check(rules)
	if len(problems) > 0 {
		lines := make([]string, len(problems))
		for i, p := range problems {
			lines[i] = "  " + p.String()
		}
		return usage.Errorf("not sent:\n%s", strings.Join(lines, "\n"))
	}

	b, err := openBackend(ctx, api, e, cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	j, err := openJournal(e, cfg)
	if err != nil {
		return err
	}
	out := newDesk(j, b, cfg).Submit(ctx, journal.Action(name), checked, nil, desk.SubmitOptions{VerifyBound: *wait})
	if out.Err != nil && out.EntryID == "" {
		return out.Err // not even recorded: nothing was sent
	}
	if out.Err != nil {
		err := fmt.Errorf("%w (journal entry %s: %s)", out.Err, out.EntryID, out.State().Label())
		if out.JournalErr != nil {
			err = errors.Join(err, journalFailure(out.JournalErr, out.EntryID))
		}
		return err
	}
	var list client.List
	if out.List != nil {
		list = *out.List
	}
	v := out.Verification
	res := summarise(v)
	res.State = out.State()
	if res.State == journal.StateAccepted {
		res.Status = string(journal.StateAccepted) // accepted, not yet seen: not a refusal
	}
	if *asJSON {
		err = writeJSONLine(e.stdout, res)
	} else {
		err = writeChangeResult(e.stdout, name, checked, list, v)
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
			Already: c.Already}
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
	for _, ch := range v.Channels {
		line, _ := present.Outcome(ch)
		if w := present.Warning(ch); w != "" {
			line += " " + w
		}
		c.row(ch.Channel.Label(), line)
	}
	c.row("checked", fmt.Sprintf("%d read-back(s) in %s", v.Polls, v.Took.Round(time.Millisecond)))
	return c.err
}
