// Package sqlstore keeps Debrief's reports, action items, users and audit
// log in SQLite (embedded, the default) or PostgreSQL (for teams that run
// several replicas), with one SQL code path over database/sql.
//
// Open takes a DSN: "postgres://..." (or "postgresql://...") for
// PostgreSQL, "sqlite:PATH" or a plain file path for SQLite. Migrate brings
// the schema up to date. Every difference between the two databases lives in
// dialect.go.
//
// Storage is normalised: a report is a row of reports plus rows of
// timeline_events, action_items, prevention_items, documents, report_items
// (lists of strings) and extra_sections. Every typed value is stored as the
// text a person wrote and parsed again on read, so that a report read back
// is equal to the report stored and renders to the same Markdown.
//
// Every change is one transaction, with its audit entry; a report carries a
// version, and an update that names a stale version fails with ECONFLICT and
// changes nothing.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/debrief-oss/debrief"
)

// Store is the database. It implements the services of package debrief.
// Its methods are safe for concurrent use.
type Store struct {
	d       *dialect
	c       *conns
	now     func() time.Time
	opts    Options
	readers *readers // SQLite's reading connections; nil on PostgreSQL
	reports reportCache
	lists   resultCache[*debrief.ReportPage]
	found   resultCache[*debrief.Page[*debrief.SearchHit]]
	actions resultCache[*debrief.Page[*debrief.StoredActionItem]]
}

var (
	_ debrief.ReportService     = (*Store)(nil)
	_ debrief.SearchService     = (*Store)(nil)
	_ debrief.ActionItemService = (*Store)(nil)
	_ debrief.UserService       = (*Store)(nil)
	_ debrief.AuthService       = (*Store)(nil)
	_ debrief.AuditService      = (*Store)(nil)
)

// Options tune a Store. The zero value is good.
type Options struct {
	// Now returns the current time; time.Now when nil. Tests set it to
	// control timestamps.
	Now func() time.Time
	// Readers is the number of reading connections; 4 when zero.
	Readers int
	// ApprovalCheck, when set, checks a report about to be approved, its
	// Sign-off already filled in, and returns what blocks the approval
	// (the lint errors): TransitionReport then returns EUNPROCESSABLE with
	// them and changes nothing.
	ApprovalCheck func(r *debrief.Report) []debrief.Problem
	// ReviewInterval is how long after its approval a report is due for
	// review again; debrief.DefaultReviewInterval when zero.
	ReviewInterval time.Duration
	// Alerts is how notifications of alert sources become reports;
	// debrief.DefaultAlertPolicy() when its Window is zero.
	Alerts debrief.AlertPolicy
	// NotifyTargets names the targets each event is written to the outbox
	// for; none when empty.
	NotifyTargets []string
}

// Open connects to the database named by dsn. It does not change the
// schema: call Migrate for that. It returns EINVALID when a newer Debrief
// migrated the database. A SQLite file that may not be written (see
// readOnlyReason) is opened to be read without leaving a file beside it,
// and every write returns EFORBIDDEN naming it; in a folder that may not be
// written, a new SQLite file is refused with EFORBIDDEN.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	d, source, err := parseDSN(dsn)
	if err != nil {
		return nil, debrief.Errorf(debrief.EINVALID, "db: %v", err)
	}
	if opts.Readers <= 0 {
		opts.Readers = 4
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Alerts.Window <= 0 {
		opts.Alerts = debrief.DefaultAlertPolicy()
	}
	c, err := d.open(ctx, source, opts.Readers)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", d.name, err)
	}
	s := &Store{d: d, c: c, now: opts.Now, opts: opts}
	if d == sqliteDialect && c.reader != c.writer {
		s.readers = newReaders(c.reader, opts.Readers)
	}
	if err := s.checkNotNewer(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the connections.
func (s *Store) Close() error {
	var err error
	if s.readers != nil {
		err = s.readers.close()
	}
	if s.d.onClose != "" && !s.c.readOnly {
		_, err = s.c.writer.Exec(s.d.onClose)
	}
	err = errors.Join(err, s.c.writer.Close())
	if s.c.reader != s.c.writer {
		err = errors.Join(err, s.c.reader.Close())
	}
	return err
}

// Dialect returns "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.d.name }

// nowMicros returns the clock's time in microseconds since the epoch, the
// way the schema keeps times.
func (s *Store) nowMicros() int64 { return s.now().UTC().UnixMicro() }

// fromMicros turns a stored time back into a time.Time in UTC.
func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// tx is a transaction with the dialect's placeholders.
type tx struct {
	q querier
	d *dialect
	// rc, on SQLite's readers, is the connection the transaction runs on,
	// which keeps its prepared statements.
	rc *readConn
}

// querier is what runs a transaction's statements: a *sql.Tx, or one of
// SQLite's reading connections in a transaction begun by hand.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (t *tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	query = t.d.rebind(query)
	if st := t.rc.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.q.ExecContext(ctx, query, args...)
}

