package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// operationQuery is what one operation accepts of the JSON:API query
// parameters fields[TYPE], include and sort, as Klaviyo's spec lists them,
// and how the sandbox sorts.
type operationQuery struct {
	fields  map[string][]string // resource type → the names fields[type] may list
	include []string            // the spec's include values
	sorts   map[string]sortKey  // a sort (without "-") the sandbox serves
	// unsupportedSorts are sorts Klaviyo serves and the sandbox does not.
	unsupportedSorts []string
}

// sortKey is how the sandbox orders rows for one sort: by expr, then by
// the collection's sequence number.
type sortKey struct {
	expr  string
	isInt bool
}

// The query parameters of each operation.
var (
	getListsQuery = operationQuery{
		fields:  map[string][]string{"list": listFields, "flow": flowFields, "tag": tagFields},
		include: []string{"flow-triggers", "tags"},
		sorts: map[string]sortKey{
			"created": {"l.created", true}, "id": {"l.id", false},
			"name": {"l.name", false}, "updated": {"l.updated", true},
		},
	}
	getListQuery = operationQuery{
		fields:  map[string][]string{"list": listFieldsWithCount, "flow": flowFields, "tag": tagFields},
		include: []string{"flow-triggers", "tags"},
	}
	getProfileListsQuery = operationQuery{fields: map[string][]string{"list": listFields}}
	getMembersQuery      = operationQuery{
		fields: map[string][]string{"profile": memberFields},
		sorts:  map[string]sortKey{"joined_group_at": {"m.joined", true}},
	}
	getProfilesQuery = operationQuery{
		fields:  map[string][]string{"profile": profileFields, "conversation": conversationFields, "push-token": pushTokenFields},
		include: []string{"conversations", "push-tokens"},
		sorts: map[string]sortKey{
			"created": {"p.created", true}, "email": {"COALESCE(p.email, '')", false},
			"id": {"p.id", false}, "updated": {"p.updated", true},
		},
		unsupportedSorts: []string{
			"subscriptions.email.marketing.list_suppressions.timestamp",
			"subscriptions.email.marketing.suppression.timestamp",
		},
	}
	getProfileQuery = operationQuery{
		fields: map[string][]string{"profile": profileFields, "conversation": conversationFields,
			"list": listFields, "push-token": pushTokenFields, "segment": segmentFields},
		include: []string{"conversations", "lists", "push-tokens", "segments"},
	}
)

// queryOptions are a request's checked fields[TYPE] and sort.
type queryOptions struct {
	fields map[string]fieldTree // a type's sparse fieldset; absent: every field
	sort   string               // as asked, "" for the default order
	key    sortKey
	desc   bool
}

// parseQuery checks fields[TYPE], include and sort against what op
// accepts. An unknown type, field, include or sort is a 400 naming the
// parameter and the value; one Klaviyo serves and the sandbox does not is
// a 400 saying so, never silently ignored.
func parseQuery(q url.Values, op operationQuery) (queryOptions, error) {
	opts := queryOptions{fields: map[string]fieldTree{}}
	for _, param := range sortedKeys(q) {
		typ, ok := strings.CutPrefix(param, "fields[")
		if !ok {
			continue
		}
		typ, ok = strings.CutSuffix(typ, "]")
		allowed, known := op.fields[typ]
		if !ok || !known {
			return opts, invalidParam(param, "'%s' is not a valid resource type for sparse fieldsets here (valid: %s).", typ, strings.Join(sortedKeys(op.fields), ", "))
		}
		var names []string
		for _, v := range q[param] {
			for _, name := range strings.Split(v, ",") {
				if !slices.Contains(allowed, name) {
					return opts, invalidParam(param, "'%s' is not a valid field for the resource '%s'.", name, typ)
				}
				names = append(names, name)
			}
		}
		opts.fields[typ] = newFieldTree(names)
	}
	for _, v := range q["include"] {
		for _, inc := range strings.Split(v, ",") {
			switch {
			case len(op.include) == 0:
				return opts, invalidParam("include", "'%s' is not a valid include: this endpoint includes no related resources.", inc)
			case !slices.Contains(op.include, inc):
				return opts, invalidParam("include", "'%s' is not a valid include (valid: %s).", inc, strings.Join(op.include, ", "))
			default:
				return opts, invalidParam("include", "The sandbox does not support include=%s: it serves no related resources.", inc)
			}
		}
	}
	if vs, ok := q["sort"]; ok {
		opts.sort = vs[len(vs)-1]
		name, desc := strings.CutPrefix(opts.sort, "-")
		key, served := op.sorts[name]
		switch {
		case served:
			opts.key, opts.desc = key, desc
		case slices.Contains(op.unsupportedSorts, name):
			return opts, invalidParam("sort", "The sandbox does not support sort '%s'.", opts.sort)
		case len(op.sorts) == 0:
			return opts, invalidParam("sort", "'%s' is not a valid sort: this endpoint does not sort.", opts.sort)
		default:
			valid := append(sortedKeys(op.sorts), op.unsupportedSorts...)
			return opts, invalidParam("sort", "'%s' is not a valid sort (valid: %s, each also with a leading '-').", opts.sort, strings.Join(valid, ", "))
		}
	}
	return opts, nil
}

// order applies the request's sort to ks, and ties its cursors to it.
func (o queryOptions) order(ks keyset) keyset {
	if o.sort == "" {
		return ks
	}
	ks.order, ks.keyInt, ks.desc = o.key.expr, o.key.isInt, o.desc
	ks.scope += "|sort=" + o.sort
	return ks
}

// scope is the cursor scope of a collection in this request's order.
func (o queryOptions) scope(base string) string {
	return o.order(keyset{scope: base}).scope
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// fieldTree is a sparse fieldset: each attribute kept, with the nested
// attributes kept of it, or nil to keep it whole.
type fieldTree map[string]fieldTree

// newFieldTree builds the tree of dotted names such as
// subscriptions.email.marketing.consent; a name kept whole wins over its
// nested names.
func newFieldTree(names []string) fieldTree {
	t := fieldTree{}
	for _, name := range names {
		node := t
		parts := strings.Split(name, ".")
		for i, p := range parts {
			child, seen := node[p]
			if i == len(parts)-1 {
				node[p] = nil
				break
			}
			if seen && child == nil {
				break // already kept whole
			}
			if !seen {
				child = fieldTree{}
				node[p] = child
			}
			node = child
		}
	}
	return t
}

// sparse returns attrs with only the attributes t keeps; a nil t keeps
// everything.
func sparse(attrs any, t fieldTree) (any, error) {
	if t == nil {
		return attrs, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(attrs); err != nil {
		return nil, fmt.Errorf("sandbox: writing attributes: %w", err)
	}
	return t.keep(bytes.TrimSpace(buf.Bytes()))
}

// keep filters one JSON object; anything else (null) is kept as it is.
func (t fieldTree) keep(raw json.RawMessage) (json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return raw, nil //nolint:nilerr // not an object: nothing to select in it
	}
	out := make(map[string]json.RawMessage, len(t))
	for name, sub := range t {
		v, ok := obj[name]
		if !ok {
			continue
		}
		if sub != nil {
			var err error
			if v, err = sub.keep(v); err != nil {
				return nil, err
			}
		}
		out[name] = v
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return nil, fmt.Errorf("sandbox: writing attributes: %w", err)
	}
	return bytes.TrimSpace(buf.Bytes()), nil
}
