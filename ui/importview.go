package ui

import (
	"context"
	"errors"
	"fmt"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/importer"
	"github.com/consentdesk/consent/internal/present"
	"github.com/consentdesk/consent/internal/sheet"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
)

// importStep is where the import view is: the file, its preview, the
// sending, the reconcile report.
type importStep int

// The import view's steps.
const (
	importChoosing importStep = iota // the sheet's path, the list, the consent a sheet without a column gives
	importPreview                    // every row with its verdict
	importSending                    // importer.Run or importer.Resume, with its progress
	importReport                     // what came of each row
)

// importQuestion is the y/N the import view asks, if any.
type importQuestion int

// The import view's questions: each defaults to No.
const (
	askNothing importQuestion = iota
	askSend                   // "Send N rows to list NAME? (M rows are held back)"
	askStop                   // "Stop the import?" while it is sent
	askResume                 // "Resume import ID of FILE …?"
)

// importField is the focused row of the first step.
type importField int

// The first step's rows, in tab order; fieldImportResume is there only
// when the journal has an import to finish.
const (
	fieldImportResume importField = iota
	fieldImportPath
	fieldImportList
	fieldImportEmail
	fieldImportSMS
	fieldImportSMSTransactional
)

// importChannel is the consent each toggle of the first step gives.
var importChannel = map[importField]model.Channel{
	fieldImportEmail: model.EmailMarketing, fieldImportSMS: model.SMSMarketing, fieldImportSMSTransactional: model.SMSTransactional,
}

// importPathLimit bounds the path typed.
const importPathLimit = 1024

// importView imports a sign-up sheet the way `consent import` does,
// through the same importer functions: the path and the list, then every
// row's verdict (importer.PlanFile, importer.LookUp), then, after a y/N,
// the rows sent (importer.Run) with their progress, then the reconcile
// report. An import the journal has unfinished is offered for resuming
// (importer.Resume).
type importView struct {
	c    *common
	step importStep
	// The first step: the path as typed (kept whatever happens), the
	// list, the consent every row gives where the sheet has no column.
	path     textinput.Model
	list     *client.List
	on       map[model.Channel]bool
	focus    importField
	fileErr  string
	needsChn bool
	// listRead reads the account's default list; openRead finds an
	// import to finish in the journal.
	listRead request[client.List]
	openRead request[openImport]
	open     openImport
	// reading plans and looks up the sheet; lookups is its progress.
	reading request[importPlan]
	lookups *feed[lookupProgress]
	looked  lookupProgress
	plan    importPlan
	preview *sheetTable
	// headLines are the preview's head as made for headKey (the size and
	// the background): the same on every frame while they are.
	headLines []string
	headKey   [3]int
	// running sends (or resumes) the import; progress is its progress.
	running  request[importer.Report]
	progFeed *feed[importer.Progress]
	progress importer.Progress
	stopping bool
	report   importer.Report
	runErr   error
	results  *sheetTable
	// exporting writes a CSV; asking is the question open.
	exporting request[string]
	asking    importQuestion
	question  question
	notice    string
	problem   bool
	// vp is the first step's window on a short screen.
	vp     viewport
	width  int
	height int
}

// openImport is an import the journal has rows of to finish, made here.
type openImport struct {
	id, file, listID string
	rows             int
}

// importPlan is a sheet read and judged: its path as opened, its header,
// its rows with their verdicts; needsChannels is set (and nothing read
// past the header) when it has no consent column and no toggle is on.
type importPlan struct {
	path          string
	sheet         *sheet.Sheet
	rows          []importer.Row
	counts        importer.Counts
	backDated     bool
	needsChannels bool
}

// lookupProgress is how far LookUp has got: done of total rows to send
// looked up.
type lookupProgress struct{ done, total int }

// newImportView returns the import view on its first step.
func newImportView(c *common) *importView {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = "fair.csv or ~/Downloads/fair.csv"
	in.CharLimit = importPathLimit
	in.SetStyles(c.styles.Input)
	return &importView{c: c, path: in, on: map[model.Channel]bool{}, focus: fieldImportPath}
}

// Init focuses the path, reads the default list and looks in the journal
// for an import to finish.
func (v *importView) Init() tea.Cmd {
	cmds := []tea.Cmd{v.setFocus(fieldImportPath), v.findOpen()}
	if v.c.defaultList != "" && v.c.client != nil && v.list == nil {
		cl, id := v.c.client, v.c.defaultList
		cmds = append(cmds, v.listRead.start(v.c.ctx, v, func(ctx context.Context) (client.List, error) { return cl.List(ctx, id) }))
	}
	return tea.Batch(cmds...)
}