func (t *tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query = t.d.rebind(query)
	if st := t.rc.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.q.QueryContext(ctx, query, args...)
}

func (t *tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	query = t.d.rebind(query)
	if st := t.rc.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.q.QueryRowContext(ctx, query, args...)
}

// write runs fn in a transaction on the writer and commits when fn returns
// nil. It returns EFORBIDDEN, naming the file, when the database may only
// be read.
func (s *Store) write(ctx context.Context, fn func(*tx) error) error {
	if s.c.readOnly {
		return debrief.Errorf(debrief.EFORBIDDEN, "db: %s is read-only (%s); nothing was written", s.c.path, s.c.why)
	}
	return s.inTx(ctx, s.c.writer, nil, fn)
}

// read runs fn in a read-only transaction, so that it sees one snapshot.
func (s *Store) read(ctx context.Context, fn func(*tx) error) error {
	if s.readers != nil {
		return s.readers.read(ctx, s, fn)
	}
	return s.inTx(ctx, s.c.reader, s.d.readTx, fn)
}

// readOne runs fn, a read of one statement, without a transaction of its
// own: the statement is its own snapshot, and the round trips of BEGIN and
// COMMIT are saved on the requests that make it, such as a token's check.
func (s *Store) readOne(ctx context.Context, fn func(*tx) error) error {
	if s.readers != nil {
		return s.readers.run(ctx, s, false, fn)
	}
	return s.translate(fn(&tx{q: s.c.reader, d: s.d}))
}

// inTx runs fn in a transaction on db and commits when fn returns nil. The
// transaction is rolled back when fn fails or panics (the panic goes on):
// one left open would hold SQLite's only writer connection, and every later
// write would wait for it until its context expired.
func (s *Store) inTx(ctx context.Context, db *sql.DB, opts *sql.TxOptions, fn func(*tx) error) error {
	t, err := db.BeginTx(ctx, opts)
	if err != nil {
		return s.translate(fmt.Errorf("begin: %w", err))
	}
	// After a commit this does nothing.
	defer t.Rollback()
	if err := fn(&tx{q: t, d: s.d}); err != nil {
		return s.translate(err)
	}
	if err := t.Commit(); err != nil {
		return s.translate(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// translate turns driver errors that users can act on into application
// errors; others stay internal.
func (s *Store) translate(err error) error {
	var e *debrief.Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	if s.d.isUnique(err) {
		return debrief.Errorf(debrief.ECONFLICT, "already exists")
	}
	return err
}

// audit records a change in the transaction that makes it.
func (t *tx) audit(ctx context.Context, at int64, action, entity string, id int64, detail string) error {
	_, err := t.exec(ctx, `INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		at, debrief.ActorFromContext(ctx), action, entity, id, detail)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// Check verifies that the database is sound: SQLite's integrity check of
// the file, or a round trip to PostgreSQL.
func (s *Store) Check(ctx context.Context) error {
	var res string
	if err := s.c.writer.QueryRowContext(ctx, s.d.integrityCheck).Scan(&res); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("integrity check: %s", res)
	}
	return nil
}

// Pools returns the store's connection pools by role ("writer", and
// "reader" when reads have a pool of their own), for their statistics.
func (s *Store) Pools() map[string]*sql.DB {
	pools := map[string]*sql.DB{"writer": s.c.writer}
	if s.c.reader != s.c.writer {
		pools["reader"] = s.c.reader
	}
	return pools
}
