package sandbox

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// keyset describes one keyset-paged query: the columns to select, the
// FROM clause with its WHERE condition (which must already contain
// "WHERE"), and the integer sequence column that orders the collection.
// Paging on the sequence, never OFFSET, keeps pages stable while rows are
// inserted and makes a deep page as cheap as the first.
type keyset struct {
	columns string
	from    string
	args    []any
	seq     string
	scope   string
}

// pageResult is one page of rows and the cursors of its neighbours ("" when
// there is none).
type pageResult[T any] struct {
	items      []T
	next, prev string
}

// queryPage runs q for page pg, scanning each row with scan, which returns
// the row's item and sequence number.
func queryPage[T any](ctx context.Context, db *sql.DB, q keyset, pg page, scan func(*sql.Rows) (T, int64, error)) (pageResult[T], error) {
	var res pageResult[T]
	backward := pg.Cursor != nil && pg.Cursor.Before
	query := "SELECT " + q.columns + " FROM " + q.from
	args := slices.Clone(q.args)
	switch {
	case pg.Cursor == nil:
	case backward:
		query += " AND " + q.seq + " < ?"
		args = append(args, pg.Cursor.Seq)
	default:
		query += " AND " + q.seq + " > ?"
		args = append(args, pg.Cursor.Seq)
	}
	if backward {
		query += " ORDER BY " + q.seq + " DESC LIMIT ?"
	} else {
		query += " ORDER BY " + q.seq + " LIMIT ?"
	}
	args = append(args, pg.Size+1)

	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return res, fmt.Errorf("sandbox: querying a page: %w", err)
	}
	defer rows.Close()
	var seqs []int64
	for rows.Next() {
		item, seq, err := scan(rows)
		if err != nil {
			return res, fmt.Errorf("sandbox: reading a page: %w", err)
		}
		res.items = append(res.items, item)
		seqs = append(seqs, seq)
	}
	if err := rows.Err(); err != nil {
		return res, fmt.Errorf("sandbox: reading a page: %w", err)
	}
	more := len(res.items) > pg.Size
	if more {
		res.items, seqs = res.items[:pg.Size], seqs[:pg.Size]
	}
	if backward {
		slices.Reverse(res.items)
		slices.Reverse(seqs)
	}

	switch {
	case len(seqs) == 0 && pg.Cursor != nil:
		// Past either end: offer the way back to where rows are.
		if backward {
			res.next = cursor{Scope: q.scope, Seq: pg.Cursor.Seq - 1}.encode()
		} else {
			res.prev = cursor{Scope: q.scope, Before: true, Seq: pg.Cursor.Seq + 1}.encode()
		}
	case len(seqs) == 0:
	case backward:
		if more {
			res.prev = cursor{Scope: q.scope, Before: true, Seq: seqs[0]}.encode()
		}
		res.next = cursor{Scope: q.scope, Seq: seqs[len(seqs)-1]}.encode()
	default:
		if more {
			res.next = cursor{Scope: q.scope, Seq: seqs[len(seqs)-1]}.encode()
		}
		if pg.Cursor != nil {
			exists, err := existsBefore(ctx, db, q, seqs[0])
			if err != nil {
				return res, err
			}
			if exists {
				res.prev = cursor{Scope: q.scope, Before: true, Seq: seqs[0]}.encode()
			}
		}
	}
	return res, rows.Close()
}

// existsBefore reports whether q has a row before sequence number seq.
func existsBefore(ctx context.Context, db *sql.DB, q keyset, seq int64) (bool, error) {
	var exists bool
	query := "SELECT EXISTS (SELECT 1 FROM " + q.from + " AND " + q.seq + " < ?)"
	if err := db.QueryRowContext(ctx, query, append(slices.Clone(q.args), seq)...).Scan(&exists); err != nil {
		return false, fmt.Errorf("sandbox: looking for a previous page: %w", err)
	}
	return exists, nil
}