// findOpen reads the journal for the newest import made here with rows
// still open (importer.LatestOpen).
func (v *importView) findOpen() tea.Cmd {
	history, here := v.c.history, v.c.desk.Origin
	return v.openRead.start(v.c.ctx, v, func(context.Context) (openImport, error) {
		entries, err := history.Entries()
		if err != nil {
			return openImport{}, err
		}
		return openImportOf(entries, here), nil
	})
}

// openImportOf is the newest import of entries with rows to finish here.
func openImportOf(entries []journal.Entry, here journal.Origin) openImport {
	id := importer.LatestOpen(entries, here)
	if id == "" {
		return openImport{}
	}
	o := openImport{id: id}
	for _, e := range entries {
		if e.Import != nil && e.Import.ID == id {
			o.file, o.listID = e.Import.File, e.Request.ListID
			if e.State.Open() {
				o.rows++
			}
		}
	}
	return o
}

// Update routes the answers of the view's requests and feeds, the picked
// list, keys, and typing into the path or a filter.
func (v *importView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case answer[client.List]:
		if a, ok := v.listRead.accept(msg); ok {
			v.defaultListRead(a)
		}
		return nil
	case answer[openImport]:
		if a, ok := v.openRead.accept(msg); ok && a.err == nil {
			v.open = a.value
			if v.open.id != "" && v.step == importChoosing && v.path.Value() == "" {
				return v.setFocus(fieldImportResume)
			}
		}
		return nil
	case answer[importPlan]:
		if a, ok := v.reading.accept(msg); ok {
			v.planned(a.value, a.err)
		}
		return nil
	case fedMsg[lookupProgress]:
		if msg.from == v.lookups && v.reading.running() {
			v.looked = msg.value
			return v.lookups.next(v)
		}
		return nil
	case fedMsg[importer.Progress]:
		if msg.from == v.progFeed && v.running.running() {
			v.progress = msg.value
			return v.progFeed.next(v)
		}
		return nil
	case answer[importer.Report]:
		if a, ok := v.running.accept(msg); ok {
			v.finished(a.value, a.err)
		}
		return nil
	case answer[string]:
		if a, ok := v.exporting.accept(msg); ok {
			v.exported(a.value, a.err)
		}
		return nil
	case listPickedMsg:
		l := msg.list
		v.list = &l
		return v.setFocus(fieldImportPath)
	case tea.KeyPressMsg:
		return v.key(msg)
	case tea.PasteMsg:
		return v.updateText(msg)
	}
	return nil
}

// defaultListRead takes the account's default list, unless one was
// picked meanwhile.
func (v *importView) defaultListRead(a answer[client.List]) {
	switch {
	case a.err != nil:
		v.setNotice("The account's default list could not be read: "+model.SanitizeText(a.err.Error()), true)
	case v.list == nil:
		l := a.value
		v.list = &l
	}
}

// key handles a key press in the view's step.
func (v *importView) key(msg tea.KeyPressMsg) tea.Cmd {
	if v.asking != askNothing {
		return v.answer(msg)
	}
	if v.reading.running() {
		if key.Matches(msg, v.c.keys.Back) {
			v.reading.cancel()
			v.setNotice("Stopped reading the sheet: nothing was sent.", false)
		}
		return nil
	}
	switch v.step {
	case importChoosing:
		return v.chooseKey(msg)
	case importPreview:
		return v.previewKey(msg)
	case importSending:
		if key.Matches(msg, v.c.keys.Back) && !v.stopping {
			v.ask(askStop)
		}
		return nil
	}
	return v.reportKey(msg)
}

// chooseKey handles the first step's keys: tab and the arrows move,
// enter reads the sheet (or picks the list, or toggles), r resumes.
func (v *importView) chooseKey(msg tea.KeyPressMsg) tea.Cmd {
	k := v.c.keys
	switch {
	case key.Matches(msg, k.Back):
		return back
	case key.Matches(msg, k.Next):
		return v.setFocus(v.stepFocus(1))
	case key.Matches(msg, k.Prev):
		return v.setFocus(v.stepFocus(-1))
	case key.Matches(msg, k.Submit):
		return v.read()
	case key.Matches(msg, k.Enter):
		switch v.focus {
		case fieldImportList:
			return open(newListPicker(v.c, "import into which list?", pickForForm))
		case fieldImportResume:
			return v.askResume()
		case fieldImportPath:
			return v.read()
		}
		v.toggle()
		return nil
	case key.Matches(msg, k.Toggle) && importChannel[v.focus] != "":
		v.toggle()
		return nil
	case key.Matches(msg, k.ResumeImport) && v.focus != fieldImportPath:
		return v.askResume()
	}
	return v.updateText(msg)
}

