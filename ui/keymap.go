package ui

import "charm.land/bubbles/v2/key"

// keyMap holds every binding of the UI, defined once. Views pick the ones
// their footer shows; matching always goes through key.Matches. Some
// bindings are another's keys described for one step (Cancel is esc while
// something runs, LookUp is enter in a lookup): the footer says what the
// key does there.
type keyMap struct {
	// Everywhere.
	Quit key.Binding
	Back key.Binding
	Help key.Binding

	// Home.
	Subscribe key.Binding
	Members   key.Binding
	Check     key.Binding
	History   key.Binding
	Import    key.Binding
	Leave     key.Binding
	// LeaveView is q in a view other than Home: back, as esc, except
	// while an input takes the keys (q is then a letter).
	LeaveView key.Binding

	// Forms and pickers.
	Next   key.Binding
	Prev   key.Binding
	Toggle key.Binding
	Enter  key.Binding
	Submit key.Binding
	// ReadAs reads a number typed without + as one of the next SMS
	// country (the form, when no default region is set).
	ReadAs key.Binding
	// EnteredLater opens and folds the form's part for consent
	// collected earlier (a back-date).
	EnteredLater key.Binding
	Up           key.Binding
	Down         key.Binding
	Pick         key.Binding

	// Result.
	NewEntry    key.Binding
	Edit        key.Binding
	OpenProfile key.Binding

	// Tables and cards.
	RowUp       key.Binding // up, or k, on the members table (no text field there)
	RowDown     key.Binding // down, or j
	PageUp      key.Binding
	PageDown    key.Binding
	Top         key.Binding
	Bottom      key.Binding
	Lookup      key.Binding
	Open        key.Binding
	Lists       key.Binding
	CardActions key.Binding
	Unsubscribe key.Binding
	Retry       key.Binding
	Resend      key.Binding
	Dismiss     key.Binding
	Yes         key.Binding
	No          key.Binding

	// Asked for by agents: the clipboard (OSC 52), subscribing the person
	// a card shows, History's filter and paging, reloading the lists.
	Copy            key.Binding // y: the card's focused value
	CopyCard        key.Binding // Y: the whole card as text
	SubscribePerson key.Binding // s on a card: the form filled in
	Filter          key.Binding // / in History and in the members' loaded rows
	RefreshLists    key.Binding // ctrl+r in the list picker
	FilterLoaded    key.Binding // f in the members table: only the rows loaded
	HistoryPageUp   key.Binding // pgup, as History's footer says it
	HistoryPageDown key.Binding
	HistoryTop      key.Binding
	HistoryBottom   key.Binding
	OpenEntry       key.Binding // enter on a History entry: its profile
	Proof           key.Binding // t on a card: the person's proof of consent
	ExportProof     key.Binding // e in the proof: Markdown in the working directory

	// The import view: a sheet's preview and its report.
	VerdictFilter key.Binding // v: the rows of one verdict (outcome), the next, all
	RowDetail     key.Binding // enter on a row: its detail in full
	ExportCSV     key.Binding // e: the verdicts or the report as CSV beside the sheet
	SendImport    key.Binding // ctrl+s: send the rows that may go, after a y/N
	ResumeImport  key.Binding // r: finish an import cut short, after a y/N
	StopImport    key.Binding // esc while an import is sent: asks whether to stop
	NewImport     key.Binding // n on the report: another sheet, the same list

	// Esc and enter as the footer names them in one step or another.
	Cancel          key.Binding // esc while a request runs or a step is open
	CancelRetry     key.Binding // esc while History retries an entry
	FullList        key.Binding // esc on a members lookup: back to the list
	LookUp          key.Binding // enter in the check's input or the members lookup
	PickList        key.Binding // enter on the form's List
	SubmitButton    key.Binding // enter on the form's Submit
	ChooseChannel   key.Binding // enter on an unsubscribe's channel
	ChooseScope     key.Binding // enter on an unsubscribe's scope
	DismissWithNote key.Binding // enter on a dismissal's note
	SendAsTyped     key.Binding // a on two profiles: send to the email's, after a y/N
	ChangeInput     key.Binding // e on a guard: back to the form, everything kept
	StopSending     key.Binding // esc on a guard: nothing sent
	SendOnEvidence  key.Binding // ctrl+s on an opt-out: send with the evidence typed
	BackToTyping    key.Binding // tab (or esc) from the check's card to its input

	// The answers of y/N questions, as the footer names them.
	AnyOtherKeyNo key.Binding // a question that any key but y answers No
	DiscardEntry  key.Binding // y to the form's discard question
	KeepEditing   key.Binding // n or esc to it
}

