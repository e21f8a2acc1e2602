package sandbox

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
)

// keyset describes one keyset-paged query: the columns to select, the
// FROM clause with its WHERE condition (which must already contain
// "WHERE"), the integer sequence column that identifies a row, and the
// order: by the sort expression order (then seq, to break ties), or by seq
// alone when order is "". desc reverses the whole order. Paging on the
// key, never OFFSET, keeps pages stable while rows are inserted and makes
// a deep page as cheap as the first.
type keyset struct {
	columns string
	from    string
	args    []any
	seq     string
	scope   string
	order   string // a sort expression, "" for seq order
	desc    bool
	keyInt  bool // the sort expression is an integer (else text)
}

// pageResult is one page of rows and the cursors of its neighbours ("" when
// there is none).
type pageResult[T any] struct {
	items      []T
	next, prev string
}

// rowScanner is what a scan function reads one row from.
type rowScanner interface{ Scan(dest ...any) error }

// keyedRow reads a row whose first column is the sort key into key, and
// the rest into the scan function's destinations.
type keyedRow struct {
	rows *sql.Rows
	key  *any
}

func (k keyedRow) Scan(dest ...any) error {
	return k.rows.Scan(append([]any{k.key}, dest...)...)
}

// position is where a row is in the order: its sort key and seq.
type position struct {
	key string
	seq int64
}

// beyond returns the condition selecting the rows after p in the order
// (or before it, when after is false) and its arguments.
func (q keyset) beyond(p position, after bool) (string, []any, error) {
	op := "<"
	if after != q.desc {
		op = ">"
	}
	if q.order == "" {
		return q.seq + " " + op + " ?", []any{p.seq}, nil
	}
	var key any = p.key
	if q.keyInt {
		n, err := strconv.ParseInt(p.key, 10, 64)
		if err != nil {
			return "", nil, invalidParam("page[cursor]", "Invalid page cursor.")
		}
		key = n
	}
	return "(" + q.order + ", " + q.seq + ") " + op + " (?, ?)", []any{key, p.seq}, nil
}

// orderBy is the ORDER BY clause reading the rows forward, or backward.
func (q keyset) orderBy(backward bool) string {
	dir := " DESC"
	if backward == q.desc {
		dir = ""
	}
	if q.order == "" {
		return " ORDER BY " + q.seq + dir
	}
	return " ORDER BY " + q.order + dir + ", " + q.seq + dir
}

func (q keyset) cursorAt(p position, before bool) string {
	return cursor{Scope: q.scope, Before: before, Seq: p.seq, Key: p.key}.encode()
}

// queryPage runs q for page pg, scanning each row with scan, which returns
// the row's item and sequence number.
func queryPage[T any](ctx context.Context, db *sql.DB, q keyset, pg page, scan func(rowScanner) (T, int64, error)) (pageResult[T], error) {
	var res pageResult[T]
	backward := pg.Cursor != nil && pg.Cursor.Before
	query := "SELECT "
	if q.order != "" {
		query += q.order + ", "
	}
	query += q.columns + " FROM " + q.from
	args := slices.Clone(q.args)
	if pg.Cursor != nil {
		cond, condArgs, err := q.beyond(position{key: pg.Cursor.Key, seq: pg.Cursor.Seq}, !backward)
		if err != nil {
			return res, err
		}
		query += " AND " + cond
		args = append(args, condArgs...)
	}
	query += q.orderBy(backward) + " LIMIT ?"
	args = append(args, pg.Size+1)

	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return res, fmt.Errorf("sandbox: querying a page: %w", err)
	}
	defer rows.Close()
	var at []position
	for rows.Next() {
		var key any
		var from rowScanner = rows
		if q.order != "" {
			from = keyedRow{rows: rows, key: &key}
		}
		item, seq, err := scan(from)
		if err != nil {
			return res, fmt.Errorf("sandbox: reading a page: %w", err)
		}
		res.items = append(res.items, item)
		at = append(at, position{key: sortKeyText(key), seq: seq})
	}
	if err := rows.Err(); err != nil {
		return res, fmt.Errorf("sandbox: reading a page: %w", err)
	}
	more := len(res.items) > pg.Size
	if more {
		res.items, at = res.items[:pg.Size], at[:pg.Size]
	}
	if backward {
		slices.Reverse(res.items)
		slices.Reverse(at)
	}

	switch {
	case len(at) == 0 && pg.Cursor != nil:
		// Past either end: offer the way back to where rows are, the
		// cursor's own row included (a position one seq beside it).
		shift := int64(1)
		if q.desc {
			shift = -1
		}
		p := position{key: pg.Cursor.Key, seq: pg.Cursor.Seq}
		if backward {
			res.next = q.cursorAt(position{key: p.key, seq: p.seq - shift}, false)
		} else {
			res.prev = q.cursorAt(position{key: p.key, seq: p.seq + shift}, true)
		}
	case len(at) == 0:
	case backward:
		if more {
			res.prev = q.cursorAt(at[0], true)
		}
		res.next = q.cursorAt(at[len(at)-1], false)
	default:
		if more {
			res.next = q.cursorAt(at[len(at)-1], false)
		}
		if pg.Cursor != nil {
			exists, err := existsBefore(ctx, db, q, at[0])
			if err != nil {
				return res, err
			}
			if exists {
				res.prev = q.cursorAt(at[0], true)
			}
		}
	}
	return res, rows.Close()
}

// sortKeyText writes a sort key SQLite returned as a cursor's text.
func sortKeyText(key any) string {
	switch k := key.(type) {
	case nil:
		return ""
	case []byte:
		return string(k)
	case string:
		return k
	case int64:
		return strconv.FormatInt(k, 10)
	default:
		return fmt.Sprint(k)
	}
}

// existsBefore reports whether q has a row before position p.
func existsBefore(ctx context.Context, db *sql.DB, q keyset, p position) (bool, error) {
	cond, condArgs, err := q.beyond(p, false)
	if err != nil {
		return false, err
	}
	var exists bool
	query := "SELECT EXISTS (SELECT 1 FROM " + q.from + " AND " + cond + ")"
	if err := db.QueryRowContext(ctx, query, append(slices.Clone(q.args), condArgs...)...).Scan(&exists); err != nil {
		return false, fmt.Errorf("sandbox: looking for a previous page: %w", err)
	}
	return exists, nil
}