// updateText gives msg to the path when it has the focus.
func (v *importView) updateText(msg tea.Msg) tea.Cmd {
	if v.step != importChoosing || v.focus != fieldImportPath || v.reading.running() || v.asking != askNothing {
		if t := v.table(); t != nil && t.typing() {
			return t.filter.update(msg, t.refilter)
		}
		return nil
	}
	before := v.path.Value()
	var cmd tea.Cmd
	v.path, cmd = v.path.Update(msg)
	if v.path.Value() != before {
		v.fileErr = ""
	}
	return cmd
}

// stepFocus is the row n rows from the focused one, skipping the resume
// row when there is nothing to resume.
func (v *importView) stepFocus(n int) importField {
	first := fieldImportPath
	if v.open.id != "" {
		first = fieldImportResume
	}
	f := v.focus + importField(n)
	return max(first, min(f, fieldImportSMSTransactional))
}

// setFocus moves the focus, focusing the path's input when it gets it.
func (v *importView) setFocus(f importField) tea.Cmd {
	v.focus = f
	if f == fieldImportPath {
		return v.path.Focus()
	}
	v.path.Blur()
	return nil
}

// toggle flips the focused consent toggle.
func (v *importView) toggle() {
	if ch := importChannel[v.focus]; ch != "" {
		v.on[ch] = !v.on[ch]
		v.needsChn = false
	}
}

// channels are the toggles turned on, in the form's order.
func (v *importView) channels() []model.Channel {
	var out []model.Channel
	for _, ch := range model.Channels {
		if v.on[ch] {
			out = append(out, ch)
		}
	}
	return out
}

// previewKey handles the preview's keys: the table's, e, ctrl+s, esc.
func (v *importView) previewKey(msg tea.KeyPressMsg) tea.Cmd {
	k := v.c.keys
	if cmd, handled := v.preview.key(msg, v.tableHeight()); handled {
		return cmd
	}
	switch {
	case key.Matches(msg, k.Back):
		v.step = importChoosing
		v.clearNotice()
		return v.setFocus(fieldImportPath)
	case key.Matches(msg, k.ExportCSV):
		return v.export("verdicts")
	case key.Matches(msg, k.SendImport):
		if v.plan.counts.Sends == 0 {
			v.setNotice("No row of the sheet can be sent: see each row's verdict.", true)
			return nil
		}
		v.ask(askSend)
	}
	return nil
}

// reportKey handles the report's keys: the table's, e, n, r.
func (v *importView) reportKey(msg tea.KeyPressMsg) tea.Cmd {
	k := v.c.keys
	if v.results != nil {
		if cmd, handled := v.results.key(msg, v.tableHeight()); handled {
			return cmd
		}
	}
	switch {
	case key.Matches(msg, k.ExportCSV):
		return v.export("report")
	case key.Matches(msg, k.NewImport):
		return v.restart()
	case key.Matches(msg, k.ResumeImport) && v.runErr != nil:
		v.open = openImport{id: v.report.ImportID, file: v.report.File, listID: v.listID(), rows: v.unsettled()}
		return v.askResume()
	}
	return nil
}

// restart is a new import on the same list: the first step, the path as
// typed, the journal read again for an import to finish.
func (v *importView) restart() tea.Cmd {
	v.step, v.preview, v.results, v.plan = importChoosing, nil, nil, importPlan{}
	v.report, v.runErr, v.stopping = importer.Report{}, nil, false
	v.open = openImport{}
	v.clearNotice()
	return tea.Batch(v.setFocus(fieldImportPath), v.findOpen())
}

// ask opens question q.
func (v *importView) ask(q importQuestion) {
	v.asking = q
	v.question.open(v.c.now())
}