// defaultKeyMap is the UI's bindings.
func defaultKeyMap() keyMap {
	k := keyMap{
		Quit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Back: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Help: key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more keys")),

		Subscribe: key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "subscribe")),
		Members:   key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "members")),
		Check:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "check")),
		History:   key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "history")),
		Import:    key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "import")),
		Leave:     key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		LeaveView: key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "back")),

		Next:         key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		Prev:         key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
		Toggle:       key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "toggle")),
		Enter:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		Submit:       key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "submit")),
		ReadAs:       key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "read as a number of…")),
		EnteredLater: key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "entered later")),
		Up:           key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑", "up")),
		Down:         key.NewBinding(key.WithKeys("down", "ctrl+n"), key.WithHelp("↓", "down")),
		Pick:         key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "pick")),

		NewEntry:    key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new entry")),
		Edit:        key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
		OpenProfile: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "profile")),

		PageUp:      key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
		Top:         key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home", "first member")),
		Bottom:      key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end", "last member")),
		Lookup:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "find")),
		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open profile")),
		Lists:       key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "lists the profile is on")),
		CardActions: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "card: lists, unsubscribe, profile")),
		Unsubscribe: key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "unsubscribe a channel")),
		Retry:       key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry")),
		Resend:      key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "resend an accepted entry")),
		Dismiss:     key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "dismiss with a note")),
		Yes:         key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		No:          key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", "no")),

		Copy:            key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy")),
		CopyCard:        key.NewBinding(key.WithKeys("Y"), key.WithHelp("Y", "copy the card")),
		SubscribePerson: key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "subscribe this person")),
		Filter:          key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		RefreshLists:    key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "reload the lists")),
		FilterLoaded:    key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filter the loaded rows")),
	}
	k.RowUp = key.NewBinding(key.WithKeys(append(k.Up.Keys(), "k")...), key.WithHelp("↑/k", "up"))
	k.RowDown = key.NewBinding(key.WithKeys(append(k.Down.Keys(), "j")...), key.WithHelp("↓/j", "down"))
	k.HistoryPageUp = relabel(k.PageUp, "page up")
	k.HistoryPageDown = relabel(k.PageDown, "page down")
	k.HistoryTop = relabel(k.Top, "newest")
	k.HistoryBottom = relabel(k.Bottom, "oldest")
	k.OpenEntry = relabel(k.Enter, "open the person's profile")
	k.Proof = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "proof of consent"))
	k.VerdictFilter = key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "verdict"))
	k.RowDetail = relabel(k.Enter, "detail")
	k.ExportCSV = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export"))
	k.ExportProof = relabel(k.ExportCSV, "export as Markdown")
	k.SendImport = relabel(k.Submit, "import")
	k.ResumeImport = relabel(k.Retry, "resume")
	k.StopImport = relabel(k.Back, "stop")
	k.NewImport = relabel(k.NewEntry, "new import")
	k.Cancel = relabel(k.Back, "cancel")
	k.CancelRetry = relabel(k.Back, "cancel the retry")
	k.FullList = relabel(k.Back, "full list")
	k.LookUp = relabel(k.Enter, "look up")
	k.PickList = relabel(k.Enter, "pick a list")
	k.SubmitButton = relabel(k.Enter, "submit")
	k.ChooseChannel = relabel(k.Enter, "choose channel")
	k.ChooseScope = relabel(k.Enter, "choose where")
	k.DismissWithNote = relabel(k.Enter, "dismiss with this note")
	k.SendAsTyped = key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "send"))
	k.ChangeInput = relabel(k.Edit, "edit")
	k.StopSending = relabel(k.Back, "stop")
	k.SendOnEvidence = relabel(k.Submit, "send with this evidence")
	k.BackToTyping = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab/esc", "back to typing"))
	k.AnyOtherKeyNo = key.NewBinding(key.WithKeys("n"), key.WithHelp("any other key", "no"))
	k.DiscardEntry = relabel(k.Yes, "discard the entry")
	k.KeepEditing = key.NewBinding(key.WithKeys(k.No.Keys()...), key.WithHelp("n/esc", "keep editing"))
	return k
}

// relabel is binding b with another description: the same keys, said as
// what they do in one step, or shorter for a footer that must fit 80
// columns.
func relabel(b key.Binding, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(b.Help().Key, desc))
}
