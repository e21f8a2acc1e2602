package ui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/consentdesk/consent/internal/screentest"
)

// layoutSizes are the window sizes the layout is tried at.
var layoutSizes = [][2]int{{80, 24}, {60, 20}, {40, 12}, {200, 60}}

// pressKeys sends keys as an agent types them, waiting for what they
// start: \t is tab, \r enter, \x13 ctrl+s, \x1b esc; anything else is
// typed.
func pressKeys(t *testing.T, a *App, keys string) {
	t.Helper()
	for _, r := range keys {
		switch r {
		case '\t':
			pressAndWait(t, a, tea.KeyTab, 0)
		case '\r':
			pressAndWait(t, a, tea.KeyEnter, 0)
		case '\x13':
			pressAndWait(t, a, 's', tea.ModCtrl)
		case '\x1b':
			pressAndWait(t, a, tea.KeyEscape, 0)
		default:
			sendAndWait(t, a, tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
}

// layoutViews are the keys that reach each view, in a state that fills
// the screen.
var layoutViews = []struct{ name, keys string }{
	{"home", ""},
	{"form", "s"},
	{"form with a number", "s\t+386 40 123 456"},
	{"form refused", "s\x13"},
	{"form on List", "s\t\t\t\t\t"},
	{"picker", "s\t\t\t\t\t\r"},
	{"check card", "c" + walkerPhone + "\r"},
	{"check choosing", "c" + walkerPhone + "\r\tu"},
	{"check confirming", "c" + walkerPhone + "\r\tu\r\r"},
	{"profile", "c" + walkerPhone + "\r\t\r"},
	{"profile lists", "c" + walkerPhone + "\r\t\rl"},
	{"result", "sdoi.fits@example.com\t\t \t\t\t\rVIP\r\x13"},
	{"history", "h"},
	{"members", "m\r"},
}

// TestEveryViewFitsEverySize: no rendered line is wider than the window,
// nor are there more lines than it has, in any view at any size; and no
// line of the view is wider than its room (the root would cut it).
func TestEveryViewFitsEverySize(t *testing.T) {
	for _, size := range layoutSizes {
		for _, view := range layoutViews {
			t.Run(fmt.Sprintf("%s at %dx%d", view.name, size[0], size[1]), func(t *testing.T) {
				a, _ := newSandboxApp(t, size[0], size[1])
				pressKeys(t, a, view.keys)
				wantFits(t, a, size[0], size[1])
				// The view itself wraps to its room: the root never has
				// to cut one of its lines.
				for _, l := range strings.Split(ansi.Strip(a.current().View()), "\n") {
					if w := lipgloss.Width(l); w > a.innerWidth() {
						t.Errorf("the view's line %q is %d wide, the room %d", l, w, a.innerWidth())
					}
				}
			})
		}
	}
}

// TestFormKeepsTheFocusedFieldOnScreen: tab down to List and to Submit:
// the focused row is on screen at every size, with a hint when the form
// is cut above it.
func TestFormKeepsTheFocusedFieldOnScreen(t *testing.T) {
	tests := []struct {
		keys, want string
	}{
		{"\t\t\t\t\t", "› List"},
		{"\t\t\t\t\t\t", "[ Submit ]"},
		{"\t\t\t\t\t\t\t", "› Email"}, // round again: back on top
	}
	for _, size := range layoutSizes {
		for _, tt := range tests {
			a, _ := newSandboxApp(t, size[0], size[1])
			pressKeys(t, a, "s"+tt.keys)
			wantScreen(t, a, tt.want)
			if tt.want == "› List" && size[1] <= 12 {
				wantScreen(t, a, moreAbove)
			}
			wantFits(t, a, size[0], size[1])
		}
	}
}

// TestFormRefusalSummaryOnScreen: a submit with problems shows "Not sent"
// and the problems, and the field it moved the focus to, at every size.
func TestFormRefusalSummaryOnScreen(t *testing.T) {
	for _, size := range layoutSizes {
		a, _ := newSandboxApp(t, size[0], size[1])
		pressKeys(t, a, "s\t+386 40 123 456\t\t \x13")
		wantScreen(t, a, "Not sent:", "things to fix.", "✗ list: pick a list", "› List")
		wantFits(t, a, size[0], size[1])
	}
}

// TestFormWrapsInsteadOfCutting: at 40 columns the disabled toggles'
// reasons, the list's hint and a cancelled submit's notice are shown whole.
func TestFormWrapsInsteadOfCutting(t *testing.T) {
	a, _ := newSandboxApp(t, 40, 24)
	pressKeys(t, a, "s")
	formOf(t, a).notice = cancelledNotice
	wantScreen(t, a, "[-] disabled: enter a phone number first", "none yet — enter to pick",
		"History has it as pending, to retry.")
	for _, l := range strings.Split(screen(a), "\n")[2:] {
		if strings.HasSuffix(strings.TrimSpace(l), "…") {
			t.Errorf("a line is cut: %q\n%s", l, screen(a))
		}
	}
}

// TestFooterKeepsEscAndHelp: in a narrow window the footer drops whole
// bindings from the right, never esc and ?, and is never cut mid-binding.
func TestFooterKeepsEscAndHelp(t *testing.T) {
	for _, view := range []struct{ name, keys string }{
		{"form toggle", "s\t\t"},
		{"form List", "s\t\t\t\t\t"},
		{"form Submit", "s\t\t\t\t\t\t"},
		{"check card", "c" + walkerPhone + "\r\t"},
		{"profile", "c" + walkerPhone + "\r\t\r"},
	} {
		for _, width := range []int{40, 60} {
			a, _ := newSandboxApp(t, width, 12)
			pressKeys(t, a, view.keys)
			lines := strings.Split(screen(a), "\n")
			footer := lines[len(lines)-1]
			if !strings.Contains(footer, "esc ") || !strings.Contains(footer, "? ") {
				t.Errorf("%s at %d: the footer lost esc or ?: %q", view.name, width, footer)
			}
			if strings.HasSuffix(strings.TrimSpace(footer), "…") {
				t.Errorf("%s at %d: the footer is cut: %q", view.name, width, footer)
			}
		}
	}
}

// TestCheckKeepsTheQuestionOnScreen: at 40x12 the unsubscribe's question,
// and while choosing the channel under the cursor, are on screen.
func TestCheckKeepsTheQuestionOnScreen(t *testing.T) {
	a, _ := newSandboxApp(t, 40, 12)
	pressKeys(t, a, "c"+walkerPhone+"\r\tu")
	wantScreen(t, a, "› SMS marketing")
	pressAndWait(t, a, tea.KeyDown, 0)
	wantScreen(t, a, "› SMS transactional")
	pressKeys(t, a, "\r\r")
	wantScreen(t, a, "Unsubscribe James Walker", "y/N")
	wantFits(t, a, 40, 12)
}

// TestProfileScrollsWhenIdle: at 40x12 the profile's card is longer than
// the window; ↓ shows the rest, ↑ goes back.
func TestProfileScrollsWhenIdle(t *testing.T) {
	a, _ := newSandboxApp(t, 40, 12)
	pressKeys(t, a, "c"+walkerPhone+"\r\t\r")
	wantScreen(t, a, "James Walker", moreBelow)
	for range 30 {
		pressAndWait(t, a, tea.KeyDown, 0)
	}
	wantScreen(t, a, moreAbove, "SMS transactional")
	wantNotOnScreen(t, a, moreBelow)
	for range 30 {
		pressAndWait(t, a, tea.KeyUp, 0)
	}
	wantScreen(t, a, "James Walker")
	wantNotOnScreen(t, a, moreAbove)
}

// TestViewportWindow: the window keeps the focus on screen (its first
// lines when it does not fit), moves only as far as it must, and leaves
// the pinned summary under it.
func TestViewportWindow(t *testing.T) {
	lines := make([]string, 20)
	for i := range lines {
		lines[i] = fmt.Sprintf("line %d", i)
	}
	tests := []struct {
		name     string
		top      int
		focus    span
		pinned   []string
		height   int
		wants    []string
		unwanted []string
	}{
		{"all fits", 0, span{}, nil, 20, []string{"line 0", "line 19"}, []string{moreAbove, moreBelow}},
		{"top, no focus", 0, span{}, nil, 5, []string{"line 0", "line 3", moreBelow}, []string{moreAbove, "line 4"}},
		{"focus at the end", 0, span{19, 20}, nil, 5, []string{moreAbove, "line 16", "line 19"}, []string{moreBelow, "line 15"}},
		{"focus in the middle", 0, span{10, 11}, nil, 5, []string{moreAbove, "line 10", moreBelow}, []string{"line 11"}},
		{"stays when the focus is shown", 8, span{10, 11}, nil, 5, []string{moreAbove, "line 8", "line 10", moreBelow}, []string{"line 7", "line 11"}},
		{"a focus too long shows its start", 0, span{5, 15}, nil, 5, []string{"line 5", "line 7"}, []string{"line 4", "line 8"}},
		{"pinned under", 0, span{0, 1}, []string{"Not sent: 2 things", "✗ a"}, 6, []string{"line 0", "line 1", moreBelow, "Not sent: 2 things", "✗ a"}, []string{"line 2"}},
		{"context with the focus when both fit", 10, span{12, 13}, nil, 6, []string{"line 9", "line 12"}, []string{"line 8", "line 13"}},
		{"pinned gives way to the focus", 0, span{19, 20}, []string{"Not sent", "✗ a", "✗ b", "✗ c"}, 5, []string{"line 19", "Not sent", "✗ a"}, []string{"✗ b"}},
	}
	s := newStyles(true)
	for _, tt := range tests {
		vp := viewport{top: tt.top}
		b := body{lines: lines, focus: tt.focus, pinned: tt.pinned}
		if strings.HasPrefix(tt.name, "context") {
			b.context = span{9, 10}
		}
		rendered := ansi.Strip(vp.render(b, tt.height, s))
		got := strings.Join(strings.Fields(rendered), " ")
		if n := lipgloss.Height(rendered); n > tt.height {
			t.Errorf("%s: %d lines in %d", tt.name, n, tt.height)
		}
		for _, w := range tt.wants {
			if screentest.Missing(got, w) != "" {
				t.Errorf("%s: lacks %q: %s", tt.name, w, got)
			}
		}
		for _, u := range tt.unwanted {
			if strings.Contains(got+" ", u+" ") {
				t.Errorf("%s: has %q: %s", tt.name, u, got)
			}
		}
	}
}

// TestResultWrapsTheOutcome: at every size the double opt-in's outcome is
// wrapped whole in the room after its channel (or under it), never cut.
func TestResultWrapsTheOutcome(t *testing.T) {
	for _, size := range layoutSizes {
		a, _ := newSandboxApp(t, size[0], size[1])
		emailMarketingToPicker(t, a, "doi.layout@example.com")
		pressKeys(t, a, "VIP\r\x13")
		wantScreen(t, a, "pending double opt-in")
		for _, l := range strings.Split(screen(a), "\n")[2:] {
			if strings.Contains(strings.ReplaceAll(l, "… pending", ""), "…") { // the pending mark is not a cut
				t.Errorf("%dx%d: a cut line %q:\n%s", size[0], size[1], l, screen(a))
			}
		}
		wantFits(t, a, size[0], size[1])
	}
}

// oliviaRow is one synthetic member's row in the wide members table.
var oliviaRow = regexp.MustCompile(`Olivia Clarke member344@members\.example\.com \+15145007495 CA subscribed subscribed \d{4}-\d{2}-\d{2} `)

// TestMembersNameColumnWhenWide: a wide window shows each member's first
// and last name in a column of its own, and the email column keeps only
// what its addresses need; a narrow one keeps the email first.
func TestMembersNameColumnWhenWide(t *testing.T) {
	tests := []struct {
		width, height int
		wantName      bool
	}{
		{200, 60, true},
		{120, 30, true},
		{80, 24, false},
		{60, 20, false},
	}
	for _, tt := range tests {
		a, _ := membersApp(t, tt.width, tt.height, 30)
		lines := strings.Split(screen(a), "\n")
		var header string
		for _, l := range lines {
			if strings.Contains(l, "email consent") {
				header = l
				break
			}
		}
		hasName := strings.HasPrefix(strings.TrimSpace(header), "name ")
		if hasName != tt.wantName {
			t.Errorf("%dx%d: name column %t, want %t: %q", tt.width, tt.height, hasName, tt.wantName, header)
		}
		if tt.wantName {
			// The synthetic members joined at times relative to the
			// sandbox's clock (today), so the date is matched by its shape.
			if !oliviaRow.MatchString(strings.Join(strings.Fields(screen(a)), " ")) {
				t.Errorf("%dx%d: no row %q:\n%s", tt.width, tt.height, oliviaRow, screen(a))
			}
			if i, j := strings.Index(header, "email "), strings.Index(header, "phone"); j-i > memberWideEmail+2 {
				t.Errorf("%dx%d: the email column is %d wide: %q", tt.width, tt.height, j-i, header)
			}
		}
		wantFits(t, a, tt.width, tt.height)
	}
}

// TestHomeWrapsItsActions: at 40 columns every action's description is
// shown whole, wrapped under itself.
func TestHomeWrapsItsActions(t *testing.T) {
	a := newTestApp(t, 40, 24)
	wantScreen(t, a, homeDescriptions[:]...)
	wantFits(t, a, 40, 24)
}

// TestProfileChoiceKeepsItsQuestion: choosing the channel to unsubscribe
// at 40x12, the cursor and, when both fit, the question above it are on
// screen, even after the card was scrolled.
func TestProfileChoiceKeepsItsQuestion(t *testing.T) {
	a, _ := newSandboxApp(t, 40, 12)
	pressKeys(t, a, "c"+walkerPhone+"\r\t\r")
	for range 6 {
		pressAndWait(t, a, tea.KeyDown, 0)
	}
	pressKeys(t, a, "u")
	wantScreen(t, a, "Unsubscribe which channel?", "› SMS marketing")
	pressAndWait(t, a, tea.KeyDown, 0)
	wantScreen(t, a, "› SMS transactional")
	wantFits(t, a, 40, 12)
}

// TestViewportStickyContext: a context too far above the focus to share
// the window with it stays above the window, which keeps the focus.
func TestViewportStickyContext(t *testing.T) {
	lines := make([]string, 30)
	for i := range lines {
		lines[i] = fmt.Sprintf("line %d", i)
	}
	var vp viewport
	got := ansi.Strip(vp.render(body{lines: lines, focus: span{20, 21}, context: span{2, 4}}, 8, newStyles(true)))
	rows := strings.Split(got, "\n")
	if len(rows) > 8 || rows[0] != "line 2" || rows[1] != "line 3" || !strings.Contains(got, "line 20") || !strings.Contains(got, moreAbove) {
		t.Errorf("the context is not above the focus:\n%s", got)
	}
}

// TestResultScrolls: at 40x12 the double opt-in's result is longer than
// the window: it says so, and ↓ shows the read-back under it.
func TestResultScrolls(t *testing.T) {
	a, _ := newSandboxApp(t, 40, 12)
	emailMarketingToPicker(t, a, "doi.scroll@example.com")
	pressKeys(t, a, "VIP\r\x13")
	wantScreen(t, a, "Email marketing", moreBelow)
	for range 10 {
		pressAndWait(t, a, tea.KeyDown, 0)
	}
	wantScreen(t, a, moreAbove, "read back")
	wantFits(t, a, 40, 12)
}

// TestHomeKeepsEveryActionInASmallWindow: at 40x12 the full descriptions
// would push actions off the window; each action is shown, briefly.
func TestHomeKeepsEveryActionInASmallWindow(t *testing.T) {
	a := newTestApp(t, 40, 12)
	wantScreen(t, a, "s  subscribe someone", "m  a list's members", "c  check a number or email", "h  history and retries", "q  quit")
	wantFits(t, a, 40, 12)
}