// answer takes the answer to the open question: only y, once it could be
// read, says yes; every other key says No and nothing is done.
func (v *importView) answer(msg tea.KeyPressMsg) tea.Cmd {
	q := v.asking
	v.asking = askNothing
	yes, tooSoon := v.question.answer(msg, v.c.keys.Yes, v.c.now())
	if !yes {
		switch q {
		case askStop:
			v.setNotice("Still sending."+soonNote(tooSoon), false)
		default:
			v.setNotice("Nothing was sent."+soonNote(tooSoon), false)
		}
		return nil
	}
	v.clearNotice()
	switch q {
	case askSend:
		return v.send()
	case askResume:
		return v.resume()
	case askStop:
		v.stopping = true
		v.running.interrupt()
	}
	return nil
}

// askResume asks before finishing the open import.
func (v *importView) askResume() tea.Cmd {
	if v.open.id == "" || v.c.client == nil {
		return nil
	}
	v.ask(askResume)
	return nil
}

// setNotice sets the line under the step; problem styles it as a refusal.
func (v *importView) setNotice(text string, problem bool) { v.notice, v.problem = text, problem }

// clearNotice removes it.
func (v *importView) clearNotice() { v.setNotice("", false) }

// table is the step's table, nil on the first step and while sending.
func (v *importView) table() *sheetTable {
	switch v.step {
	case importPreview:
		return v.preview
	case importReport:
		return v.results
	}
	return nil
}

// listID is the import's list: the one chosen, or the resumed import's.
func (v *importView) listID() string {
	if v.list != nil {
		return v.list.ID
	}
	return v.open.listID
}

// listName is a list's name as the app knows it, else its id.
func (v *importView) listName(id string) string {
	if v.list != nil && v.list.ID == id {
		return model.SanitizeShort(v.list.Name, 40)
	}
	if name, ok := v.c.lists.name(id); ok {
		return model.SanitizeShort(name, 40)
	}
	return model.SanitizeText(id)
}

// Title names the view in the status line.
func (v *importView) Title() string { return "import" }

// Busy says what the view waits on.
func (v *importView) Busy() string {
	switch {
	case v.reading.running():
		return "reading the sheet"
	case v.running.running():
		return "importing"
	case v.exporting.running():
		return "writing the CSV"
	}
	return ""
}

// EscIsMine: esc cancels a read, answers a question, clears a filter,
// goes back from the preview to the file, and asks before stopping an
// import; on the first step and the report it goes back to Home.
func (v *importView) EscIsMine() bool {
	if v.asking != askNothing || v.reading.running() || v.step == importPreview || v.step == importSending {
		return true
	}
	t := v.table()
	return t != nil && (t.typing() || t.narrowed())
}

// CapturesText: the path and the filters take letters as typing.
func (v *importView) CapturesText() bool {
	if v.asking != askNothing {
		return false
	}
	if t := v.table(); t != nil {
		return t.typing()
	}
	return v.step == importChoosing && v.focus == fieldImportPath
}

// AtRisk says what quitting now would leave unfinished.
func (v *importView) AtRisk() string {
	if v.running.running() {
		return "an import being sent (the journal keeps every row: consent import --resume finishes it)"
	}
	return ""
}

// SetSize sets the size the view renders to.
func (v *importView) SetSize(width, height int) {
	v.width, v.height = width, height
	v.path.SetWidth(max(width-2-importLabelWidth-2, 10))
	for _, t := range []*sheetTable{v.preview, v.results} {
		if t != nil {
			t.setWidth(width)
		}
	}
}

// errFileOf is err's FileError, said as the file and line it names.
func errFileOf(err error) (string, bool) {
	var fe *importer.FileError
	if errors.As(err, &fe) {
		return model.SanitizeText(fe.Error()), true
	}
	return "", false
}

// unsettled is how many of the report's rows are not settled yet.
func (v *importView) unsettled() int {
	n := 0
	for _, r := range v.report.Rows {
		if r.Outcome == importer.Unknown || r.Outcome == importer.NotRecorded || (r.Outcome == importer.NotSent && r.EntryID != "") {
			n++
		}
	}
	return n
}

// sendQuestion is the y/N before sending, naming the scope.
func (v *importView) sendQuestion() string {
	c := v.plan.counts
	return fmt.Sprintf("Send %d %s to list %s? (%d %s held back) y/N", c.Sends, present.Plural(c.Sends, "row", "rows"),
		v.listName(v.listID()), c.Rows-c.Sends, present.Plural(c.Rows-c.Sends, "row is", "rows are"))
}
