package sandbox

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Bounds on what the filter parser accepts; Klaviyo's own are similar.
const (
	maxFilterLength = 10000
	maxFilterDepth  = 8
	maxAnyValues    = 100
)

// filterValue is one literal of a filter: a quoted string, or a bare token
// (a number, a boolean, null or a datetime).
type filterValue struct {
	Text   string
	Quoted bool
}

// condition is one comparison of a filter: op(field, value). Equals and the
// ordering operators have one value; any has a list.
type condition struct {
	Op     string
	Field  string
	Values []filterValue
	IsList bool
}

// parseFilter parses Klaviyo's filter syntax: comparisons such as
// equals(email,"a@b.co") or any(id,["A","B"]), combined by commas or
// and(…), which both mean "all of". It returns the flattened conditions;
// any syntax error is a 400 about the filter parameter.
func parseFilter(s string) ([]condition, error) {
	if len(s) > maxFilterLength {
		return nil, filterError("the filter is longer than %d characters", maxFilterLength)
	}
	if !utf8.ValidString(s) {
		return nil, filterError("the filter is not valid UTF-8")
	}
	p := &filterParser{src: s}
	p.skipSpace()
	if p.done() {
		return nil, filterError("the filter is empty")
	}
	conds, err := p.terms(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if !p.done() {
		return nil, p.errorf("unexpected %q", p.rest())
	}
	return conds, nil
}

func filterError(format string, args ...any) *apiError {
	return invalidParam("filter", "Invalid filter: "+format+".", args...)
}

type filterParser struct {
	src string
	pos int
}

func (p *filterParser) done() bool { return p.pos >= len(p.src) }

func (p *filterParser) rest() string {
	r := p.src[p.pos:]
	if len(r) > 20 {
		r = r[:20] + "…"
	}
	return r
}

func (p *filterParser) errorf(format string, args ...any) *apiError {
	return filterError("at character %d: "+format, append([]any{p.pos + 1}, args...)...)
}

func (p *filterParser) skipSpace() {
	for !p.done() && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n' || p.src[p.pos] == '\r') {
		p.pos++
	}
}

// accept consumes c (after spaces) and reports whether it was there.
func (p *filterParser) accept(c byte) bool {
	p.skipSpace()
	if !p.done() && p.src[p.pos] == c {
		p.pos++
		return true
	}
	return false
}

func (p *filterParser) expect(c byte) error {
	if p.accept(c) {
		return nil
	}
	if p.done() {
		return p.errorf("expected %q, found the end of the filter", c)
	}
	return p.errorf("expected %q, found %q", c, p.rest())
}

// terms parses term (',' term)*.
func (p *filterParser) terms(depth int) ([]condition, error) {
	var out []condition
	for {
		conds, err := p.term(depth)
		if err != nil {
			return nil, err
		}
		out = append(out, conds...)
		if !p.accept(',') {
			return out, nil
		}
	}
}

// term parses and(terms) or op(field, value).
func (p *filterParser) term(depth int) ([]condition, error) {
	p.skipSpace()
	name := p.word()
	if name == "" {
		if p.done() {
			return nil, p.errorf("expected an operator such as equals, found the end of the filter")
		}
		return nil, p.errorf("expected an operator such as equals, found %q", p.rest())
	}
	if err := p.expect('('); err != nil {
		return nil, err
	}
	if name == "and" {
		if depth >= maxFilterDepth {
			return nil, p.errorf("and() is nested more than %d deep", maxFilterDepth)
		}
		conds, err := p.terms(depth + 1)
		if err != nil {
			return nil, err
		}
		return conds, p.expect(')')
	}
	p.skipSpace()
	field := p.word()
	if field == "" {
		return nil, p.errorf("expected a field name after %s(", name)
	}
	if err := p.expect(','); err != nil {
		return nil, err
	}
	c := condition{Op: name, Field: field}
	p.skipSpace()
	if p.accept('[') {
		c.IsList = true
		for {
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			c.Values = append(c.Values, v)
			if len(c.Values) > maxAnyValues {
				return nil, p.errorf("a list has at most %d values", maxAnyValues)
			}
			if !p.accept(',') {
				break
			}
		}
		if err := p.expect(']'); err != nil {
			return nil, err
		}
	} else {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		c.Values = []filterValue{v}
	}
	if err := p.expect(')'); err != nil {
		return nil, err
	}
	return []condition{c}, nil
}

