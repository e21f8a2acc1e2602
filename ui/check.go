package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/consentdesk/consent/model"
)

// checkInputLimit bounds the check input: longer than any phone number or
// email address (254).
const checkInputLimit = 256

// checkView is the spot-check: one input, a phone number or an email, and
// the live analysis under it, updated on every keystroke.
type checkView struct {
	c     *common
	input textinput.Model
	phone model.PhoneAnalysis
	email model.EmailAnalysis
	width int
}

func newCheckView(c *common) *checkView {
	in := textinput.New()
	in.Prompt = "> "
	in.Placeholder = "+1 201 555 0123 or name@example.com"
	in.CharLimit = checkInputLimit
	in.SetStyles(c.styles.Input)
	v := &checkView{c: c, input: in}
	v.analyse()
	return v
}

func (v *checkView) Init() tea.Cmd { return v.input.Focus() }

func (v *checkView) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	v.input, cmd = v.input.Update(msg)
	v.analyse()
	return cmd
}

// isEmail reports whether the input is being read as an email address.
func (v *checkView) isEmail() bool { return strings.Contains(v.input.Value(), "@") }

// analyse re-reads the input: a phone number, or an email once it has an @.
func (v *checkView) analyse() {
	if v.isEmail() {
		v.email = model.AnalyzeEmail(v.input.Value())
		return
	}
	v.phone = v.c.rules.Analyze(v.input.Value())
}

func (v *checkView) View() string {
	s := v.c.styles
	var b strings.Builder
	b.WriteString(s.Label.Render("Phone number or email"))
	b.WriteString("\n")
	b.WriteString(v.input.View())
	b.WriteString("\n\n")
	if v.isEmail() {
		b.WriteString(renderEmailLine(v.email, s, v.width))
	} else {
		b.WriteString(renderPhoneLine(v.phone, s, v.width))
	}
	return b.String()
}

func (v *checkView) SetSize(width, height int) {
	v.width = width
	v.input.SetWidth(max(width-len(v.input.Prompt)-1, 10))
}

func (v *checkView) ShortHelp() []key.Binding {
	return []key.Binding{v.c.keys.Back, v.c.keys.Help, v.c.keys.Quit}
}

func (v *checkView) FullHelp() [][]key.Binding {
	return [][]key.Binding{{v.c.keys.Back, v.c.keys.Quit}, {v.c.keys.Help}}
}
