package ui

import (
	"context"
	"fmt"
	"io"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/proof"
)

// proofView is a person's proof of consent (package proof), as `consent
// proof` says it: who, Klaviyo's consent per channel, the journal's
// entries and the timeline newest first, in a window ↑/↓ and the page
// keys scroll; e writes it as Markdown to proof-<profile id>.md in the
// working directory, never over a file.
type proofView struct {
	c *common
	// query is the person as Build looks them up: the profile's email,
	// else its number.
	query string
	load  request[proof.Record]
	rec   *proof.Record
	err   error
	// exporting writes the Markdown; notice says where it went.
	exporting request[string]
	notice    string
	noticeBad bool
	width     int
	height    int
	vp        viewport
	// lines are the record's body as last built, for builtFor at
	// builtWidth: a scroll redraws the window, not the record.
	lines      body
	builtFor   *proof.Record
	builtWidth int
}

// newProofView is the proof of profile p's person; it loads on Init.
func newProofView(c *common, p client.Profile) *proofView {
	q := p.Email
	if q == "" {
		q = p.PhoneNumber
	}
	return &proofView{c: c, query: q}
}

// Init builds the record.
func (v *proofView) Init() tea.Cmd { return v.fetch() }

// fetch reads the journal and builds the record in a command.
func (v *proofView) fetch() tea.Cmd {
	v.err = nil
	c, query := v.c, v.query
	return v.load.start(v.c.ctx, v, func(ctx context.Context) (proof.Record, error) {
		entries, err := c.history.Entries()
		if err != nil {
			return proof.Record{}, err
		}
		return proof.Build(ctx, c.client, entries, query, c.rules)
	})
}

// Update takes the record, the export's answer and the keys.
func (v *proofView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case answer[proof.Record]:
		if a, ok := v.load.accept(msg); ok {
			v.err = a.err
			if a.err == nil {
				v.rec = &a.value
			}
		}
	case answer[string]:
		if a, ok := v.exporting.accept(msg); ok {
			v.exported(a.value, a.err)
		}
	case tea.KeyPressMsg:
		return v.key(msg)
	}
	return nil
}

// key scrolls, exports, retries a failed load or cancels a running one.
func (v *proofView) key(msg tea.KeyPressMsg) tea.Cmd {
	k := v.c.keys
	page := max(v.height-2, 1)
	switch {
	case v.load.running():
		if key.Matches(msg, k.Back) {
			v.load.cancel()
			return back
		}
	case v.rec == nil:
		if key.Matches(msg, k.Retry) {
			return v.fetch()
		}
	case key.Matches(msg, k.RowUp):
		v.vp.scroll(-1)
	case key.Matches(msg, k.RowDown):
		v.vp.scroll(1)
	case key.Matches(msg, k.PageUp):
		v.vp.scroll(-page)
	case key.Matches(msg, k.PageDown):
		v.vp.scroll(page)
	case key.Matches(msg, k.HistoryTop):
		v.vp.top = 0
	case key.Matches(msg, k.ExportProof) && !v.exporting.running():
		return v.export()
	}
	return nil
}

// export writes the record as Markdown, proof-<profile id>.md (or the
// query's, without a profile), in the working directory.
func (v *proofView) export() tea.Cmd {
	rec := *v.rec
	stem := "proof-" + fileSafe(v.query)
	if rec.Profile != nil {
		stem = "proof-" + fileSafe(rec.Profile.ID)
	}
	v.notice, v.noticeBad = "Writing the proof as Markdown…", false
	return v.exporting.start(v.c.ctx, v, func(context.Context) (string, error) {
		return writeNew(".", stem, ".md", func(w io.Writer) error { return proof.WriteMarkdown(w, rec) })
	})
}

// exported says where the Markdown went, or why it could not be written.
func (v *proofView) exported(path string, err error) {
	if err != nil {
		v.notice, v.noticeBad = "The proof could not be written: "+model.SanitizeText(err.Error()), true
		return
	}
	v.notice, v.noticeBad = "Written to "+model.SanitizeText(path)+" (only you can read it).", false
}

// fileSafe is s with only letters, digits, '-', '_', '.', '@' and '+' kept.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("-_.@+", r):
			return r
		}
		return '_'
	}, s)
}

