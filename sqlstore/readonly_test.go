package sqlstore_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/sqlstore"
)

// fileNames lists the names in dir.
func fileNames(tb testing.TB, dir string) []string {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestReadOnlySQLite opens a SQLite file that may not be written, because
// of its own mode or its folder's: reading works, every write fails with an
// error that names the file, and nothing is left beside it (no -wal or
// -shm file) nor changed in it. Debrief goes by the permission bits even
// as root, whom they do not stop.
func TestReadOnlySQLite(t *testing.T) {
	cases := []struct {
		name           string
		fileMode       os.FileMode
		dirMode        os.FileMode
		reason         string
		walOpenByOther bool
	}{
		{"file_0444", 0o444, 0o755, "the file", false},
		{"folder_0555", 0o644, 0o555, "its folder", false},
		{"file_0444_open_elsewhere", 0o444, 0o755, "the file", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := sysCtx()
			dir := t.TempDir()
			path := filepath.Join(dir, "debrief.db")
			dsn := "sqlite:" + path
			w, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			mustCreate(t, w, "kept", fullReport(1))
			if c.walOpenByOther {
				// Another process has the database open: its last commit
				// is in the -wal file, not yet in the database file.
				defer w.Close()
				mustCreate(t, w, "in-wal", fullReport(2))
			} else if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, c.fileMode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, c.dirMode); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(dir, 0o755) })
			before, sum := fileNames(t, dir), mustSHA256(t, path)

			s, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			want := []string{"kept"}
			if c.walOpenByOther {
				want = append(want, "in-wal")
			}
			for _, slug := range want {
				if _, err := s.ReportBySlug(ctx, slug); err != nil {
					t.Errorf("read %s: %v", slug, err)
				}
			}
			backup := filepath.Join(t.TempDir(), "backup.db")
			if err := s.Backup(ctx, backup); err != nil {
				t.Errorf("backup: %v", err)
			}

			_, err = s.Migrate(ctx)
			wantReadOnly(t, "migrate", err, path, c.reason)
			_, _, err = s.PutReport(ctx, "new", fullReport(3))
			wantReadOnly(t, "put", err, path, c.reason)
			if err := s.Close(); err != nil {
				t.Errorf("close: %v", err)
			}

			if after := fileNames(t, dir); !slices.Equal(before, after) {
				t.Errorf("files beside the database: %v before, %v after", before, after)
			}
			if mustSHA256(t, path) != sum {
				t.Errorf("the database file changed")
			}
		})
	}
}

// wantReadOnly checks that err refuses a write to the read-only database
// at path, naming it and why.
func wantReadOnly(t *testing.T, what string, err error, path, reason string) {
	t.Helper()
	if debrief.ErrorCode(err) != debrief.EFORBIDDEN {
		t.Errorf("%s: %v, want EFORBIDDEN", what, err)
		return
	}
	if msg := debrief.ErrorMessage(err); !strings.Contains(msg, path) || !strings.Contains(msg, "read-only") || !strings.Contains(msg, reason) {
		t.Errorf("%s: %q does not say that %s is read-only because of %s", what, msg, path, reason)
	}
}

// TestReadOnlyFolderNewSQLite opens a SQLite file that is not there yet in
// a folder that may not be written: it is refused, naming the file, and
// nothing is made.
func TestReadOnlyFolderNewSQLite(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	path := filepath.Join(dir, "debrief.db")
	s, err := sqlstore.Open(sysCtx(), path, sqlstore.Options{})
	if err == nil {
		s.Close()
	}
	if debrief.ErrorCode(err) != debrief.EFORBIDDEN || !strings.Contains(debrief.ErrorMessage(err), path) {
		t.Errorf("open: %v, want EFORBIDDEN naming %s", err, path)
	}
	if names := fileNames(t, dir); len(names) != 0 {
		t.Errorf("the folder holds %v", names)
	}
}
