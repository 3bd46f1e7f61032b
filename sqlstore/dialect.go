package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect holds every difference between SQLite and PostgreSQL that the
// store's one SQL code path needs. Queries are written with ? placeholders
// and rebound for PostgreSQL.
type dialect struct {
	name       string // "sqlite" or "postgres"
	dollarArgs bool   // placeholders are $1, $2, ... instead of ?

	// migrationLock, when not empty, is run first in each migration's
	// transaction so that two processes never migrate at once.
	migrationLock string

	// searchInsert stores a report's text in the full-text index; args:
	// report id, title, body.
	searchInsert string
	// searchDelete removes a report from the index; arg: report id.
	searchDelete string
	// searchQuery finds reports; a format whose %s takes more conditions
	// on reports r (each starting with AND); args: match expression, the
	// conditions' arguments, limit, offset. Columns: report id, rank
	// (higher is better).
	searchQuery string
	// searchSnippets makes the snippets of the reports a search returns,
	// apart from ranking: made for every match, they took most of a
	// search's time. A format whose %s takes the IDs' placeholders; args:
	// match expression, IDs. Columns: report id, snippet.
	searchSnippets string
	// searchMatch turns the words a person typed into the dialect's match
	// expression.
	searchMatch func(words []string) string

	// nativeBool tells that BOOLEAN columns hold Go bools; SQLite keeps
	// them as the integers 0 and 1.
	nativeBool bool
	// resetIdentity, when not empty, is a format (with the table name twice)
	// that moves a table's ID sequence past the IDs copied into it.
	resetIdentity string

	// readTx are the options of read transactions: each sees one snapshot,
	// so a report is never read half before and half after an update.
	// SQLite gives that by default.
	readTx *sql.TxOptions

	// onClose, when not empty, is run on the writer before closing.
	onClose string

	// integrityCheck returns one row, "ok" when the database is sound.
	integrityCheck string

	// tableExists counts the tables named by its argument: 1 or 0.
	tableExists string

	// isUnique reports whether err is a unique-constraint violation.
	isUnique func(err error) bool
	// isRetryable reports whether err ended a transaction that lost a race
	// with another one and may succeed when tried again.
	isRetryable func(err error) bool

	// lockRow, put after a SELECT of one row in a write transaction, locks
	// the row until the transaction ends, so that two transactions that
	// read a row to change it take turns. SQLite needs none: its writer
	// begins with BEGIN IMMEDIATE, which takes the database's write lock.
	lockRow string
	// skipLocked, put after a SELECT in a write transaction, locks the rows
	// it returns and passes over rows another transaction holds, so that
	// replicas claiming work at once each get their own. SQLite needs none
	// (one writer at a time).
	skipLocked string
}

