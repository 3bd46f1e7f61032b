package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/debrief-oss/debrief"
)

// migrations holds the numbered SQL files of each dialect, applied in order
// and never edited once released: a change is a new file.
//
//go:embed migrations
var migrations embed.FS

// migration is one numbered schema change.
type migration struct {
	version int
	name    string
	sql     string

	// then, when not nil, is a step in Go run after sql in the same
	// transaction, for what SQL alone cannot do alike on both databases.
	then func(context.Context, *tx) error
}

// migrationSteps are the steps in Go of migrations, by version; they are
// the same on both databases.
var migrationSteps = map[int]func(context.Context, *tx) error{
	// 0004 adds the folded copies of filtered text: fold the rows stored
	// before it as the store folds new ones (SQLite's lower() changes ASCII
	// letters only).
	4: refoldAll,
	// 0006 adds each report's doc: write it for the reports stored before.
	6: fillDocs,
}

// sum is the SHA-256 of the migration's SQL, in hex.
func (m migration) sum() string {
	h := sha256.Sum256([]byte(m.sql))
	return hex.EncodeToString(h[:])
}

// migrations reads the dialect's migrations, ordered by number.
func (d *dialect) migrations() ([]migration, error) {
	dir := path.Join("migrations", d.name)
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s: name is not NNNN_name.sql", e.Name())
		}
		b, err := fs.ReadFile(migrations, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b), then: migrationSteps[v]})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// appliedVersions returns the versions recorded in schema_migrations, none
// when the database has no schema yet.
func (s *Store) appliedVersions(ctx context.Context) (map[int]bool, error) {
	applied := map[int]bool{}
	err := s.read(ctx, func(t *tx) error {
		var n int
		if err := t.queryRow(ctx, s.d.tableExists, "schema_migrations").Scan(&n); err != nil || n == 0 {
			return err
		}
		return t.each(ctx, `SELECT version FROM schema_migrations`, nil, func(rows *sql.Rows) error {
			var v int
			err := rows.Scan(&v)
			applied[v] = true
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	return applied, nil
}

// newerVersion returns the newest migration the database records when this
// build does not know it (a newer Debrief migrated the database), and 0
// otherwise.
func (s *Store) newerVersion(ctx context.Context) (int, error) {
	ms, err := s.d.migrations()
	if err != nil {
		return 0, err
	}
	applied, err := s.appliedVersions(ctx)
	if err != nil {
		return 0, err
	}
	newest := 0
	for v := range applied {
		newest = max(newest, v)
	}
	if newest > ms[len(ms)-1].version {
		return newest, nil
	}
	return 0, nil
}

// checkNotNewer returns EINVALID when a newer Debrief migrated the database:
// this build would misread a schema it does not know.
func (s *Store) checkNotNewer(ctx context.Context) error {
	v, err := s.newerVersion(ctx)
	if err != nil {
		return err
	}
	if v != 0 {
		return debrief.Errorf(debrief.EINVALID, "db: this database was migrated by a newer Debrief (migration %04d); upgrade Debrief", v)
	}
	return nil
}

// Pending returns the names of the migrations the database lacks, in the
// order Migrate would apply them; none when the schema is up to date.
func (s *Store) Pending(ctx context.Context) ([]string, error) {
	ms, err := s.d.migrations()
	if err != nil {
		return nil, err
	}
	applied, err := s.appliedVersions(ctx)
	if err != nil {
		return nil, err
	}
	var pending []string
	for _, m := range ms {
		if !applied[m.version] {
			pending = append(pending, m.name)
		}
	}
	return pending, nil
}

// Migrate applies the migrations the database lacks, each in its own
// transaction with its record in schema_migrations (and its step in Go, if
// it has one). Running it again does nothing. On PostgreSQL each migration
// first takes an advisory lock, so replicas that start together migrate one
// after the other. It returns the names of the migrations applied, and
// EINVALID without applying any when a newer Debrief migrated the database.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	return s.migrateTo(ctx, 0)
}

// migrateTo is Migrate up to migration last, or all of them when last is
// 0.
func (s *Store) migrateTo(ctx context.Context, last int) ([]string, error) {
	ms, err := s.d.migrations()
	if err != nil {
		return nil, err
	}
	if last > 0 {
		ms = slices.DeleteFunc(ms, func(m migration) bool { return m.version > last })
	}
	if err := s.checkNotNewer(ctx); err != nil {
		return nil, err
	}
	var applied []string
	for _, m := range ms {
		done := false
		err := s.write(ctx, func(t *tx) error {
			if s.d.migrationLock != "" {
				if _, err := t.exec(ctx, s.d.migrationLock); err != nil {
					return err
				}
			}
			if _, err := t.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
				version INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
				return err
			}
			var sum string
			err := t.queryRow(ctx, `SELECT sha256 FROM schema_migrations WHERE version = ?`, m.version).Scan(&sum)
			switch {
			case err == nil && sum != m.sum():
				// Released migrations are never edited: the database would
				// differ from what the file now says.
				return fmt.Errorf("was changed after it was applied (sha256 %s, applied %s)", m.sum(), sum)
			case err == nil:
				done = true
				return nil
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
			// A migration is SQL of its dialect as written: it has no
			// placeholders to rebind.
			if _, err := t.q.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			if m.then != nil {
				if err := m.then(ctx, t); err != nil {
					return err
				}
			}
			_, err = t.exec(ctx, `INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)`,
				m.version, m.name, m.sum(), s.nowMicros())
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", m.name, err)
		}
		if !done {
			applied = append(applied, m.name)
		}
	}
	return applied, nil
}
