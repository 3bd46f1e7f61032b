package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/internal/testenv"
	"github.com/debrief-oss/debrief/markdown"
	"github.com/debrief-oss/debrief/sqlstore"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestMain stops the throwaway PostgreSQL server the store tests start.
func TestMain(m *testing.M) { os.Exit(testenv.RunMain(m)) }

// storeDatabases makes a new, empty database of each kind.
var storeDatabases = []struct {
	name string
	dsn  func(t *testing.T) string
}{
	{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "debrief.db") }},
	{"postgres", func(t *testing.T) string { return testenv.MustHavePostgres(t) }},
}

// mustRun runs debrief and fails the test unless it exits with 0.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := runCLI(t, "", args...)
	if code != 0 {
		t.Fatalf("debrief %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// TestLoadExportFixtures stores the fixture reports and checks that every
// one reads back equal to what was parsed, that loading again changes
// nothing, and that export writes each report's canonical Markdown byte for
// byte.
func TestLoadExportFixtures(t *testing.T) {
	files := testenv.FixtureFiles(t, "postmortems", ".md")
	dir := filepath.Dir(files[0])
	for _, db := range storeDatabases {
		t.Run(db.name, func(t *testing.T) {
			dsn := db.dsn(t)
			n := len(files)
			// The fixtures are named on the command line: a folder walk
			// passes over the files named like templates.
			if out := mustRun(t, append([]string{"load", "--db", dsn}, files...)...); !strings.HasPrefix(out, strconv.Itoa(n)+" created, 0 updated, 0 unchanged, 0 skipped") {
				t.Errorf("first load: %q", out)
			}
			if out := mustRun(t, "load", dir, "--db", dsn); !strings.HasPrefix(out, "0 created, 0 updated, "+strconv.Itoa(n-templates(files))+" unchanged") {
				t.Errorf("second load of the folder: %q", out)
			}

			ctx := debrief.NewSystemContext(context.Background(), "test")
			s, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			canonical := map[string][]byte{}
			for _, file := range files {
				src, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				parsed := markdown.Parse(file, src).Report
				slug := strings.TrimSuffix(filepath.Base(file), ".md")
				sr, err := s.ReportBySlug(ctx, slug)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(sr.CreatedBy, "cli:") {
					t.Errorf("%s: created by %q, want the command-line user", slug, sr.CreatedBy)
				}
				if sr.Version != 1 {
					t.Errorf("%s: version %d after loading twice, want 1", slug, sr.Version)
				}
				if diff := cmp.Diff(parsed, sr.Report, cmpopts.EquateEmpty(), cmp.Comparer(sameZone)); diff != "" {
					t.Errorf("%s: stored report differs from the parsed one (-parsed +stored):\n%s", slug, diff)
				}
				canonical[slug+".md"] = markdown.Render(parsed)
			}

			out := filepath.Join(t.TempDir(), "export")
			mustRun(t, "export", "--db", dsn, out)
			exported := readDir(t, out)
			if len(exported) != n {
				t.Errorf("exported %d files, want %d", len(exported), n)
			}
			for name, want := range canonical {
				if got := exported[name]; !bytes.Equal(got, want) {
					t.Errorf("%s: exported Markdown is not the canonical rendering", name)
				}
			}

			// Canonical reports go through load and export unchanged.
			again := filepath.Join(t.TempDir(), "again.db")
			names := []string{"load", "--db", again}
			for name := range exported {
				names = append(names, filepath.Join(out, name))
			}
			mustRun(t, names...)
			out2 := filepath.Join(t.TempDir(), "export2")
			mustRun(t, "export", "--db", "sqlite:"+again, out2)
			if diff := cmp.Diff(exported, readDir(t, out2)); diff != "" {
				t.Errorf("load then export of an export differs:\n%s", diff)
			}

			// A backup restored elsewhere exports the same reports.
			backup := filepath.Join(t.TempDir(), "backup.db")
			mustRun(t, "backup", "--db", dsn, backup)
			restored := filepath.Join(t.TempDir(), "restored.db")
			mustRun(t, "restore", "--db", restored, backup)
			out3 := filepath.Join(t.TempDir(), "export3")
			mustRun(t, "export", "--db", restored, out3)
			if diff := cmp.Diff(exported, readDir(t, out3)); diff != "" {
				t.Errorf("export of a restored backup differs:\n%s", diff)
			}
		})
	}
}

// TestLoadExportFrontMatter checks that front-matter keys Debrief does not
// use are stored: load then export gives the file back byte for byte, and a
// change to one of them alone is an update.
func TestLoadExportFrontMatter(t *testing.T) {
	example, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "examples", "2026-03-14-checkout-outage.md"))
	if err != nil {
		t.Fatal(err)
	}
	withKeys := bytes.Replace(example, []byte("tags: [database, capacity]\n"),
		[]byte("tags: [database, capacity]\nowner_team: sre\nslack: \"#inc-checkout\"\nrunbooks:\n  - docs/runbooks/pool.md\n"), 1)
	src := markdown.Render(markdown.Parse("outage.md", withKeys).Report)
	if !bytes.Contains(src, []byte("\nowner_team: sre\n")) || !bytes.Contains(src, []byte("\n  - docs/runbooks/pool.md\n")) {
		t.Fatalf("the canonical report lost its front-matter keys:\n%s", src)
	}
	for _, db := range storeDatabases {
		t.Run(db.name, func(t *testing.T) {
			dsn := db.dsn(t)
			dir := t.TempDir()
			file := filepath.Join(dir, "outage.md")
			if err := os.WriteFile(file, src, 0o644); err != nil {
				t.Fatal(err)
			}
			mustRun(t, "load", "--db", dsn, file)
			out := filepath.Join(t.TempDir(), "export")
			mustRun(t, "export", "--db", dsn, out)
			if got := readDir(t, out)["outage.md"]; !bytes.Equal(got, src) {
				t.Errorf("exported report differs from the loaded one:\n%s", cmp.Diff(string(src), string(got)))
			}

			edited := bytes.Replace(src, []byte("owner_team: sre"), []byte("owner_team: payments"), 1)
			if err := os.WriteFile(file, edited, 0o644); err != nil {
				t.Fatal(err)
			}
			if got := mustRun(t, "load", "--db", dsn, file); !strings.HasPrefix(got, "0 created, 1 updated, 0 unchanged") {
				t.Errorf("load after editing a front-matter key: %q, want an update", got)
			}
			out = filepath.Join(t.TempDir(), "export")
			mustRun(t, "export", "--db", dsn, out)
			if got := readDir(t, out)["outage.md"]; !bytes.Equal(got, edited) {
				t.Errorf("exported report after the edit differs:\n%s", cmp.Diff(string(edited), string(got)))
			}
		})
	}
}