// View is the record in a scrolling window, its notice pinned under it.
func (v *proofView) View() string {
	s := v.c.styles
	switch {
	case v.load.running():
		return s.Muted.Render(wrap("Gathering the proof of "+model.SanitizeText(v.query)+"… (esc cancels)", v.width))
	case v.err != nil:
		return s.Bad.Render(wrap("✗ The proof of "+model.SanitizeText(v.query)+" could not be gathered: "+model.SanitizeText(v.err.Error()), v.width)) +
			"\n\n" + s.Muted.Render("r tries again.")
	case v.rec == nil:
		return ""
	}
	if v.builtFor != v.rec || v.builtWidth != v.width {
		v.lines, v.builtFor, v.builtWidth = v.body(), v.rec, v.width
	}
	b := v.lines
	if v.notice != "" {
		style := s.Good
		if v.noticeBad {
			style = s.Bad
		}
		b.pinned = strings.Split(style.Render(wrap(v.notice, v.width)), "\n")
	}
	return v.vp.render(b, v.height, s)
}

// body is the record's lines at the view's width.
func (v *proofView) body() body {
	s, r, w := v.c.styles, *v.rec, v.width
	var b body
	b.add(s.Title.Render(wrap(r.Title(), w)))
	v.addFacts(&b, r.HeaderFacts(), 0)
	if r.Empty() {
		b.add("")
		b.add(s.Muted.Render(wrap(proof.NothingFound, w)))
		return b
	}
	if r.Profile != nil {
		b.add("")
		b.add(s.Label.Render(proof.HeadingConsent))
		v.addFacts(&b, r.ChannelFacts(), 2)
	}
	if len(r.Entries) > 0 { // who entered what, with the wording, evidence and any override
		b.add("")
		b.add(s.Label.Render(fmt.Sprintf("%s (%d)", proof.HeadingEntries, len(r.Entries))))
		for _, e := range r.Entries {
			b.add(indentWrap(e.Heading(), w, 2))
			v.addFacts(&b, e.Facts(), 4)
		}
	}
	b.add("")
	b.add(s.Label.Render(proof.HeadingTimeline))
	if len(r.Entries) == 0 {
		b.add(s.Muted.Render(wrap("No journal entry: nothing was entered for this person here.", w)))
	}
	for _, ev := range r.Timeline {
		b.add(indentWrap(proof.EventLine(ev), w, 2))
	}
	return b
}

// addFacts adds facts as "label value" lines, values wrapped under
// themselves when there is room, else under the label.
func (v *proofView) addFacts(b *body, facts []proof.Fact, indent int) {
	width := 0
	for _, f := range facts {
		width = max(width, len(f.Label))
	}
	pad := strings.Repeat(" ", indent)
	for _, f := range facts {
		label := pad + f.Label + strings.Repeat(" ", width-len(f.Label)) + " "
		if len(label)+20 > v.width {
			b.add(v.c.styles.Muted.Render(pad + f.Label))
			b.add(indentWrap(pad+"  "+f.Value, v.width, indent+2))
			continue
		}
		b.add(v.c.styles.Muted.Render(label) + indentWrap(f.Value, v.width-len(label), len(label)))
	}
}

// Title names the view in the status line.
func (v *proofView) Title() string { return "proof of consent" }

// Busy says what the view waits on.
func (v *proofView) Busy() string {
	switch {
	case v.load.running():
		return "gathering the proof"
	case v.exporting.running():
		return "writing the proof"
	}
	return ""
}

// EscIsMine: esc while the record loads cancels it and leaves.
func (v *proofView) EscIsMine() bool { return v.load.running() }

// SetSize sets the room the view renders in.
func (v *proofView) SetSize(width, height int) { v.width, v.height = width, height }

// ShortHelp is the footer for the view's state.
func (v *proofView) ShortHelp() []key.Binding {
	k := v.c.keys
	switch {
	case v.load.running():
		return []key.Binding{k.Cancel}
	case v.rec == nil:
		return []key.Binding{k.Retry, k.Back, k.Help}
	}
	return []key.Binding{k.ExportProof, k.RowUp, k.RowDown, k.Back, k.Help}
}

// FullHelp is every key the view answers to now.
func (v *proofView) FullHelp() [][]key.Binding {
	k := v.c.keys
	if v.rec == nil {
		return [][]key.Binding{v.ShortHelp(), {k.Quit}}
	}
	return [][]key.Binding{{k.ExportProof, k.RowUp, k.RowDown, k.PageUp, k.PageDown, k.HistoryTop}, {k.Back, k.Help, k.Quit}}
}
