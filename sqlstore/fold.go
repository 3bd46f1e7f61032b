package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"golang.org/x/text/cases"
)

// fold returns s case-folded by Unicode's rules, for text that filters
// compare without regard to case: "Émile Zola", "ÉMILE ZOLA" and
// "émile zola" fold alike, as do "Straße" and "STRASSE"; accents and other
// differences remain. The store keeps a folded copy of each such column
// (see foldedColumns) and folds the filter's text the same way, so both
// databases compare alike whatever their locale, and the schema needs no
// function of Debrief's own.
func fold(s string) string {
	// A Caser keeps state between calls: one per call.
	return cases.Fold().String(s)
}

// foldedColumn is a column that holds fold of another column of its table.
type foldedColumn struct {
	table, column, fold string
	key                 []string // the table's primary key
}

// foldedColumns are the columns the store writes as fold of another.
var foldedColumns = []foldedColumn{
	{"reports", "author", "author_fold", []string{"id"}},
	{"report_items", "text", "text_fold", []string{"report_id", "kind", "position"}},
	{"action_items", "owner", "owner_fold", []string{"report_id", "position"}},
}

// refoldBatch is how many rows refold reads at a time.
const refoldBatch = 500

// refoldAll folds every row's copies again, in t: after migration 0004,
// which adds them to rows the store wrote before, and after a restore, whose
// backup may predate them or hold copies written by another tool.
func refoldAll(ctx context.Context, t *tx) error {
	for _, f := range foldedColumns {
		if err := refold(ctx, t, f); err != nil {
			return fmt.Errorf("fold %s.%s: %w", f.table, f.column, err)
		}
	}
	return nil
}

// refold writes the folded copy of every row of f's table whose copy is not
// fold of its text. It reads the rows in key order, refoldBatch at a time,
// so that memory stays bounded however large the table.
func refold(ctx context.Context, t *tx, f foldedColumn) error {
	keys := strings.Join(f.key, ", ")
	after := "(" + keys + ") > (" + strings.TrimSuffix(strings.Repeat("?, ", len(f.key)), ", ") + ")"
	set := `UPDATE ` + f.table + ` SET ` + f.fold + ` = ? WHERE ` + strings.Join(f.key, " = ? AND ") + ` = ?`
	type row struct {
		key        []any
		text, fold string
	}
	var last []any // the key of the last row read; nil before the first
	for {
		q, args := `SELECT `+keys+`, `+f.column+`, `+f.fold+` FROM `+f.table, []any{}
		if last != nil {
			q, args = q+` WHERE `+after, last
		}
		q, args = q+` ORDER BY `+keys+` LIMIT ?`, append(args, refoldBatch)
		var page []row
		err := t.each(ctx, q, args, func(rows *sql.Rows) error {
			r := row{key: make([]any, len(f.key))}
			dest := make([]any, 0, len(f.key)+2)
			for i := range r.key {
				dest = append(dest, &r.key[i])
			}
			if err := rows.Scan(append(dest, &r.text, &r.fold)...); err != nil {
				return err
			}
			page = append(page, r)
			return nil
		})
		if err != nil {
			return err
		}
		for _, r := range page {
			if folded := fold(r.text); folded != r.fold {
				if _, err := t.exec(ctx, set, append([]any{folded}, r.key...)...); err != nil {
					return err
				}
			}
		}
		if len(page) < refoldBatch {
			return nil
		}
		last = page[len(page)-1].key
	}
}