// TestRestoreReadsOnly checks that restore leaves the backup as it was,
// byte for byte, and that a restore that fails leaves no new database file
// behind.
func TestRestoreReadsOnly(t *testing.T) {
	example := filepath.Join(testenv.RepoRoot(t), "examples", "2026-03-14-checkout-outage.md")
	for _, db := range storeDatabases {
		t.Run(db.name, func(t *testing.T) {
			dsn := db.dsn(t)
			mustRun(t, "load", "--db", dsn, example)
			dir := t.TempDir()
			backup := filepath.Join(dir, "backup.db")
			mustRun(t, "backup", "--db", dsn, backup)
			before := fileSHA256(t, backup)
			// A backup on read-only media restores too.
			os.Chmod(backup, 0o444)
			os.Chmod(dir, 0o555)
			t.Cleanup(func() { os.Chmod(dir, 0o755) })

			restored := db.dsn(t)
			mustRun(t, "restore", "--db", restored, backup)
			if after := fileSHA256(t, backup); after != before {
				t.Errorf("restore changed the backup: SHA-256 %s, was %s", after, before)
			}
			if names := readDir(t, dir); len(names) != 1 {
				t.Errorf("files beside the backup after restore: %v, want only backup.db", slices.Sorted(maps.Keys(names)))
			}
			out := filepath.Join(t.TempDir(), "export")
			mustRun(t, "export", "--db", restored, out)
			if len(readDir(t, out)) != 1 {
				t.Errorf("the restored database does not hold the report")
			}
		})
	}

	dir := t.TempDir()
	db := filepath.Join(dir, "new.db")
	_, errOut, code := runCLI(t, "", "restore", "--db", db, filepath.Join(dir, "missing.db"))
	if code != 2 || !strings.Contains(errOut, "no backup at") {
		t.Errorf("restore of a missing backup: exit %d, %q", code, errOut)
	}
	notBackup := filepath.Join(dir, "notes.db")
	os.WriteFile(notBackup, []byte("not a database"), 0o644)
	if _, _, code := runCLI(t, "", "restore", "--db", db, notBackup); code != 2 {
		t.Errorf("restore of a file that is no backup: exit %d", code)
	}
	if names := readDir(t, dir); len(names) != 1 {
		t.Errorf("failed restores left %v, want only notes.db", slices.Sorted(maps.Keys(names)))
	}
}

