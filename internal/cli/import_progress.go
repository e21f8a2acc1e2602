package cli

import (
	"fmt"
	"sync"
	"time"

	"github.com/consentdesk/consent/importer"
)

// importProgress says on stderr how far an import has got: on a terminal
// one line redrawn in place (rows sent / verified / failed, rate, ETA);
// elsewhere a line every progressEvery, so a log shows it moving.
type importProgress struct {
	e        env
	terminal bool
	mu       sync.Mutex
	last     time.Time
	drawn    bool
}

// progressEvery is how often a log gets a progress line.
const progressEvery = 5 * time.Second

// newImportProgress starts saying progress on e's stderr: in a log, the
// first line comes after progressEvery, so a short import says nothing.
func newImportProgress(e env) *importProgress {
	return &importProgress{e: e, terminal: e.stderrIsTerminal != nil && e.stderrIsTerminal(), last: time.Now()}
}

// lookups is LookUp's progress.
func (p *importProgress) lookups(done, total int) {
	p.say(fmt.Sprintf("looking the rows' people up at Klaviyo: %d of %d rows", done, total))
}

// run is Run's and Resume's progress.
func (p *importProgress) run(pr importer.Progress) {
	p.say(progressLine(pr, time.Now()))
}

// progressLine is one progress line: "sending: 3000 of 10000 rows sent ·
// 2500 verified · 0 failed · 850 rows/s · about 8 s left".
func progressLine(pr importer.Progress, now time.Time) string {
	line := fmt.Sprintf("%s: %d of %d rows sent · %d verified · %d failed", pr.Phase, pr.Sent, pr.Total, pr.Verified, pr.Failed)
	elapsed := now.Sub(pr.Started).Seconds()
	if elapsed <= 0 || pr.Sent == 0 {
		return line
	}
	rate := float64(pr.Sent) / elapsed
	line += fmt.Sprintf(" · %.0f rows/s", rate)
	if left := pr.Total - pr.Sent; left > 0 && pr.Phase == "sending" {
		line += fmt.Sprintf(" · about %d s left", int(float64(left)/rate+0.5))
	}
	return line
}

func (p *importProgress) say(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	switch {
	case p.terminal:
		fmt.Fprintf(p.e.stderr, "\r\x1b[K%s", line)
		p.drawn = true
	case now.Sub(p.last) >= progressEvery:
		fmt.Fprintln(p.e.stderr, line)
		p.last = now
	}
}

// done ends a redrawn line.
func (p *importProgress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintln(p.e.stderr)
		p.drawn = false
	}
}
