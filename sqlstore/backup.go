package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"

	"github.com/debrief-oss/debrief"
)

// FilePath returns the file of a SQLite DSN, or "" for PostgreSQL.
func FilePath(dsn string) string {
	d, source, err := parseDSN(dsn)
	if err != nil || d != sqliteDialect {
		return ""
	}
	return source
}

// copyTables are the tables Copy moves, parents before children. The
// full-text index is rebuilt rather than copied: its form differs between
// the databases.
var copyTables = []string{
	"users", "api_tokens", "sessions",
	"reports", "report_items", "timeline_events", "action_items", "prevention_items", "documents", "extra_sections",
	"audit_log",
	"alert_sources", "alert_groups", "alert_payloads", "outbox",
}

// boolColumns are the BOOLEAN columns of the schema.
var boolColumns = map[string]bool{"data_loss": true, "done": true}

// Backup writes a copy of the whole database to a new SQLite file at path,
// while the store stays in use. For SQLite it is VACUUM INTO, a consistent
// and compact copy; for PostgreSQL, a portable export of every table (one
// snapshot) into a SQLite file that Debrief opens like any other and
// Restore loads back into PostgreSQL.
func (s *Store) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return debrief.Errorf(debrief.ECONFLICT, "backup: %s exists", path)
	}
	if s.d == sqliteDialect {
		if _, err := s.c.writer.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
			return fmt.Errorf("vacuum into %s: %w", path, err)
		}
		return nil
	}
	dst, err := Open(ctx, "sqlite:"+path, Options{Now: s.now, Readers: 1})
	if err != nil {
		return err
	}
	defer dst.Close()
	if _, err := dst.Migrate(ctx); err != nil {
		return err
	}
	if err := dst.copyFrom(ctx, s); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// Restore copies every row of the backup at path (a file Backup wrote)
// into this database, which must hold no reports and no users. The backup
// is only read: not a byte of it changes.
func (s *Store) Restore(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return debrief.Errorf(debrief.ENOTFOUND, "restore: no backup at %s", path)
	}
	// An immutable file is read without its write-ahead log: changes still
	// in one would be left out.
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		return debrief.Errorf(debrief.EINVALID, "restore: %s-wal holds changes not yet written into the backup; close what has the backup open and try again", path)
	}
	c, err := openSnapshot(ctx, path)
	if err != nil {
		return fmt.Errorf("open backup %s: %w", path, err)
	}
	src := &Store{d: sqliteDialect, c: c, now: s.now}
	defer src.Close()
	if v, err := src.newerVersion(ctx); err != nil {
		return fmt.Errorf("backup %s: %w", path, err)
	} else if v != 0 {
		return debrief.Errorf(debrief.EINVALID, "restore: the backup at %s was made by a newer Debrief (migration %04d); upgrade Debrief", path, v)
	}
	return s.copyFrom(ctx, src)
}

// copyFrom copies every table of src into s in one transaction, then
// folds the copies of filtered text and rebuilds the search index.
func (s *Store) copyFrom(ctx context.Context, src *Store) error {
	return s.write(ctx, func(w *tx) error {
		var n int
		if err := w.queryRow(ctx, `SELECT (SELECT count(*) FROM reports) + (SELECT count(*) FROM users)`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return debrief.Errorf(debrief.ECONFLICT, "restore: the database is not empty")
		}
		err := src.read(ctx, func(r *tx) error {
			for _, table := range copyTables {
				if err := copyTable(ctx, w, r, table); err != nil {
					return fmt.Errorf("copy %s: %w", table, err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		// The folded copies of text are folded again rather than trusted: a
		// backup made before the store kept them has none, and another tool
		// may have written them otherwise.
		if err := refoldAll(ctx, w); err != nil {
			return err
		}
		// Likewise the docs: a backup made before the store kept them
		// has none.
		if err := fillDocs(ctx, w); err != nil {
			return err
		}
		if s.d.resetIdentity != "" {
			for _, table := range []string{"users", "api_tokens", "reports", "audit_log", "alert_sources", "alert_groups", "outbox"} {
				if _, err := w.exec(ctx, fmt.Sprintf(s.d.resetIdentity, table, table)); err != nil {
					return fmt.Errorf("reset %s ids: %w", table, err)
				}
			}
		}
		var ids []int64
		err = w.each(ctx, `SELECT id FROM reports`, nil, func(rows *sql.Rows) error {
			var id int64
			ids = append(ids, id)
			return rows.Scan(&ids[len(ids)-1])
		})
		if err != nil {
			return err
		}
		for _, id := range ids {
			sr, err := w.getReport(ctx, "id", id)
			if err != nil {
				return err
			}
			if _, err := w.exec(ctx, s.d.searchInsert, id, sr.Report.Title, searchText(sr.Report)); err != nil {
				return fmt.Errorf("index report %d: %w", id, err)
			}
		}
		return nil
	})
}

// copyTable copies the rows of one table from r to w, column by column.
func copyTable(ctx context.Context, w, r *tx, table string) error {
	rows, err := r.query(ctx, `SELECT * FROM `+table)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	var batch [][]any
	flush := func() error {
		err := w.insertRows(ctx, table, strings.Join(cols, ", "), batch)
		batch = batch[:0]
		return err
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, c := range cols {
			if v, ok := vals[i].(int64); ok && boolColumns[c] && w.d.nativeBool {
				vals[i] = v != 0
			}
		}
		batch = append(batch, vals)
		if len(batch) == 200 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(batch) == 0 {
		return nil
	}
	return flush()
}