// fileSHA256 returns the SHA-256 of the file at path, in hex.
func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// TestSchemaVersions checks that the commands refuse a database a newer
// Debrief migrated, and that export asks for migrate on an older schema.
func TestSchemaVersions(t *testing.T) {
	for _, db := range storeDatabases {
		t.Run(db.name, func(t *testing.T) {
			dsn := db.dsn(t)
			mustRun(t, "load", "--db", dsn, filepath.Join(testenv.RepoRoot(t), "examples"))
			exec := func(query string) {
				t.Helper()
				driver := "sqlite"
				if strings.HasPrefix(dsn, "postgres") {
					driver = "pgx"
				}
				conn, err := sql.Open(driver, dsn)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				if _, err := conn.Exec(query); err != nil {
					t.Fatal(err)
				}
			}

			// The schema of a Debrief before front_matter_rest.
			exec(`DELETE FROM schema_migrations WHERE version >= 3`)
			exec(`ALTER TABLE reports DROP COLUMN front_matter_rest`)
			_, errOut, code := runCLI(t, "", "export", "--db", dsn, t.TempDir())
			if code != 2 || !strings.Contains(errOut, "schema is older than this Debrief (0003_front_matter_rest.sql") || !strings.Contains(errOut, "run debrief migrate first") {
				t.Errorf("export of an older schema: exit %d, %q", code, errOut)
			}
			// It can be backed up before the upgrade, and the backup restored.
			backup := filepath.Join(t.TempDir(), "old.db")
			mustRun(t, "backup", "--db", dsn, backup)
			restored := filepath.Join(t.TempDir(), "restored.db")
			mustRun(t, "restore", "--db", restored, backup)
			out := t.TempDir()
			mustRun(t, "export", "--db", restored, out)
			if len(readDir(t, out)) != 1 {
				t.Errorf("a backup of the older schema restored %d reports, want 1", len(readDir(t, out)))
			}

			exec(`INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (99, '0099_future.sql', '', 0)`)
			const want = "this database was migrated by a newer Debrief (migration 0099); upgrade Debrief"
			for _, args := range [][]string{{"migrate"}, {"export", t.TempDir()}, {"load", filepath.Join(testenv.RepoRoot(t), "examples")}} {
				out, errOut, code := runCLI(t, "", append(args, "--db", dsn)...)
				if code != 2 || !strings.Contains(errOut, want) || out != "" {
					t.Errorf("%s of a newer database: exit %d, %q, %q; want %q", args[0], code, out, errOut, want)
				}
			}
		})
	}
}

func TestStoreCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	if _, errOut, code := runCLI(t, "", "export", "--db", db, filepath.Join(dir, "out")); code != 2 || !strings.Contains(errOut, "no database at") {
		t.Errorf("export of a missing database: exit %d, %q", code, errOut)
	}
	if _, err := os.Stat(db); err == nil {
		t.Errorf("export created %s", db)
	}
	if out := mustRun(t, "migrate", "--db", "sqlite:"+db); !strings.Contains(out, "applied 0001_schema.sql") {
		t.Errorf("first migrate: %q", out)
	}
	if out := mustRun(t, "migrate", "--db", db); out != "the schema is up to date\n" {
		t.Errorf("second migrate: %q", out)
	}
	// A report that cannot be stored is reported, the others are stored.
	reports := filepath.Join(dir, "reports")
	os.MkdirAll(reports, 0o755)
	os.WriteFile(filepath.Join(reports, "good.md"), []byte("# Incident Post-Mortem Report: Good\n"), 0o644)
	os.WriteFile(filepath.Join(reports, "bad name.md"), []byte("# Incident Post-Mortem Report: Bad\n"), 0o644)
	out, errOut, code := runCLI(t, "", "load", "--db", db, reports)
	if code != 1 || !strings.HasPrefix(out, "1 created, 0 updated, 0 unchanged, 1 skipped") || !strings.Contains(errOut, "bad name.md: slug:") {
		t.Errorf("load with a bad file: exit %d, %q, %q", code, out, errOut)
	}
	// A second file of the same name, in a subfolder, would replace the
	// first report: it is skipped and the stored one keeps its title.
	os.MkdirAll(filepath.Join(reports, "team-b"), 0o755)
	os.WriteFile(filepath.Join(reports, "team-b", "good.md"), []byte("# Incident Post-Mortem Report: Other\n"), 0o644)
	out, errOut, code = runCLI(t, "", "load", "--db", db, reports)
	if code != 1 || !strings.HasPrefix(out, "0 created, 0 updated, 1 unchanged, 2 skipped") ||
		!strings.Contains(errOut, filepath.Join("team-b", "good.md")+": skipped: "+filepath.Join(reports, "good.md")+" has the same name") {
		t.Errorf("load with two files of one name: exit %d, %q, %q", code, out, errOut)
	}
	exported := filepath.Join(dir, "exported")
	mustRun(t, "export", "--db", db, exported)
	if got := readDir(t, exported)["good.md"]; !bytes.HasPrefix(got, []byte("# Incident Post-Mortem Report: Good\n")) {
		t.Errorf("stored good.md after the clash:\n%s", got)
	}
	if _, errOut, code := runCLI(t, "", "backup", "--db", db, filepath.Join(dir, "reports", "good.md")); code != 2 || !strings.Contains(errOut, "exists") {
		t.Errorf("backup over a file: exit %d, %q", code, errOut)
	}
	if _, _, code := runCLI(t, "", "load", "--db", db); code != 2 {
		t.Errorf("load without paths: exit %d", code)
	}
}

// templates counts the files named like templates.
func templates(files []string) int {
	n := 0
	for _, f := range files {
		if strings.Contains(filepath.Base(f), "template") {
			n++
		}
	}
	return n
}

// sameZone compares time zones by name and offset.
func sameZone(a, b *time.Location) bool {
	if a == nil || b == nil {
		return a == b
	}
	t := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	return t.In(a).Format("MST -0700") == t.In(b).Format("MST -0700")
}

// readDir returns the files of dir by name.
func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	return files
}
