package sqlstore

import "context"

// MigrateTo applies the migrations the database lacks up to version last,
// so that tests can build a database of an older schema.
func (s *Store) MigrateTo(ctx context.Context, last int) ([]string, error) {
	return s.migrateTo(ctx, last)
}

// WriteTx runs fn in a write transaction; exec runs a statement in it. Tests
// use it to make a transaction end half-way.
func (s *Store) WriteTx(ctx context.Context, fn func(exec func(query string, args ...any) error) error) error {
	return s.write(ctx, func(t *tx) error {
		return fn(func(query string, args ...any) error {
			_, err := t.exec(ctx, query, args...)
			return err
		})
	})
}

// ConnsInUse returns how many connections of the store are taken: 0 when no
// transaction is open.
func (s *Store) ConnsInUse() int {
	n := s.c.writer.Stats().InUse
	switch {
	case s.readers != nil:
		n += cap(s.readers.free) - len(s.readers.free)
	case s.c.reader != s.c.writer:
		n += s.c.reader.Stats().InUse
	}
	return n
}
