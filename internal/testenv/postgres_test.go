package testenv

import (
	"context"
	"database/sql"
	"os"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(RunMain(m)) }

func TestMustHavePostgres(t *testing.T) {
	a, b := MustHavePostgres(t), MustHavePostgres(t)
	if a == b {
		t.Fatalf("two tests got the same database %s", a)
	}
	ctx := context.Background()
	for _, dsn := range []string{a, b} {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%s: new database has %d tables", dsn, n)
		}
	}
	db, _ := sql.Open("pgx", a)
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (x int)`); err != nil {
		t.Fatal(err)
	}
}

// TestPostgresFromPrivateFolder starts a server while the working folder is
// one that only its owner may enter, as when the repository is cloned under
// root's home or into a mktemp -d folder: the commands that run as the
// postgres user must not depend on reaching it.
func TestPostgresFromPrivateFolder(t *testing.T) {
	if PostgresBin() == "" {
		Missing(t, "PostgreSQL (apt-get install postgresql)")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	var c cluster
	c.start()
	defer c.stop()
	if c.err != nil {
		t.Fatalf("start PostgreSQL from a folder of mode 0700: %v", c.err)
	}
	db, err := sql.Open("pgx", c.dsn("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.PingContext(context.Background()); err != nil {
		t.Fatal(err)
	}
}
