package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// readers are SQLite's reading connections, each kept by the store with the
// statements it has prepared. Through database/sql every query was parsed
// again, and every transaction's BEGIN and COMMIT too: for a read of a kept
// report, that was most of its time. A reading transaction here takes a
// connection, runs BEGIN, the queries on its prepared statements, and
// COMMIT.
type readers struct {
	db     *sql.DB
	free   chan *readConn // nil entries are connections not made yet
	closed sync.Once
	done   chan struct{} // closed by close
}

// readConn is one reading connection and its prepared statements.
type readConn struct {
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
}

// maxConnStmts bounds the statements one connection keeps: the few queries
// whose text varies (an IN list of n IDs) stop being kept past it.
const maxConnStmts = 256

func newReaders(db *sql.DB, n int) *readers {
	r := &readers{db: db, free: make(chan *readConn, n), done: make(chan struct{})}
	for range n {
		r.free <- nil
	}
	return r
}

// read runs fn in a transaction on a reading connection.
func (r *readers) read(ctx context.Context, s *Store, fn func(*tx) error) (err error) {
	return r.run(ctx, s, true, fn)
}

// run runs fn on a free reading connection: in a transaction when inTx,
// else with each statement on its own, which saves the BEGIN and COMMIT
// of a read that is one statement.
func (r *readers) run(ctx context.Context, s *Store, inTx bool, fn func(*tx) error) (err error) {
	var rc *readConn
	select {
	case <-r.done:
		return errors.New("begin: the store is closed")
	default:
	}
	select {
	case rc = <-r.free:
	case <-r.done:
		return errors.New("begin: the store is closed")
	case <-ctx.Done():
		return s.translate(fmt.Errorf("begin: %w", ctx.Err()))
	}
	if rc == nil {
		c, err := r.db.Conn(ctx)
		if err != nil {
			r.free <- nil
			return s.translate(fmt.Errorf("begin: %w", err))
		}
		rc = &readConn{conn: c, stmts: map[string]*sql.Stmt{}}
	}
	begun := false
	defer func() {
		// A transaction left open would keep an old snapshot: roll it
		// back, and when that fails, drop the connection.
		if begun {
			if _, rerr := rc.conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil {
				rc.close()
				rc = nil
			}
		}
		r.free <- rc
	}()
	if !inTx {
		return s.translate(fn(&tx{q: rc.conn, d: s.d, rc: rc}))
	}
	if _, err := rc.exec(ctx, "BEGIN"); err != nil {
		rc.close()
		rc = nil
		return s.translate(fmt.Errorf("begin: %w", err))
	}
	begun = true
	if err := fn(&tx{q: rc.conn, d: s.d, rc: rc}); err != nil {
		return s.translate(err)
	}
	if _, err := rc.exec(ctx, "COMMIT"); err != nil {
		return s.translate(fmt.Errorf("commit: %w", err))
	}
	begun = false
	return nil
}

// stmt returns the connection's prepared statement of query, preparing it
// on first use; nil for no connection, or when its statements are full.
func (rc *readConn) stmt(ctx context.Context, query string) *sql.Stmt {
	if rc == nil {
		return nil
	}
	if st, ok := rc.stmts[query]; ok {
		return st
	}
	if len(rc.stmts) >= maxConnStmts {
		return nil
	}
	st, err := rc.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil // run as text, and report its own error
	}
	rc.stmts[query] = st
	return st
}

func (rc *readConn) exec(ctx context.Context, query string) (sql.Result, error) {
	if st := rc.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx)
	}
	return rc.conn.ExecContext(ctx, query)
}

// close closes the connection's statements and gives it back.
func (rc *readConn) close() error {
	var err error
	for _, st := range rc.stmts {
		err = errors.Join(err, st.Close())
	}
	return errors.Join(err, rc.conn.Close())
}

// close closes every connection made, once: it waits for the reads in
// flight.
func (r *readers) close() error {
	var err error
	r.closed.Do(func() {
		close(r.done)
		for range cap(r.free) {
			if rc := <-r.free; rc != nil {
				err = errors.Join(err, rc.close())
			}
		}
	})
	return err
}
