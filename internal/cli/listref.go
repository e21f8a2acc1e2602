package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/consentdesk/consent/client"
	"github.com/consentdesk/consent/internal/usage"
	"github.com/consentdesk/consent/model"
)

// A command line names a list by its id or by its exact name (members
// LIST, subscribe --list LIST): the id is tried first, then the name,
// case-sensitive, and a name several lists share is refused with their ids.

// looksLikeListID reports whether ref could be a Klaviyo list id (letters
// and digits, as in Y6nRLr): anything else can only be a name.
func looksLikeListID(ref string) bool {
	if ref == "" || len(ref) > 64 {
		return false
	}
	for _, r := range ref {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// maxListRef bounds a list's name on the command line: longer, it is
// refused before anything is read.
const maxListRef = 255

// checkListRef refuses a list reference that can be neither an id nor a
// name, before anything is sent.
func checkListRef(ref string) error {
	switch {
	case strings.TrimSpace(ref) == "":
		return usage.Errorf("the list is empty: give its id or exact name (see consent lists)")
	case !utf8.ValidString(ref):
		return usage.Errorf("the list is not valid UTF-8 text")
	case len(ref) > maxListRef:
		return usage.Errorf("the list %q… is longer than any list's id or name (%d bytes at most)", sanitizeArg(ref), maxListRef)
	}
	return nil
}

// notFound reports whether err is Klaviyo's 404: the list (or profile)
// asked for does not exist.
func notFound(err error) bool {
	var ae *client.APIError
	return errors.As(err, &ae) && ae.Status == http.StatusNotFound
}

// noListError is the usage error of a reference that names no list.
type noListError struct{ ref string }

func (e *noListError) Error() string {
	if looksLikeListID(e.ref) {
		return fmt.Sprintf("no list with id %s (see consent lists)", e.ref)
	}
	return fmt.Sprintf("no list with id or name %q (see consent lists)", sanitizeArg(e.ref))
}

// Unwrap makes it bad usage.
func (e *noListError) Unwrap() error { return &usage.Error{Msg: e.Error()} }

// listByName is the one list named exactly name, by one walk of the
// lists; a usage error when there is none (noListError) or several (naming
// their ids).
func listByName(ctx context.Context, c *client.Client, name string) (client.List, error) {
	var found []client.List
	for page, err := range c.ListsPages(ctx) {
		if err != nil {
			return client.List{}, fmt.Errorf("looking for the list named %q: %w", sanitizeArg(name), err)
		}
		for _, l := range page.Lists {
			if l.Name == name {
				found = append(found, l)
			}
		}
	}
	switch len(found) {
	case 0:
		return client.List{}, &noListError{name}
	case 1:
		return found[0], nil
	}
	ids := make([]string, len(found))
	for i, l := range found {
		ids[i] = model.SanitizeText(l.ID)
	}
	return client.List{}, usage.Errorf("%d lists are named %q: %s; give the id of the one you mean", len(found), sanitizeArg(name), strings.Join(ids, ", "))
}

// resolveList finds the list ref names: the list with that id, else the
// one with that exact name. A usage error says when there is none or the
// name is ambiguous; another error, that the lists could not be read.
func resolveList(ctx context.Context, c *client.Client, ref string) (client.List, error) {
	if err := checkListRef(ref); err != nil {
		return client.List{}, err
	}
	if looksLikeListID(ref) {
		l, err := c.List(ctx, ref)
		if !notFound(err) {
			return l, err
		}
	}
	return listByName(ctx, c, ref)
}
