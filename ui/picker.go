package ui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/model"
)

// listPickedMsg tells the view under the picker which list was chosen.
type listPickedMsg struct{ list client.List }

// pickerView lists every list, loading Klaviyo's 10-a-page paging in the
// background until all are in (or Klaviyo's links would never end: see
// client.PageWalk), filtered by what the agent types.
type pickerView struct {
	c      *common
	filter textinput.Model
	lists  []client.List
	keys   []string // per list, what the filter matches: name and id, lower-cased
	shown  []int    // indexes into lists that match the filter
	// win is the cursor and the screen over shown.
	win window
	// load is the page being read; done is set once every page is in;
	// walk keeps the paging finite (client.PageWalk), pages counts the
	// pages read.
	load   request[client.ListPage]
	done   bool
	walk   *client.PageWalk
	pages  int
	err    error
	onPick func(client.List) tea.Cmd
	width  int
	height int
	title  string
}

// newListPicker returns a picker; onPick says what choosing a list does.
func newListPicker(c *common, title string, onPick func(client.List) tea.Cmd) *pickerView {
	in := textinput.New()
	in.Prompt = "filter: "
	in.Placeholder = "type part of a name or id"
	in.CharLimit = 100
	in.SetStyles(c.styles.Input)
	return &pickerView{c: c, filter: in, onPick: onPick, title: title, walk: client.NewPageWalk("lists", client.MaxListPages)}
}

// pickForForm returns the onPick of the subscribe form: close the picker,
// then hand the list to the form.
func pickForForm(l client.List) tea.Cmd {
	return tea.Sequence(back, func() tea.Msg { return listPickedMsg{l} })
}

// Init focuses the filter and shows the lists the app read before, or
// asks for the first page of lists when it has not read them all.
func (p *pickerView) Init() tea.Cmd {
	if p.c.lists.complete {
		p.add(p.c.lists.lists)
		p.done = true
		p.refilter()
		return p.filter.Focus()
	}
	return tea.Batch(p.filter.Focus(), p.fetch(""))
}

// reload forgets the lists and reads every page again (ctrl+r).
func (p *pickerView) reload() tea.Cmd {
	p.load.cancel()
	p.lists, p.keys, p.shown = nil, nil, nil
	p.done, p.err, p.pages = false, nil, 0
	p.walk = client.NewPageWalk("lists", client.MaxListPages)
	p.refilter()
	return p.fetch("")
}

// fetch asks for one page of lists, next ("" for the first).
func (p *pickerView) fetch(next string) tea.Cmd {
	cl := p.c.client
	return p.load.start(p.c.ctx, p, func(ctx context.Context) (client.ListPage, error) {
		return cl.ListsPage(ctx, next)
	})
}

// Update takes the pages of lists, the picker's keys, and typing, which
// filters.
func (p *pickerView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case answer[client.ListPage]:
		a, ok := p.load.accept(msg)
		if !ok {
			return nil // an answer to a request that is no longer current
		}
		return p.received(a.value, a.err)
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, p.c.keys.Back):
			p.stop()
			return back
		case key.Matches(msg, p.c.keys.RefreshLists):
			return p.reload()
		case key.Matches(msg, p.c.keys.Pick):
			if len(p.shown) == 0 {
				return nil
			}
			p.stop()
			return p.onPick(p.lists[p.shown[p.win.cursor]])
		case key.Matches(msg, p.c.keys.Up):
			p.win.moveBy(-1)
			p.win.scroll(p.listHeight())
			return nil
		case key.Matches(msg, p.c.keys.Down):
			p.win.moveBy(1)
			p.win.scroll(p.listHeight())
			return nil
		}
	}
	var cmd tea.Cmd
	before := p.filter.Value()
	p.filter, cmd = p.filter.Update(msg)
	if p.filter.Value() != before {
		p.refilter()
	}
	return cmd
}

// received keeps a page of lists and asks for the next, until the last
// page, an error, or links that would never end (the lists read are kept).
func (p *pickerView) received(page client.ListPage, err error) tea.Cmd {
	if err != nil {
		p.err = err
		return nil
	}
	if p.pages == 0 { // the first page: the walk starts where it was read
		if p.err = p.walk.Follow(page.URL); p.err != nil {
			return nil
		}
	}
	p.pages++
	p.add(page.Lists)
	p.refilter()
	if page.Next == "" {
		p.done = true
		p.c.lists.keep(p.lists)
		return nil
	}
	if p.err = p.walk.Follow(page.Next); p.err != nil {
		return nil
	}
	return p.fetch(page.Next)
}

