package ui

import (
	"fmt"
	"regexp"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/consentdesk/consent/internal/screentest"
)

// TestResultVerifiedLineIsWholeAtAnyWidth subscribes through the form at
// 80 and 60 columns: the verified line, wrapped under its label, keeps its
// timestamp and duration whole (a block's padding used to push its first
// line past the edge at 60 columns, where the root cut it).
func TestResultVerifiedLineIsWholeAtAnyWidth(t *testing.T) {
	verified := regexp.MustCompile(`Email marketing ✓ verified SUBSCRIBED at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(after \d+ms\)`)
	for _, size := range [][2]int{{80, 24}, {60, 20}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			a, _ := newSandboxApp(t, size[0], size[1])
			emailMarketingToPicker(t, a, "narrow.result@example.com")
			typeAndWait(t, a, "newsl")
			pressAndWait(t, a, tea.KeyEnter, 0)
			pressAndWait(t, a, 's', tea.ModCtrl)
			if !verified.MatchString(screentest.Flat(screen(a))) {
				t.Errorf("the verified line is not whole:\n%s", screen(a))
			}
		})
	}
}
