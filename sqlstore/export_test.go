package sqlstore

import "context"

// MigrateTo applies the migrations the database lacks up to version last,
// so that tests can build a database of an older schema.
func (s *Store) MigrateTo(ctx context.Context, last int) ([]string, error) {
	return s.migrateTo(ctx, last)
}
