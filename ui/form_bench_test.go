package ui

import (
	"testing"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/model"
)

// formBenchNumber is typed into the phone field: 12 digits, 13 keys.
const formBenchNumber = "+447400123456"

// BenchmarkFormKeystroke is DESIGN.md's keystroke budget (≤ 250 µs): one key
// typed into the subscribe form's phone field, through the root's Update
// (which re-analyses the number) and a full View of the 80x24 screen. The
// keys type the number, then ctrl+u clears it, over and over.
func BenchmarkFormKeystroke(b *testing.B) {
	a := New(Options{Now: readerClock(), Rules: model.PhoneRules{Policy: model.DefaultSMSPolicy()}, Backend: "SANDBOX"})
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	_, cmd := a.Update(tea.KeyPressMsg{Code: 's', Text: "s"})
	a.Update(cmd()) // open the form
	a.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	keys := formKeys()
	a.View()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		a.Update(keys[i%len(keys)])
		_ = a.View()
		i++
	}
}

// BenchmarkFormKeystrokeAfterRefusal is BenchmarkFormKeystroke on a form
// whose submit was refused (no list, no channel): the keys that follow are
// the ones a refused form re-checks, so this is the keystroke at its
// dearest.
func BenchmarkFormKeystrokeAfterRefusal(b *testing.B) {
	a := New(Options{Now: readerClock(), Rules: model.PhoneRules{Policy: model.DefaultSMSPolicy()}, Backend: "SANDBOX"})
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	_, cmd := a.Update(tea.KeyPressMsg{Code: 's', Text: "s"})
	a.Update(cmd()) // open the form
	a.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	a.Update(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}) // refused: focus goes to List
	for range 4 {
		a.Update(tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}) // back to Phone
	}
	if f, ok := a.current().(*formView); !ok || f.focus != fieldPhone || len(f.problems) == 0 {
		b.Fatalf("not on a refused form's phone field:\n%s", a.View().Content)
	}
	keys := formKeys()
	a.View()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		a.Update(keys[i%len(keys)])
		_ = a.View()
		i++
	}
}

// BenchmarkFormKeystrokeBaselineTextinput is the same keys through a bare
// bubbles textinput (Update + View), for scale: what a keystroke costs
// before Consent Desk analyses anything or lays out a screen.
func BenchmarkFormKeystrokeBaselineTextinput(b *testing.B) {
	in := textinput.New()
	in.Focus()
	keys := formKeys()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		in, _ = in.Update(keys[i%len(keys)])
		_ = in.View()
		i++
	}
}

// formKeys types formBenchNumber, then clears the field.
func formKeys() []tea.Msg {
	var keys []tea.Msg
	for _, r := range formBenchNumber {
		keys = append(keys, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return append(keys, tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
}
