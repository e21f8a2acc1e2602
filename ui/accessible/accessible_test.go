package accessible

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/desk"
	"github.com/consentdesk/consent/journal"
	"github.com/consentdesk/consent/model"
	"github.com/consentdesk/consent/sandbox"
	"github.com/consentdesk/consent/sandbox/sandboxtest"
)

var rules = model.PhoneRules{Policy: model.DefaultSMSPolicy()}

// run runs the accessible mode on a seeded sandbox with input as stdin,
// and returns what it wrote, the journal and its error.
func run(t *testing.T, input string) (string, *journal.Memory, error) {
	t.Helper()
	sb := sandboxtest.Open(t, sandbox.Options{})
	cl := sandboxtest.Client(t, sb, client.Options{})
	store := journal.NewMemory()
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := Run(ctx, Options{In: strings.NewReader(input), Out: &out, Client: cl, Rules: rules, History: store, Backend: "SANDBOX",
		Desk: &desk.Desk{Store: store, Client: cl, Rules: rules, Origin: journal.Origin{Backend: "SANDBOX"}, Agent: "test"}})
	text := out.String()
	if i := strings.IndexByte(text, 0x1b); i >= 0 {
		t.Errorf("the output has an ESC byte at %d: %q", i, text[max(0, i-20):min(len(text), i+20)])
	}
	return text, store, err
}

// wantLines fails unless out contains each of want, in order.
func wantLines(t *testing.T, out string, want ...string) {
	t.Helper()
	rest := out
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("the output lacks %q (after what came before):\n%s", w, out)
		}
		rest = rest[i+len(w):]
	}
}

// entries is every journal entry, failing the test on an error.
func entries(t *testing.T, store journal.Store) []journal.Entry {
	t.Helper()
	es, err := store.Entries()
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestSubscribeUSNumberWithSMS(t *testing.T) {
	out, store, err := run(t, "s\nx@example.com\n+1 201 555 0123\ny\ny\nn\nNewsletter\n\ny\nq\n")
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, out,
		"Email: ✓ x@example.com",
		"Phone: +1 201-555-0123 · United States (US) · mobile or landline · ✓ SMS consent can be recorded",
		"Email marketing? y/N", "SMS marketing? y/N", "SMS transactional? y/N",
		"  1. Newsletter (", "List: Newsletter (single opt-in).",
		"Subscribe x@example.com, +12015550123 to Newsletter (", "Email marketing, SMS marketing.",
		"Send? y/N",
		"Email marketing: ✓ verified SUBSCRIBED", "SMS marketing: ✓ verified SUBSCRIBED",
		"Goodbye.")
	es := entries(t, store)
	if len(es) != 1 || es[0].State != journal.StateVerified || !es[0].Request.Has(model.SMSMarketing) || es[0].Request.Has(model.SMSTransactional) {
		t.Fatalf("journal: %+v", es)
	}
}

func TestSubscribeSlovenianNumberDoesNotAskSMS(t *testing.T) {
	out, store, err := run(t, "1\nana@example.com\n+38631234567\ny\n1\n\ny\n6\n")
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, out,
		"Phone: +386 31 234 567 · Slovenia (SI) · mobile · ✗ Slovenia (+386) is not an SMS country",
		"SMS consent: not asked. Slovenia (+386) is not an SMS country",
		"Email marketing? y/N",
		"Email marketing: ✓ verified SUBSCRIBED")
	if strings.Contains(out, "SMS marketing?") {
		t.Errorf("SMS marketing was asked for a number that cannot carry it:\n%s", out)
	}
	if es := entries(t, store); len(es) != 1 || es[0].Request.WantsSMS() {
		t.Fatalf("journal: %+v", es)
	}
}

func TestBadEmailIsAskedAgain(t *testing.T) {
	out, store, err := run(t, "s\nbad@\nbad@example.com\n\ny\n1\n\nn\nq\n")
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, out,
		"Email: ✗ ", "Type it again, or leave it blank.",
		"Email: ✓ bad@example.com",
		"SMS consent: not asked, no phone number was given.",
		"Send? y/N", "Not sent.")
	if es := entries(t, store); len(es) != 0 {
		t.Fatalf("No was answered, yet the journal has %+v", es)
	}
}

func TestBadPhoneAndListAreAskedAgainKeepingTheEmail(t *testing.T) {
	out, _, err := run(t, "s\nx@example.com\n+1 787\n+16175475595\nn\nn\ny\nNo such list\n3\n\n\nq\n")
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, out,
		"Phone: ", "Type the number again",
		"Phone: +1 617-547-5595",
		"No list is numbered or named \"No such list\"",
		"List: SMS Flash Deals",
		"Subscribe x@example.com, +16175475595 to SMS Flash Deals", "SMS transactional.",
		"Not sent.")
}

func TestEndOfInputMidwaySendsNothing(t *testing.T) {
	out, store, err := run(t, "s\nx@example.com\n+16175475595\ny\n")
	if !errors.Is(err, ErrInputEnded) {
		t.Fatalf("err = %v, want ErrInputEnded", err)
	}
	wantLines(t, out, "Input ended: nothing was sent.")
	if es := entries(t, store); len(es) != 0 {
		t.Fatalf("the input ended, yet the journal has %+v", es)
	}
}

func TestEndOfInputAtTheMenuQuits(t *testing.T) {
	out, _, err := run(t, "")
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, out, "Menu: 1 subscribe (s)", "Choose:", "Input ended. Goodbye.")
}

func TestCheckMembersAndHistory(t *testing.T) {
	out, _, err := run(t, "c\nana.santiago@example.net\nwhat\nm\n1\ny\nn\nh\nq\n")
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, out,
		"Email: ✓ ana.santiago@example.net",
		"Profile ", "Ana Santiago",
		"  Email marketing: SUBSCRIBED",
		"\"what\" is not on the menu",
		"  1. ", "More? y/N", "  21. ", "More? y/N",
		"History: nothing yet.")
}

// TestPipeReader: answers arriving one by one on a pipe, as from a person
// at a braille display, are read as they come.
func TestPipeReader(t *testing.T) {
	cl := sandboxtest.Client(t, sandboxtest.Open(t, sandbox.Options{}), client.Options{})
	r, w := io.Pipe()
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), Options{In: r, Out: &out, Client: cl, Rules: rules})
	}()
	for _, line := range []string{"c\n", "+44 20 7946 0958\n"} {
		if _, err := io.WriteString(w, line); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	wantLines(t, out.String(), "Phone: +44 20 7946 0958 · United Kingdom (GB) · landline · ✗ ")
}
