package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/consentdesk/consent/client"
)

// TestListsTableAlignsPageByPage: the table is written a page at a time,
// each page aligned on the widest cells seen so far; a single page is laid
// out as one aligned table.
func TestListsTableAlignsPageByPage(t *testing.T) {
	list := func(id, name string) client.List {
		return client.List{ID: id, Name: name, OptInProcess: "single_opt_in"}
	}
	tests := []struct {
		name  string
		pages [][]client.List
		want  string
	}{
		{"no lists", [][]client.List{nil}, "ID  NAME  OPT-IN\n"},
		{"one page", [][]client.List{{list("Y6nRLr", "Newsletter"), list("AB", "VIP")}},
			"ID      NAME        OPT-IN\nY6nRLr  Newsletter  single opt-in\nAB      VIP         single opt-in\n"},
		{"a later page no wider", [][]client.List{{list("Y6nRLr", "Newsletter")}, {list("AB", "VIP")}},
			"ID      NAME        OPT-IN\nY6nRLr  Newsletter  single opt-in\nAB      VIP         single opt-in\n"},
		{"a later page wider", [][]client.List{{list("AB", "VIP")}, {list("Y6nRLr", "Zoë's newsletter")}},
			"ID  NAME  OPT-IN\nAB  VIP   single opt-in\nY6nRLr  Zoë's newsletter  single opt-in\n"},
		{"escapes hidden in a name", [][]client.List{{list("AB", "V\x1b[2JIP\a")}},
			"ID  NAME  OPT-IN\nAB  VIP   single opt-in\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			var table listsTable
			for _, p := range tt.pages {
				if err := table.write(&b, p, nil); err != nil {
					t.Fatal(err)
				}
			}
			if b.String() != tt.want {
				t.Errorf("table\n%s\nwant\n%s", b.String(), tt.want)
			}
		})
	}
}

// TestListsTableWithCounts: --counts adds MEMBERS, right-aligned and
// written with thousands separators; a later page with a wider count
// widens the column from there.
func TestListsTableWithCounts(t *testing.T) {
	var b bytes.Buffer
	var table listsTable
	lists := []client.List{{ID: "Y6nRLr", Name: "Newsletter", OptInProcess: "single_opt_in"}, {ID: "AB", Name: "VIP", OptInProcess: "double_opt_in"}}
	if err := table.write(&b, lists, []int{224, 0}); err != nil {
		t.Fatal(err)
	}
	if err := table.write(&b, lists[1:], []int{1_234_567}); err != nil {
		t.Fatal(err)
	}
	want := "ID      NAME        OPT-IN         MEMBERS\n" +
		"Y6nRLr  Newsletter  single opt-in      224\n" +
		"AB      VIP         double opt-in        0\n" +
		"AB      VIP         double opt-in  1,234,567\n"
	if b.String() != want {
		t.Errorf("table\n%s\nwant\n%s", b.String(), want)
	}
}

// TestListsPrintsPagesAsTheyArrive: `consent lists` prints each page of
// lists when it comes, not once every page is in: the fake Klaviyo holds
// the second page back until the first page's list is on stdout.
func TestListsPrintsPagesAsTheyArrive(t *testing.T) {
	for _, args := range [][]string{{"lists"}, {"lists", "--json"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			seen := make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/vnd.api+json")
				if r.URL.Query().Get("page[cursor]") == "" {
					fmt.Fprintf(w, `{"data":[{"type":"list","id":"L1","attributes":{"name":"First page","opt_in_process":"single_opt_in"}}],"links":{"next":"http://%s/api/lists?page%%5Bcursor%%5D=2"}}`, r.Host)
					return
				}
				select {
				case <-seen:
				case <-time.After(10 * time.Second):
				}
				fmt.Fprint(w, `{"data":[{"type":"list","id":"L2","attributes":{"name":"Second page","opt_in_process":"double_opt_in"}}],"links":{"next":null}}`)
			}))
			defer srv.Close()
			cmd := exec.Command(consentBinary(t), args...)
			cmd.Env = append(os.Environ(), "KLAVIYO_API_KEY=pk_streaming_test", "KLAVIYO_API_URL="+srv.URL, "CONSENT_HOME="+t.TempDir())
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			lines := make(chan string)
			go func() {
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					lines <- sc.Text()
				}
				close(lines)
			}()
			var got []string
			timeout := time.After(5 * time.Second)
		read:
			for {
				select {
				case l, ok := <-lines:
					if !ok {
						break read
					}
					got = append(got, l)
					if strings.Contains(l, "First page") {
						close(seen)
					}
				case <-timeout:
					t.Errorf("the first page's list was not printed while the second was held back; got %q", got)
					close(seen)
					timeout = nil
				}
			}
			if err := cmd.Wait(); err != nil {
				t.Fatal(err)
			}
			if all := strings.Join(got, "\n"); !strings.Contains(all, "First page") || !strings.Contains(all, "Second page") {
				t.Errorf("output %q lacks a page", all)
			}
		})
	}
}
