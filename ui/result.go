package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/model"
)

// resultView shows what came of a submit: one row per requested channel
// with its verified outcome, or the API's error verbatim.
type resultView struct {
	c             *common
	out           changeOutcome
	width, height int
	// vp is the window of the result's lines on screen; ↑/↓ scroll it.
	vp viewport
}

func newResultView(c *common, out changeOutcome) *resultView { return &resultView{c: c, out: out} }

func (v *resultView) Init() tea.Cmd { return nil }

func (v *resultView) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(k, v.c.keys.NewEntry):
		return tea.Sequence(back, func() tea.Msg { return formResetMsg{} })
	case key.Matches(k, v.c.keys.Edit):
		return back
	case key.Matches(k, v.c.keys.OpenProfile) && v.out.Verification.ProfileID != "":
		return open(newProfileView(v.c, v.out.Verification.ProfileID))
	case key.Matches(k, v.c.keys.Up):
		v.vp.scroll(-1)
	case key.Matches(k, v.c.keys.Down):
		v.vp.scroll(1)
	}
	return nil
}

// View is the result in a window of lines (viewport) of the view's
// height.
func (v *resultView) View() string {
	var b body
	b.add(strings.TrimSuffix(v.text(), "\n"))
	return v.vp.render(b, v.height, v.c.styles)
}

// text is the result: what was asked, each channel's outcome, any error,
// and the read-back.
func (v *resultView) text() string {
	s := v.c.styles
	o := v.out
	var b strings.Builder
	who := strings.Trim(o.Request.Email+", "+o.Request.Phone, ", ")
	head := fmt.Sprintf("%s %s", strings.ToUpper(string(o.Action[:1]))+string(o.Action[1:]), model.SanitizeText(who))
	if o.List != nil {
		head += fmt.Sprintf(" · %s (%s, %s)", model.SanitizeText(o.List.Name), model.SanitizeText(o.List.ID), o.List.OptInName())
	}
	b.WriteString(s.Label.Render(wrap(head, v.width)) + "\n")
	if off := o.Request.Offline; off != nil {
		b.WriteString(s.Muted.Render(wrap("Entered later: "+strings.Join(present.OfflineFacts(*off), "; "), v.width)) + "\n")
	}
	if w := present.OverrideWords(o.Request.Override); w != "" {
		b.WriteString(s.Pending.Render(wrap("Override: "+w+".", v.width)) + "\n")
	}
	b.WriteString("\n")
	if o.Err != nil && len(o.Verification.Channels) == 0 {
		b.WriteString(outcomeErrorLine(o, s, v.width) + "\n")
		if d := o.Duplicate; d != nil {
			b.WriteString("\n" + s.Label.Render(wrap("Klaviyo says this profile already has one of these identifiers:", v.width)) + "\n")
			b.WriteString(renderProfileSummary(*d, present.DescribePhone(d.PhoneNumber, v.c.rules), s, v.width, false) + "\n")
			b.WriteString(renderConsentCard(*d, s, v.width, nil) + "\n")
		}
		if o.JournalErr != nil {
			b.WriteString("\n" + journalErrorLine(o, s, v.width) + "\n")
		}
		return b.String()
	}
	for _, ch := range o.Verification.Channels {
		if v.width-resultIndent < resultMinWidth { // narrow: the outcome under its channel
			b.WriteString(fmt.Sprintf("  %s\n    %s\n", ch.Channel.Label(), v.outcomeLine(ch, 4)))
			continue
		}
		b.WriteString(fmt.Sprintf("  %-18s %s\n", ch.Channel.Label(), v.outcomeLine(ch, resultIndent)))
	}
	if o.Err != nil {
		b.WriteString("\n" + outcomeErrorLine(o, s, v.width) + "\n")
	}
	if o.JournalErr != nil {
		b.WriteString("\n" + journalErrorLine(o, s, v.width) + "\n")
	}
	b.WriteString("\n")
	if id := o.Verification.ProfileID; id != "" {
		b.WriteString(s.Muted.Render(wrap(fmt.Sprintf("Profile %s · %s", model.SanitizeText(id), present.ReadBack(o.Verification)), v.width)) + "\n")
	}
	return b.String()
}

// resultIndent is where a channel's outcome starts after its label;
// below resultMinWidth cells of room the outcome goes under the label.
const (
	resultIndent   = 21
	resultMinWidth = 24
)

// outcomeLine is one channel's outcome (present.Outcome), styled by its
// tone, wrapped to the room after indent cells. A channel verified
// SUBSCRIBED that Klaviyo cannot send to says so under it, and why.
func (v *resultView) outcomeLine(ch client.ChannelResult, indent int) string {
	s := v.c.styles
	width := max(v.width-indent, 1)
	text, tone := present.Outcome(ch)
	line := renderIndented(toneStyle(s, tone), text, width, indent)
	if w := present.Warning(ch); w != "" {
		line += "\n" + strings.Repeat(" ", indent) + renderIndented(s.Bad, w, width, indent)
	}
	return line
}

// renderIndented wraps text to width, renders each line in style and
// indents the lines after the first by indent spaces. Line by line, not as
// a block: a block pads every line to its widest, the indent included,
// which pushes a short first line (already after indent cells of label)
// past the window's edge, where the root cuts it.
func renderIndented(style lipgloss.Style, text string, width, indent int) string {
	lines := strings.Split(wrap(text, width), "\n")
	for i, l := range lines {
		lines[i] = style.Render(l)
	}
	return strings.Join(lines, "\n"+strings.Repeat(" ", indent))
}

func (v *resultView) Title() string { return "result" }

func (v *resultView) SetSize(width, height int) { v.width, v.height = width, height }

func (v *resultView) ShortHelp() []key.Binding {
	k := v.c.keys
	bs := []key.Binding{k.NewEntry, k.Edit}
	if v.out.Verification.ProfileID != "" {
		bs = append(bs, k.OpenProfile)
	}
	return append(bs, k.Back, k.Help)
}

func (v *resultView) FullHelp() [][]key.Binding {
	return [][]key.Binding{v.ShortHelp(), {v.c.keys.Quit}}
}

// wrap breaks text into lines of at most width cells, at spaces; a word
// longer than a line (a URL, a token) is split, so that nothing is cut off
// at the screen's edge: API text must be shown whole.
func wrap(text string, width int) string { return indentWrap(text, width, 0) }

// indentWrap wraps text (its runs of white space made one space) to width
// cells and indents every line after the first by indent spaces.
func indentWrap(text string, width, indent int) string {
	width = max(width, 1) // never wider than the room: a narrower wrap splits words
	newline := "\n" + strings.Repeat(" ", indent)
	var b strings.Builder
	used := 0 // cells on the current line
	for _, word := range strings.Fields(text) {
		w := ansi.StringWidth(word)
		switch {
		case used == 0:
		case used+1+w <= width:
			b.WriteByte(' ')
			used++
		default:
			b.WriteString(newline)
			used = 0
		}
		for w > width { // a word longer than a whole line (used is 0 here)
			part := ansi.Truncate(word, width, "")
			if part == "" { // a character wider than the line: never loop
				part = string([]rune(word)[:1])
			}
			b.WriteString(part + newline)
			word = word[len(part):]
			w = ansi.StringWidth(word)
		}
		b.WriteString(word)
		used += w
	}
	return b.String()
}
