package sqlstore

import "testing"

func TestRebind(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`SELECT a FROM t WHERE x = ? AND y = ?`, `SELECT a FROM t WHERE x = $1 AND y = $2`},
		{`SELECT '?' , ? FROM t`, `SELECT '?' , $1 FROM t`},
		{`SELECT 'it''s ?', ?`, `SELECT 'it''s ?', $1`},
		{`SELECT "odd?name" FROM t WHERE a = ?`, `SELECT "odd?name" FROM t WHERE a = $1`},
		{"SELECT ? -- why?\n, ?", "SELECT $1 -- why?\n, $2"},
		{`SELECT /* a ? */ ?`, `SELECT /* a ? */ $1`},
		{`SELECT $$ what? $$, ?`, `SELECT $$ what? $$, $1`},
		{`SELECT $q$ what? $q$, ?`, `SELECT $q$ what? $q$, $1`},
		{`SELECT 'unclosed ?`, `SELECT 'unclosed ?`},
		{`no placeholders`, `no placeholders`},
	} {
		if got := postgresDialect.rebind(c.in); got != c.want {
			t.Errorf("rebind(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := sqliteDialect.rebind(c.in); got != c.in {
			t.Errorf("SQLite rebind(%q) = %q, want it unchanged", c.in, got)
		}
	}
}