// word reads an operator or field name: letters, digits, '_', '-', '.'.
func (p *filterParser) word() string {
	start := p.pos
	for !p.done() {
		c := p.src[p.pos]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' {
			p.pos++
			continue
		}
		break
	}
	return p.src[start:p.pos]
}

// value reads a quoted string (single or double quotes, backslash escapes)
// or a bare token.
func (p *filterParser) value() (filterValue, error) {
	p.skipSpace()
	if p.done() {
		return filterValue{}, p.errorf("expected a value, found the end of the filter")
	}
	q := p.src[p.pos]
	if q != '"' && q != '\'' {
		start := p.pos
		for !p.done() && strings.IndexByte(",)] \t", p.src[p.pos]) < 0 && p.src[p.pos] != '(' && p.src[p.pos] != '[' {
			p.pos++
		}
		if p.pos == start {
			return filterValue{}, p.errorf("expected a value, found %q", p.rest())
		}
		return filterValue{Text: p.src[start:p.pos]}, nil
	}
	p.pos++
	var b strings.Builder
	for !p.done() {
		c := p.src[p.pos]
		switch {
		case c == '\\' && p.pos+1 < len(p.src):
			b.WriteByte(p.src[p.pos+1])
			p.pos += 2
		case c == q:
			p.pos++
			return filterValue{Text: b.String(), Quoted: true}, nil
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	return filterValue{}, p.errorf("a quoted value is not closed")
}

// fieldKind is how a filter field's values are read.
type fieldKind int

const (
	stringField fieldKind = iota
	datetimeField
)

// filterField is one field a collection can be filtered on: its SQL
// column, its kind and the operators it supports.
type filterField struct {
	column string
	kind   fieldKind
	ops    []string
	lower  bool // compare case-insensitively (email)
}

// filterSchema is the filterable fields of one collection, and the
// resource type named in errors.
type filterSchema struct {
	resource string
	fields   map[string]filterField
}

// compiledFilter is a filter as an SQL condition ("" = none) and its
// arguments. Columns come only from a filterSchema, never from input.
type compiledFilter struct {
	where string
	args  []any
}

// compile checks each condition against schema and builds the SQL.
func (fs filterSchema) compile(conds []condition) (compiledFilter, error) {
	var parts []string
	var args []any
	for _, c := range conds {
		f, ok := fs.fields[c.Field]
		if !ok {
			return compiledFilter{}, filterError("'%s' is not a filterable field of the resource '%s'", c.Field, fs.resource)
		}
		if !slices.Contains(f.ops, c.Op) {
			return compiledFilter{}, filterError("operator '%s' is not supported for the field '%s' (use %s)", c.Op, c.Field, strings.Join(f.ops, " or "))
		}
		part, partArgs, err := f.sql(c)
		if err != nil {
			return compiledFilter{}, err
		}
		parts = append(parts, part)
		args = append(args, partArgs...)
	}
	return compiledFilter{where: strings.Join(parts, " AND "), args: args}, nil
}

func (f filterField) sql(c condition) (string, []any, error) {
	if c.Op == "any" {
		if !c.IsList || len(c.Values) == 0 {
			return "", nil, filterError("any(%s, …) takes a non-empty list such as [\"a\",\"b\"]", c.Field)
		}
		args := make([]any, len(c.Values))
		for i, v := range c.Values {
			arg, err := f.arg(c, v)
			if err != nil {
				return "", nil, err
			}
			args[i] = arg
		}
		return f.column + " IN (" + strings.TrimSuffix(strings.Repeat("?,", len(args)), ",") + ")", args, nil
	}
	if c.IsList || len(c.Values) != 1 {
		return "", nil, filterError("%s(%s, …) takes one value, not a list", c.Op, c.Field)
	}
	arg, err := f.arg(c, c.Values[0])
	if err != nil {
		return "", nil, err
	}
	op := map[string]string{"equals": "=", "greater-than": ">", "greater-or-equal": ">=", "less-than": "<", "less-or-equal": "<="}[c.Op]
	return f.column + " " + op + " ?", []any{arg}, nil
}

// arg converts one literal to an SQL argument of the field's kind.
func (f filterField) arg(c condition, v filterValue) (any, error) {
	switch f.kind {
	case datetimeField:
		t, err := parseDatetime(v.Text)
		if err != nil {
			return nil, filterError("'%s' of %s is not a datetime such as 2024-01-31T00:00:00Z", v.Text, c.Field)
		}
		return micros(t), nil
	default:
		if !v.Quoted {
			return nil, filterError("the value of %s must be a quoted string, as in \"%s\"", c.Field, v.Text)
		}
		if f.lower {
			return strings.ToLower(v.Text), nil
		}
		return v.Text, nil
	}
}

// parseDatetime reads an ISO 8601 datetime or date.
func parseDatetime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02T15:04:05", s); err == nil {
		return t, nil
	}
	return time.Parse(time.DateOnly, s)
}

