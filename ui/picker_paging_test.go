package ui

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/consentdesk/consent/client"
)

// loopingPagesLimit is where the looping fake Klaviyo gives up and sends a
// last page, so that a view that would page forever still ends the test.
const loopingPagesLimit = 100

// loopingKlaviyo is a fake Klaviyo whose paging goes wrong in the way its
// mode says, for the lists and for the members of any list: "" (one page,
// no links), "self" (links.next is the page just read), "ab" (page A's
// next is B, B's is A), or "prev" (the first page's links.prev is itself).
// Each page holds one list or one member. It counts the requests for
// lists and for members.
type loopingKlaviyo struct {
	lists, members string
	listRequests   atomic.Int64
	memberRequests atomic.Int64
}

func (k *loopingKlaviyo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	mode, n, data := k.lists, int64(0), ""
	switch {
	case strings.HasSuffix(r.URL.Path, "/profiles"):
		mode, n = k.members, k.memberRequests.Add(1)
		data = fmt.Sprintf(`{"type":"profile","id":"P%d","attributes":{"email":"loop%d@example.com","subscriptions":{}}}`, n, n)
	case r.URL.Path == "/api/lists":
		n = k.listRequests.Add(1)
		data = fmt.Sprintf(`{"type":"list","id":"L%d","attributes":{"name":"Loop %d","opt_in_process":"single_opt_in"}}`, n, n)
	default:
		http.NotFound(w, r)
		return
	}
	self := `"http://` + r.Host + r.URL.RequestURI() + `"`
	base := "http://" + r.Host + r.URL.Path
	next, prev := "null", "null"
	switch mode {
	case "self":
		next = self
	case "ab":
		if r.URL.Query().Get("page[cursor]") == "A" {
			next = `"` + base + `?page%5Bcursor%5D=B"`
		} else {
			next = `"` + base + `?page%5Bcursor%5D=A"`
		}
	case "prev":
		prev = self
	}
	if n >= loopingPagesLimit {
		next, prev = "null", "null"
	}
	w.Header().Set("Content-Type", "application/vnd.api+json")
	fmt.Fprintf(w, `{"data":[%s],"links":{"self":%s,"next":%s,"prev":%s}}`, data, self, next, prev)
}

// loopingApp is the UI on a looping fake Klaviyo, wide enough that an
// error is on one line.
func loopingApp(t *testing.T, k *loopingKlaviyo) *App {
	t.Helper()
	srv := httptest.NewServer(k)
	t.Cleanup(srv.Close)
	return newClientApp(t, 220, 30, client.Options{BaseURL: srv.URL}, nil)
}

// TestPickerStopsOnPagingLoops: the list picker loads every page in the
// background; links that go round in a circle stop it with the error on
// screen, within a bounded number of requests, keeping the lists read.
func TestPickerStopsOnPagingLoops(t *testing.T) {
	tests := []struct {
		mode     string
		requests int64
		want     string
	}{
		{"self", 1, "Klaviyo's next link points back to a page already read: stopped after 1 page of lists"},
		{"ab", 3, "Klaviyo's next link points back to a page already read: stopped after 3 pages of lists"},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			k := &loopingKlaviyo{lists: tt.mode}
			a := loopingApp(t, k)
			typeAndWait(t, a, "m")
			wantScreen(t, a, "members of which list?", "Loop 1", tt.want, fmt.Sprintf("%d lists", tt.requests))
			if got := k.listRequests.Load(); got != tt.requests {
				t.Errorf("%d requests for lists, want %d", got, tt.requests)
			}
			if p, ok := a.current().(*pickerView); !ok || p.Busy() != "" {
				t.Errorf("the picker is still loading:\n%s", screen(a))
			}
		})
	}
}
