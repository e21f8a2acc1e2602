package cli

import (
	"fmt"
	"sync"
	"time"

	"github.com/consentdesk/consent/client"
)

// waitReporter is the client's OnWait for a command whose stderr is a
// terminal: a line on stderr for each wait Klaviyo asked for and each
// retry, so that an agent does not stare at a silent command for up to the
// 14 s a request may take. Elsewhere (a script, a log) nil: nothing is said.
func waitReporter(e env) func(client.Wait) {
	if e.stderrIsTerminal == nil || !e.stderrIsTerminal() {
		return nil
	}
	var mu sync.Mutex // members pages in parallel
	return func(w client.Wait) {
		line := waitLine(w)
		if line == "" {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(e.stderr, line)
	}
}

// waitLine says a wait of the client in a line, "" for one not worth a
// line: the limiter's pacing is told once it is over, and is short.
func waitLine(w client.Wait) string {
	switch w.Reason {
	case "throttled":
		return fmt.Sprintf("Klaviyo asked us to wait %d s…", waitSeconds(w.Duration))
	case "retry":
		line := "retrying " + w.Endpoint
		if w.Attempts > 0 {
			line += fmt.Sprintf(" (%d of %d)", w.Attempt, w.Attempts)
		}
		return line + fmt.Sprintf(" in %d s…", waitSeconds(w.Duration))
	}
	return ""
}

// waitSeconds is d in whole seconds, at least 1, as the UI's status line
// says it.
func waitSeconds(d time.Duration) int { return max(1, int(d.Round(time.Second)/time.Second)) }
