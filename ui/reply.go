package ui

// reply is the answer to a request a view made. The root gives it to the
// view that made it wherever that view is in the stack — the agent may
// have opened another view above it while it waited — and drops it when
// that view is closed. The view then checks that the answer is for its
// current request (a sequence number), since a newer one may have
// replaced it.
type reply interface {
	// isFor reports whether v is the view that asked.
	isFor(v component) bool
}

// panelHost is a view showing a profile panel (check, profile): a panel's
// answers belong to the view whose panel it still is.
type panelHost interface {
	hostedPanel() *profilePanel
}

func hostsPanel(v component, p *profilePanel) bool {
	h, ok := v.(panelHost)
	return ok && p != nil && h.hostedPanel() == p
}

func (m checkLookupMsg) isFor(v component) bool       { return v == component(m.view) }
func (m profileLoadedMsg) isFor(v component) bool     { return v == component(m.view) }
func (m historyRetriedMsg) isFor(v component) bool    { return v == component(m.view) }
func (m membersPageMsg) isFor(v component) bool       { return v == component(m.view) }
func (m listsPageMsg) isFor(v component) bool         { return v == component(m.view) }
func (m submitDoneMsg) isFor(v component) bool        { return v == component(m.view) }
func (m defaultListMsg) isFor(v component) bool       { return v == component(m.view) }
func (m homeCountMsg) isFor(v component) bool         { return v == component(m.view) }
func (m panelListsMsg) isFor(v component) bool        { return hostsPanel(v, m.panel) }
func (m panelUnsubscribedMsg) isFor(v component) bool { return hostsPanel(v, m.panel) }