var sqliteDialect = &dialect{
	name:           "sqlite",
	integrityCheck: `PRAGMA integrity_check`,
	tableExists:    `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`,
	// Keeps the query planner's statistics fresh, as SQLite advises.
	onClose:      `PRAGMA optimize`,
	searchInsert: `INSERT INTO report_search (rowid, title, body) VALUES (?, ?, ?)`,
	searchDelete: `DELETE FROM report_search WHERE rowid = ?`,
	// bm25 is lower for better matches; weight titles ten times the body.
	searchQuery: `SELECT report_search.rowid, -bm25(report_search, 10.0, 1.0)
		FROM report_search JOIN reports r ON r.id = report_search.rowid
		WHERE report_search MATCH ? %s ORDER BY 2 DESC, report_search.rowid DESC LIMIT ? OFFSET ?`,
	searchSnippets: `SELECT rowid, snippet(report_search, 1, '[', ']', '…', 16)
		FROM report_search WHERE report_search MATCH ? AND rowid IN (%s)`,
	searchMatch: func(words []string) string {
		// Each word is an FTS5 string, so nothing a person types is read as
		// query syntax; a trailing * would be, so it is dropped.
		q := make([]string, len(words))
		for i, w := range words {
			q[i] = `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
		}
		return strings.Join(q, " AND ")
	},
	isUnique: func(err error) bool {
		var e *sqlite.Error
		if !errors.As(err, &e) {
			return false
		}
		return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	},
	// Write transactions take the write lock as they begin (and wait for
	// it up to the busy timeout): none loses a race half-way.
	isRetryable: func(error) bool { return false },
}

var postgresDialect = &dialect{
	name:          "postgres",
	dollarArgs:    true,
	nativeBool:    true,
	readTx:        &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead},
	resetIdentity: `SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM %s), false)`,
	migrationLock: `SELECT pg_advisory_xact_lock(7216483011)`,
	// PostgreSQL keeps its own files sound; this checks that it answers.
	integrityCheck: `SELECT 'ok'`,
	tableExists:    `SELECT count(*) FROM pg_class WHERE oid = to_regclass(?)`,
	searchInsert:   `INSERT INTO report_search (report_id, title, body) VALUES (?, ?, ?)`,
	searchDelete:   `DELETE FROM report_search WHERE report_id = ?`,
	searchQuery: `SELECT s.report_id, ts_rank_cd(s.document, q.query)::float8
		FROM report_search s JOIN reports r ON r.id = s.report_id, (SELECT plainto_tsquery('english', ?) AS query) q
		WHERE s.document @@ q.query %s ORDER BY 2 DESC, s.report_id DESC LIMIT ? OFFSET ?`,
	searchSnippets: `SELECT s.report_id,
		ts_headline('english', s.body, q.query, 'StartSel=[, StopSel=], MaxWords=24, MinWords=8, MaxFragments=1, FragmentDelimiter=" … "')
		FROM report_search s, (SELECT plainto_tsquery('english', ?) AS query) q WHERE s.report_id IN (%s)`,
	searchMatch: func(words []string) string { return strings.Join(words, " ") },
	isUnique: func(err error) bool {
		var e *pgconn.PgError
		return errors.As(err, &e) && e.Code == "23505"
	},
	isRetryable: func(err error) bool {
		var e *pgconn.PgError
		// serialization_failure, deadlock_detected
		return errors.As(err, &e) && (e.Code == "40001" || e.Code == "40P01")
	},
	lockRow:    ` FOR UPDATE`,
	skipLocked: ` FOR UPDATE SKIP LOCKED`,
}

// rebind rewrites ? placeholders as $1, $2, ... for PostgreSQL. A ? inside
// a string literal ('...'), a quoted identifier ("..."), a dollar-quoted
// string ($$...$$, $tag$...$tag$) or a comment (-- and /* */) is left as it
// is: only placeholders are numbered.
func (d *dialect) rebind(query string) string {
	if !d.dollarArgs || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); {
		c := query[i]
		end := i + 1
		switch {
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			i++
			continue
		case c == '\'' || c == '"':
			// A doubled quote inside is part of the text.
			end = i + 1
			for end < len(query) {
				if query[end] == c {
					if end+1 < len(query) && query[end+1] == c {
						end += 2
						continue
					}
					end++
					break
				}
				end++
			}
		case c == '-' && strings.HasPrefix(query[i:], "--"):
			if j := strings.IndexByte(query[i:], '\n'); j >= 0 {
				end = i + j
			} else {
				end = len(query)
			}
		case c == '/' && strings.HasPrefix(query[i:], "/*"):
			if j := strings.Index(query[i+2:], "*/"); j >= 0 {
				end = i + 2 + j + 2
			} else {
				end = len(query)
			}
		case c == '$':
			if tag, ok := dollarTag(query[i:]); ok {
				if j := strings.Index(query[i+len(tag):], tag); j >= 0 {
					end = i + len(tag) + j + len(tag)
				} else {
					end = len(query)
				}
			}
		}
		b.WriteString(query[i:end])
		i = end
	}
	return b.String()
}

// dollarTag returns the opening tag of a dollar-quoted string at the start
// of s ("$$" or "$name$"), and whether there is one. "$1" is a parameter,
// not a tag.
func dollarTag(s string) (string, bool) {
	for j := 1; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '$':
			return s[:j+1], true
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 1 && c >= '0' && c <= '9' || c >= 0x80:
		default:
			return "", false
		}
	}
	return "", false
}

// conns are the connections of a store: one writer and a pool of readers.
// For PostgreSQL both are the same pool.
type conns struct {
	writer, reader *sql.DB
	// readOnly is set when the database may only be read (opened by
	// openReadOnly or openSnapshot): path is its file, and why says why.
	readOnly  bool
	path, why string
}

// parseDSN tells the dialect of a DSN: "postgres://..." or
// "postgresql://..." for PostgreSQL, "sqlite:PATH" or a plain file path for
// SQLite. It returns the dialect and the driver's data source (the path for
// SQLite).
func parseDSN(dsn string) (*dialect, string, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return postgresDialect, dsn, nil
	case strings.HasPrefix(dsn, "sqlite:"):
		dsn = strings.TrimPrefix(dsn, "sqlite:")
	}
	if dsn == "" {
		return nil, "", fmt.Errorf("empty database path")
	}
	if strings.ContainsAny(dsn, "?#") {
		return nil, "", fmt.Errorf("database path %q: ? and # are not allowed", dsn)
	}
	return sqliteDialect, dsn, nil
}

// open connects to the database of the dialect.
func (d *dialect) open(ctx context.Context, source string, readers int) (*conns, error) {
	if d == postgresDialect {
		db, err := sql.Open("pgx", source)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(readers + 1)
		db.SetMaxIdleConns(readers + 1)
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, err
		}
		return &conns{writer: db, reader: db}, nil
	}
	switch why := readOnlyReason(source); {
	case why == "":
	case fileExists(source):
		return openReadOnly(ctx, source, why, readers)
	default:
		return nil, debrief.Errorf(debrief.EFORBIDDEN, "db: cannot create %s: %s", source, why)
	}
	// busy_timeout comes first (the driver applies it before anything else)
	// so that setting WAL waits for another process instead of failing.
	// The writer begins transactions with BEGIN IMMEDIATE: it takes the
	// write lock up front, so a transaction never fails half-way because
	// another process wrote first.
	params := "_busy_timeout=10000&_journal_mode=WAL&_foreign_keys=1&_synchronous=NORMAL"
	file := "file:" + (&url.URL{Path: source}).EscapedPath()
	w, err := sql.Open("sqlite", file+"?"+params+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := pingFresh(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", file+"?"+params+"&_query_only=1")
	if err != nil {
		w.Close()
		return nil, err
	}
	// The store keeps readers connections for its reads (see readers);
	// one more serves what uses the pool directly.
	r.SetMaxOpenConns(readers + 1)
	r.SetMaxIdleConns(readers + 1)
	return &conns{writer: w, reader: r}, nil
}

// freshWait is how long opening a SQLite file tries again while other
// processes are making it: as long as the busy timeout.
const freshWait = 10 * time.Second

// pingFresh opens the writer's connection. Where several processes open a
// file that does not exist yet, the one that switches it to WAL can get
// SQLITE_BUSY at once, without the busy timeout's wait (SQLite does not
// wait on a lock change that could deadlock); the connection is then made
// again, with short pauses, until it opens or freshWait has passed.
func pingFresh(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(freshWait)
	for pause := 5 * time.Millisecond; ; pause = min(2*pause, 200*time.Millisecond) {
		err := db.PingContext(ctx)
		var e *sqlite.Error
		if err == nil || !errors.As(err, &e) || e.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
	}
}

// openSnapshot opens the SQLite file at path to read it and nothing else:
// read-only, so nothing can be written, and immutable, so that SQLite takes
// no lock and makes no WAL or shared-memory file beside it. The file's bytes
// stay as they were, and a file in a read-only folder opens too.
func openSnapshot(ctx context.Context, path string) (*conns, error) {
	file := "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=ro&immutable=1"
	db, err := sql.Open("sqlite", file)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return &conns{writer: db, reader: db, readOnly: true, path: path, why: "a backup is only read"}, nil
}

// readOnlyReason says why Debrief must not write to the SQLite file at
// path, or "" when it may. It goes by the permission bits, even as root
// (whom they do not stop): someone who took away every write bit of the
// file, or of its folder, where SQLite makes its -wal and -shm files beside
// the database, meant it to be read only. A file or folder this process
// may not write (another user's, on a read-only mount) is read-only too.
func readOnlyReason(path string) string {
	if fi, err := os.Stat(path); err == nil && (fi.Mode().Perm()&0o222 == 0 || !mayWrite(path)) {
		return "the file is not writable"
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err == nil && (fi.Mode().Perm()&0o222 == 0 || !mayWrite(dir)) {
		return "its folder is not writable"
	}
	return ""
}

// fileExists reports whether there is a file at path.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// openReadOnly opens the SQLite file at path, which Debrief must not write
// (readOnlyReason says why), to read it without leaving anything beside it:
// a SQLite connection that may not write leaves the -wal and -shm files it
// made behind. When there is no -wal file, nothing else has the database
// open (the last connection to close removes it): the file is opened
// immutable, so SQLite takes no lock and makes no file. When there is one,
// another program may be writing, and its last commits may be only in the
// -wal file: the file is opened read-only with the -wal and -shm files
// that are there. Every write fails with EFORBIDDEN, naming the file.
func openReadOnly(ctx context.Context, path, why string, readers int) (*conns, error) {
	params := "mode=ro&immutable=1"
	if _, err := os.Lstat(path + "-wal"); err == nil {
		params = "mode=ro&_busy_timeout=10000"
	}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+params)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(readers)
	db.SetMaxIdleConns(readers)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return &conns{writer: db, reader: db, readOnly: true, path: path, why: why}, nil
}