// stop cancels loading when the picker closes.
func (p *pickerView) stop() { p.load.cancel() }

// refilter recomputes which lists match the filter, keeping the cursor in
// range. It matches the name and id as shown (sanitised), so escapes hidden
// in a name do not hide the list.
func (p *pickerView) refilter() {
	q := foldForMatch(strings.TrimSpace(p.filter.Value()))
	p.shown = p.shown[:0]
	for i, key := range p.keys {
		if q == "" || strings.Contains(key, q) {
			p.shown = append(p.shown, i)
		}
	}
	p.win.setCount(len(p.shown))
	p.win.scroll(p.listHeight())
}

// listHeight is how many lists fit under the filter and above the count.
func (p *pickerView) listHeight() int { return max(p.height-4, 1) }

// add keeps lists as they arrive, with what the filter matches for each:
// the name and id as shown (sanitised), folded once (foldForMatch), not
// per key.
func (p *pickerView) add(lists []client.List) {
	for _, l := range lists {
		p.lists = append(p.lists, l)
		p.keys = append(p.keys, foldForMatch(model.SanitizeText(l.Name)+"\x00"+model.SanitizeText(l.ID)))
	}
}

// View is the filter, the lists on screen, and how many there are.
func (p *pickerView) View() string {
	s := p.c.styles
	var b strings.Builder
	b.WriteString(p.filter.View() + "\n\n")
	start, end := p.win.span(p.listHeight())
	// The name column takes what the marker, the id and the opt-in
	// ("single opt-in") leave, from 12 to 32 cells.
	nameWidth := min(max(p.width-2-1-8-1-13, 12), 32)
	for i := start; i < end; i++ {
		l := p.lists[p.shown[i]]
		line := fmt.Sprintf("%-*s %-8s %s", nameWidth, model.SanitizeShort(l.Name, nameWidth), model.SanitizeText(l.ID), l.OptInName())
		if i == p.win.cursor {
			b.WriteString(s.Key.Render("› ") + s.Label.Render(line) + "\n")
		} else {
			b.WriteString("  " + line + "\n")
		}
	}
	switch {
	case p.err != nil:
		b.WriteString("\n" + s.Bad.Render("✗ "+model.SanitizeText(p.err.Error())))
	case len(p.shown) == 0 && !p.load.running():
		b.WriteString(s.Muted.Render("  no list matches"))
	}
	b.WriteString("\n" + s.Muted.Render(p.countLine()))
	return b.String()
}

// countLine says how many lists are shown and whether more are loading.
func (p *pickerView) countLine() string {
	switch {
	case p.load.running():
		return fmt.Sprintf("%d lists so far, loading more…", len(p.lists))
	case len(p.shown) == len(p.lists):
		return fmt.Sprintf("%d lists (ctrl+r reloads them)", len(p.lists))
	}
	return fmt.Sprintf("%d of %d lists match", len(p.shown), len(p.lists))
}

// Title names the view in the status line: what the list is picked for.
func (p *pickerView) Title() string { return p.title }

// Busy says what the view waits on.
func (p *pickerView) Busy() string {
	if p.load.running() {
		return "loading lists"
	}
	return ""
}

// CapturesText: typed letters filter the lists.
func (p *pickerView) CapturesText() bool { return true }

// SetSize sets the size the view renders to and keeps the cursor on
// screen.
func (p *pickerView) SetSize(width, height int) {
	p.width, p.height = width, height
	p.filter.SetWidth(max(width-len(p.filter.Prompt)-1, 10))
	p.win.scroll(p.listHeight())
}

// ShortHelp is the footer.
func (p *pickerView) ShortHelp() []key.Binding {
	return []key.Binding{p.c.keys.Pick, p.c.keys.Up, p.c.keys.Down, p.c.keys.RefreshLists, p.c.keys.Back}
}

// FullHelp is every key of the picker.
func (p *pickerView) FullHelp() [][]key.Binding {
	return [][]key.Binding{{p.c.keys.Pick, p.c.keys.Back}, {p.c.keys.Up, p.c.keys.Down}, {p.c.keys.RefreshLists, p.c.keys.Quit}}
}