// The operators of string and datetime fields.
func stringOps() []string { return []string{"equals", "any"} }
func datetimeOps() []string {
	return []string{"greater-than", "greater-or-equal", "less-than", "less-or-equal"}
}

// The filterable fields of each collection the sandbox serves.
func profilesFilter() filterSchema {
	return filterSchema{resource: "profile", fields: map[string]filterField{
		"id":           {column: "p.id", ops: stringOps()},
		"email":        {column: "p.email", ops: stringOps(), lower: true},
		"phone_number": {column: "p.phone_number", ops: stringOps()},
		"external_id":  {column: "p.external_id", ops: stringOps()},
		"created":      {column: "p.created", kind: datetimeField, ops: []string{"greater-than", "less-than"}},
		"updated":      {column: "p.updated", kind: datetimeField, ops: []string{"greater-than", "less-than"}},
	}}
}

func membersFilter() filterSchema {
	return filterSchema{resource: "profile", fields: map[string]filterField{
		"email":           {column: "p.email", ops: stringOps(), lower: true},
		"phone_number":    {column: "p.phone_number", ops: stringOps()},
		"joined_group_at": {column: "m.joined", kind: datetimeField, ops: datetimeOps()},
	}}
}

func listsFilter() filterSchema {
	return filterSchema{resource: "list", fields: map[string]filterField{
		"id":      {column: "l.id", ops: stringOps()},
		"name":    {column: "l.name", ops: stringOps()},
		"created": {column: "l.created", kind: datetimeField, ops: []string{"greater-than"}},
		"updated": {column: "l.updated", kind: datetimeField, ops: []string{"greater-than"}},
	}}
}

// queryFilter parses and compiles the request's filter parameter, if any.
func queryFilter(values []string, schema filterSchema) (compiledFilter, error) {
	if len(values) == 0 {
		return compiledFilter{}, nil
	}
	if len(values) > 1 {
		return compiledFilter{}, filterError("give one filter parameter; combine conditions with a comma or and(…)")
	}
	conds, err := parseFilter(values[0])
	if err != nil {
		return compiledFilter{}, err
	}
	return schema.compile(conds)
}

// String renders a condition back in filter syntax (for tests and errors).
func (c condition) String() string {
	vals := make([]string, len(c.Values))
	for i, v := range c.Values {
		if v.Quoted {
			vals[i] = fmt.Sprintf("%q", v.Text)
		} else {
			vals[i] = v.Text
		}
	}
	v := strings.Join(vals, ",")
	if c.IsList {
		v = "[" + v + "]"
	}
	return c.Op + "(" + c.Field + "," + v + ")"
}
