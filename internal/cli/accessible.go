package cli

import (
	"context"
	"errors"
	"strings"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/internal/config"
	"github.com/consentdesk/consent/ui/accessible"
)

// accessibleText is what `consent --help` says of the accessible mode.
const accessibleText = `Accessible mode (--accessible, TERM=dumb or CONSENT_ACCESSIBLE=1): the UI as
plain questions and answers, one line each, for screen readers and pipes: no
alternate screen, no escape codes. It needs no terminal: consent --accessible
reads its answers from any stdin.
`

// wantsAccessible reports whether the UI runs in accessible mode: asked
// for with --accessible or CONSENT_ACCESSIBLE, or a terminal that can do
// nothing else (TERM=dumb).
func (a *app) wantsAccessible() bool {
	if a.accessible || a.e.getenv("TERM") == "dumb" {
		return true
	}
	switch strings.ToLower(strings.TrimSpace(a.e.getenv("CONSENT_ACCESSIBLE"))) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// runAccessible is the UI's accessible mode on stdin and stdout, whatever
// they are: a change goes through the same desk as the UI's form. Input
// that ends in the middle of a change exits 2 (nothing was sent, and it
// said so).
func runAccessible(ctx context.Context, a *app) error {
	e, api := a.e, &a.api
	cfg, err := config.Load(e.getenv, api.overrides(""))
	if err != nil {
		return err
	}
	b, err := openBackendSeeding(ctx, api, e, cfg, func(client.Wait) {}, false)
	if err != nil {
		return err
	}
	defer b.Close()
	j, err := openJournal(e, cfg)
	if err != nil {
		return err
	}
	defer j.Close()
	err = accessible.Run(ctx, accessible.Options{In: e.stdin, Out: e.stdout, Client: b.Client, Desk: newDesk(j, b, cfg),
		Rules: cfg.Rules, History: j, DefaultList: cfg.DefaultList, Backend: b.Name + " · revision " + client.Revision})
	sayWhatIsLeft(e.stderr, j, b.Origin, nil)
	if errors.Is(err, accessible.ErrInputEnded) {
		return &silentExit{code: exitUsage}
	}
	return err
}
