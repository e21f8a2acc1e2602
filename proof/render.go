package proof

import (
	"fmt"
	"io"
	"strings"
)

// Headings of a record's parts, the same in text, Markdown and the UI.
const (
	HeadingConsent  = "Consent in Klaviyo now"
	HeadingEntries  = "Journal entries"
	HeadingTimeline = "Timeline, newest first"
)

// NothingFound is what a record says when neither Klaviyo nor the journal
// knows the person.
const NothingFound = "No profile in Klaviyo and no journal entry for this person: there is no consent to show."

// printer writes lines, remembering the first error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) line(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format+"\n", args...)
	}
}

// WriteText writes r for a terminal: the header, Klaviyo's consent per
// channel, the journal's entries with their facts, then the timeline.
func WriteText(w io.Writer, r Record) error {
	p := &printer{w: w}
	p.line("%s", r.Title())
	writeFacts(p, "  ", r.HeaderFacts())
	if r.Empty() {
		p.line("")
		p.line("%s", NothingFound)
		return p.err
	}
	if r.Profile != nil {
		p.line("")
		p.line("%s", HeadingConsent)
		writeFacts(p, "  ", r.ChannelFacts())
	}
	p.line("")
	p.line("%s (%d)", HeadingEntries, len(r.Entries))
	if len(r.Entries) == 0 {
		p.line("  none: nothing was entered for this person here")
	}
	for _, e := range r.Entries {
		p.line("  %s", e.Heading())
		writeFacts(p, "    ", e.Facts())
	}
	p.line("")
	p.line("%s", HeadingTimeline)
	for _, ev := range r.Timeline {
		p.line("  %s", EventLine(ev))
	}
	return p.err
}

// EventLine is an event on one line: "2026-03-14 09:30:00 UTC  journal
// email marketing  subscribe asked … (ana)".
func EventLine(ev Event) string {
	c := ev.Cells()
	s := c[0] + "  " + c[1] + "  "
	if c[2] != "" {
		s += c[2] + ": "
	}
	s += c[3]
	if c[4] != "" {
		s += " (" + c[4] + ")"
	}
	return s
}

// factWidth is the label column of a record's facts, at least.
const factWidth = 12

// writeFacts writes facts as aligned label and value, indented.
func writeFacts(p *printer, indent string, facts []Fact) {
	width := factWidth
	for _, f := range facts {
		width = max(width, len(f.Label))
	}
	for _, f := range facts {
		p.line("%s%-*s %s", indent, width, f.Label, f.Value)
	}
}

// WriteMarkdown writes r as Markdown to attach to a ticket: a heading, the
// header as a list, Klaviyo's consent as a table, each entry under its
// heading, and the timeline as a table; every time with its zone.
func WriteMarkdown(w io.Writer, r Record) error {
	p := &printer{w: w}
	p.line("# %s", md(r.Title()))
	p.line("")
	for _, f := range r.HeaderFacts() {
		label := f.Label
		if label == "" {
			label = "…"
		}
		p.line("- **%s:** %s", md(label), md(f.Value))
	}
	if r.Empty() {
		p.line("")
		p.line("%s", md(NothingFound))
		return p.err
	}
	if r.Profile != nil {
		p.line("")
		p.line("## %s", HeadingConsent)
		p.line("")
		p.line("| Channel | Consent |")
		p.line("|---|---|")
		for _, f := range r.ChannelFacts() {
			p.line("| %s | %s |", md(f.Label), md(f.Value))
		}
	}
	p.line("")
	p.line("## %s (%d)", HeadingEntries, len(r.Entries))
	if len(r.Entries) == 0 {
		p.line("")
		p.line("None: nothing was entered for this person here.")
	}
	for _, e := range r.Entries {
		p.line("")
		p.line("### %s", md(e.Heading()))
		p.line("")
		for _, f := range e.Facts() {
			p.line("- **%s:** %s", md(f.Label), md(f.Value))
		}
	}
	p.line("")
	p.line("## %s", HeadingTimeline)
	p.line("")
	p.line("| When | Source | Channels | What | By |")
	p.line("|---|---|---|---|---|")
	for _, ev := range r.Timeline {
		c := ev.Cells()
		p.line("| %s | %s | %s | %s | %s |", md(c[0]), md(c[1]), md(c[2]), md(c[3]), md(c[4]))
	}
	return p.err
}

// mdEscaper escapes what Markdown would read as markup in a table cell or
// a list item (the text is already sanitised: one line, no controls).
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, `|`, `\|`, `*`, `\*`, `_`, `\_`, "`", "\\`", `[`, `\[`, `]`, `\]`,
	`<`, `&lt;`, `>`, `&gt;`, "\n", " ", "\r", " ",
)

// md is s safe in a Markdown table cell or list item.
func md(s string) string { return mdEscaper.Replace(s) }
