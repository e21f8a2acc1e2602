package cli

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consentdesk/consent/client"
)

// TestWaitLineOnATerminal: when stderr is a terminal, a command says on
// stderr, once a wait, that Klaviyo asked it to wait or that it retries;
// in a script it says nothing.
func TestWaitLineOnATerminal(t *testing.T) {
	tests := []struct {
		name     string
		status   int // the first answer's
		terminal bool
		stderr   string
	}{
		{"throttled, on a terminal", http.StatusTooManyRequests, true, "Klaviyo asked us to wait 1 s…\n"},
		{"a server error, on a terminal", http.StatusServiceUnavailable, true, "retrying GET /api/lists (2 of 4) in 1 s…\n"},
		{"throttled, in a script", http.StatusTooManyRequests, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/vnd.api+json")
				if n.Add(1) == 1 {
					w.Header().Set("Retry-After", "1")
					w.WriteHeader(tt.status)
					fmt.Fprintf(w, `{"errors":[{"id":"e","status":%d,"code":"x","title":"Wait.","detail":"Wait."}]}`, tt.status)
					return
				}
				fmt.Fprint(w, `{"data":[{"type":"list","id":"Y6nRLr","attributes":{"name":"Newsletter","opt_in_process":"single_opt_in"}}],"links":{"next":null}}`)
			}))
			defer srv.Close()
			start := time.Now()
			r := runEnv(t, map[string]string{"KLAVIYO_API_KEY": "pk_wait_test", "KLAVIYO_API_URL": srv.URL}, tt.terminal, "lists")
			if r.code != 0 || r.stderr != tt.stderr || n.Load() != 2 {
				t.Errorf("exit %d after %d requests\nstderr %q\nwant   %q", r.code, n.Load(), r.stderr, tt.stderr)
			}
			if time.Since(start) < time.Second {
				t.Errorf("it did not wait")
			}
		})
	}
}

func TestWaitLines(t *testing.T) {
	tests := []struct {
		w    client.Wait
		want string
	}{
		{client.Wait{Duration: 3 * time.Second, Reason: "throttled", Endpoint: "GET /api/lists", Attempt: 2, Attempts: 4}, "Klaviyo asked us to wait 3 s…"},
		{client.Wait{Duration: 300 * time.Millisecond, Reason: "throttled"}, "Klaviyo asked us to wait 1 s…"},
		{client.Wait{Duration: 4 * time.Second, Reason: "retry", Endpoint: "GET /api/lists/{id}/profiles", Attempt: 4, Attempts: 4}, "retrying GET /api/lists/{id}/profiles (4 of 4) in 4 s…"},
		{client.Wait{Duration: time.Second, Reason: "limit", Endpoint: "GET /api/lists"}, ""},
	}
	for _, tt := range tests {
		if got := waitLine(tt.w); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.w, got, tt.want)
		}
	}
}
