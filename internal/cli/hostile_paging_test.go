package cli

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// loopingPagesLimit is where the looping fake Klaviyo gives up and sends a
// last page, so that a client that would page forever still ends the test.
const loopingPagesLimit = 100

// serveLoopingKlaviyo is a fake Klaviyo whose lists and members pages link
// on in a circle: "self" (links.next is the page just read) or "ab" (page
// A's next is B, B's is A). Each page holds one list or one member. It
// counts the requests it answers, and after loopingPagesLimit sends a page
// without a next link.
func serveLoopingKlaviyo(t *testing.T, mode string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		base := "http://" + r.Host + r.URL.Path
		next := `"http://` + r.Host + r.URL.RequestURI() + `"`
		if mode == "ab" {
			if r.URL.Query().Get("page[cursor]") == "A" {
				next = `"` + base + `?page%5Bcursor%5D=B"`
			} else {
				next = `"` + base + `?page%5Bcursor%5D=A"`
			}
		}
		if n >= loopingPagesLimit {
			next = "null"
		}
		var data string
		switch {
		case strings.HasSuffix(r.URL.Path, "/profiles"):
			data = fmt.Sprintf(`{"type":"profile","id":"P%d","attributes":{"email":"p%d@example.com","subscriptions":{}}}`, n, n)
		case r.URL.Path == "/api/lists" || r.URL.Path == "/api/lists/":
			data = fmt.Sprintf(`{"type":"list","id":"L%d","attributes":{"name":"List %d","opt_in_process":"single_opt_in"}}`, n, n)
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.api+json")
		fmt.Fprintf(w, `{"data":[%s],"links":{"self":"%s","next":%s,"prev":null}}`, data, base, next)
	}))
	t.Cleanup(srv.Close)
	return srv, &requests
}

// TestPagingLoopsEndTheCommands: `consent lists` and `consent members`,
// text and --json, against a Klaviyo whose next links go round in a
// circle: each stops with exit 1 and an error saying what Klaviyo did,
// within three requests, keeping what it printed of the pages read.
func TestPagingLoopsEndTheCommands(t *testing.T) {
	tests := []struct {
		mode, want string
		requests   int64
	}{
		{"self", "Klaviyo's next link points back to a page already read: stopped after 1 page of ", 1},
		{"ab", "Klaviyo's next link points back to a page already read: stopped after 3 pages of ", 3},
	}
	for _, tt := range tests {
		for _, args := range [][]string{{"lists"}, {"lists", "--json"}, {"members", "L1"}, {"members", "--json", "L1"}} {
			t.Run(tt.mode+"/"+strings.Join(args, " "), func(t *testing.T) {
				t.Parallel()
				srv, requests := serveLoopingKlaviyo(t, tt.mode)
				env := []string{"KLAVIYO_API_KEY=pk_looping_test", "KLAVIYO_API_URL=" + srv.URL, "CONSENT_HOME=" + t.TempDir()}
				stdout, stderr, code := runBinary(t, env, args...)
				what := args[0]
				if code != 1 || !strings.Contains(string(stderr), tt.want+what) {
					t.Errorf("exit %d, stderr %q\nwant exit 1 and %q", code, stderr, tt.want+what)
				}
				if got := requests.Load(); got != tt.requests {
					t.Errorf("%d requests, want %d", got, tt.requests)
				}
				if lines := strings.Count(string(stdout), "\n"); what == "lists" && !strings.Contains(string(stdout), "List 1") ||
					what == "members" && !strings.Contains(string(stdout), "p1@example.com") || lines > int(tt.requests)+1 {
					t.Errorf("stdout %q: want the pages read, once", stdout)
				}
			})
		}
	}
}
