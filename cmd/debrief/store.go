package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/markdown"
	"github.com/debrief-oss/debrief/sqlstore"
)

// defaultDB is the database the store commands use without --db: a SQLite
// file in the current folder.
const defaultDB = "debrief.db"

// dbHelp documents --db for every command that takes it.
const dbHelp = `database: a SQLite file path or sqlite:PATH, or postgres://user@host/db`

// openDB opens the database of --db. With migrate, it brings the schema up
// to date first (creating a SQLite file when there is none); without, the
// database must exist.
func openDB(ctx context.Context, dsn string, migrate bool) (*sqlstore.Store, error) {
	if path := sqlstore.FilePath(dsn); path != "" && !migrate {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("no database at %s (run debrief migrate or debrief load first)", path)
		}
	}
	s, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
	if err != nil {
		return nil, storeError(err)
	}
	if migrate {
		if _, err := s.Migrate(ctx); err != nil {
			s.Close()
			return nil, storeError(err)
		}
	}
	return s, nil
}

// schemaCurrent returns an error when the database lacks migrations: an
// older schema lacks columns that reading reports needs.
func schemaCurrent(ctx context.Context, s *sqlstore.Store) error {
	pending, err := s.Pending(ctx)
	if err != nil {
		return storeError(err)
	}
	if len(pending) > 0 {
		return fmt.Errorf("the database's schema is older than this Debrief (%s not applied): run debrief migrate first", strings.Join(pending, ", "))
	}
	return nil
}

// storeError shows an application error by its message.
func storeError(err error) error {
	if code := debrief.ErrorCode(err); code != debrief.EINTERNAL && code != "" {
		return fmt.Errorf("%s", debrief.ErrorMessage(err))
	}
	return err
}

func runMigrate(ctx context.Context, e *env) error {
	fs := newFlagSet("migrate", "", "Bring the database's schema up to date. Running it again does nothing.", e)
	db := fs.String("db", defaultDB, dbHelp)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageErrorf("migrate takes no arguments")
	}
	s, err := sqlstore.Open(ctx, *db, sqlstore.Options{})
	if err != nil {
		return storeError(err)
	}
	defer s.Close()
	applied, err := s.Migrate(ctx)
	for _, name := range applied {
		fmt.Fprintf(e.stdout, "applied %s\n", name)
	}
	if err != nil {
		return storeError(err)
	}
	if len(applied) == 0 {
		fmt.Fprintln(e.stdout, "the schema is up to date")
	}
	return nil
}

func runBackup(ctx context.Context, e *env) error {
	fs := newFlagSet("backup", "FILE", `Write a copy of the whole database to FILE, a new SQLite file, while it is in use.
For SQLite this is VACUUM INTO; for PostgreSQL, a portable copy of every table.
"debrief restore" loads a backup into an empty database.`, e)
	db := fs.String("db", defaultDB, dbHelp)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf("backup takes one FILE")
	}
	s, err := openDB(ctx, *db, false)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Backup(ctx, fs.Arg(0)); err != nil {
		return storeError(err)
	}
	fmt.Fprintf(e.stdout, "backed up to %s\n", fs.Arg(0))
	return nil
}

func runRestore(ctx context.Context, e *env) error {
	fs := newFlagSet("restore", "FILE", `Copy a backup that "debrief backup" wrote into the database, which must be empty.
The database's schema is brought up to date first.`, e)
	db := fs.String("db", defaultDB, dbHelp)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf("restore takes one FILE")
	}
	backup := fs.Arg(0)
	if _, err := os.Stat(backup); err != nil {
		return fmt.Errorf("restore: no backup at %s", backup)
	}
	// A restore that fails leaves no SQLite file behind that it created.
	path := sqlstore.FilePath(*db)
	if path != "" {
		if _, err := os.Stat(path); err == nil {
			path = ""
		}
	}
	err := restore(ctx, *db, backup)
	if err != nil && path != "" {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(path + suffix)
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored %s\n", backup)
	return nil
}

// restore copies the backup into the database of dsn, migrating it first.
func restore(ctx context.Context, dsn, backup string) error {
	s, err := openDB(ctx, dsn, true)
	if err != nil {
		return err
	}
	defer s.Close()
	return storeError(s.Restore(ctx, backup))
}

func runExport(ctx context.Context, e *env) error {
	fs := newFlagSet("export", "DIR", `Write every stored report, archived ones included, as canonical Markdown to
DIR/SLUG.md, creating DIR when needed. A file that is already there is never
overwritten unless --force is given: export names such files and writes
nothing.`, e)
	db := fs.String("db", defaultDB, dbHelp)
	force := fs.Bool("force", false, "overwrite files of the same name in DIR")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf("export takes one DIR")
	}
	dir := fs.Arg(0)
	s, err := openDB(ctx, *db, false)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := schemaCurrent(ctx, s); err != nil {
		return err
	}
	ctx = cliContext(ctx)
	var reports []*debrief.ReportSummary
	for _, state := range []debrief.ReportState{debrief.StateDraft, debrief.StateInReview, debrief.StatePublished, debrief.StateArchived} {
		f := debrief.ReportFilter{State: state, Limit: 500}
		for {
			page, err := s.ListReports(ctx, f)
			if err != nil {
				return storeError(err)
			}
			reports = append(reports, page.Reports...)
			if f.Cursor = page.Next; f.Cursor == "" {
				break
			}
		}
	}
	if !*force {
		var existing []string
		for _, sum := range reports {
			path := filepath.Join(dir, sum.Slug+".md")
			if _, err := os.Lstat(path); err == nil {
				existing = append(existing, path)
			}
		}
		if len(existing) > 0 {
			names := strings.Join(existing[:min(len(existing), 5)], ", ")
			if len(existing) > 5 {
				names += fmt.Sprintf(" and %d more", len(existing)-5)
			}
			return fmt.Errorf("export: %s already in %s (%s); nothing was written: export into a new or empty folder, or give --force to overwrite them", plural(len(existing), "file is"), dir, names)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	n := 0
	for _, sum := range reports {
		sr, err := s.Report(ctx, sum.ID)
		if err != nil {
			return storeError(err)
		}
		path := filepath.Join(dir, sr.Slug+".md")
		if err := writeExported(path, markdown.Render(sr.Report), *force); err != nil {
			return fmt.Errorf("export: %w (%d of %s written)", err, n, plural(len(reports), "report"))
		}
		n++
	}
	fmt.Fprintf(e.stdout, "exported %s to %s\n", plural(n, "report"), dir)
	return nil
}

// writeExported writes one exported report: a new file, or with force an
// existing one rewritten as rewriteFile does.
func writeExported(path string, data []byte, force bool) error {
	err := createFile(path, data)
	if errors.Is(err, fs.ErrExist) && force {
		return rewriteFile(path, data)
	}
	return err
}

func runLoad(ctx context.Context, e *env) error {
	fs := newFlagSet("load", "PATH...", `Store Markdown reports: files, and the .md files in folders and their
subfolders. A report is named by its file name without .md; a report of
that name is updated, and loading the same files again changes nothing.
Files with parse errors are reported and skipped. The database's schema is
brought up to date first.`, e)
	db := fs.String("db", defaultDB, dbHelp)
	maxSize := maxSizeFlag(fs)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageErrorf("load takes at least one PATH")
	}
	if slices.Contains(fs.Args(), "-") {
		return usageErrorf("load: a report on standard input has no file name to be its slug; save it as SLUG.md and load that")
	}
	w := findReports(e, fs.Args(), maxSize)
	s, err := openDB(ctx, *db, true)
	if err != nil {
		return err
	}
	defer s.Close()
	ctx = cliContext(ctx)
	var created, updated, unchanged, skipped int
	failed := w.failed
	// Two files of one name in different folders would be one report,
	// the second silently replacing the first: the second is refused.
	bySlug := make(map[string]string)
	for _, f := range w.files {
		if ctx.Err() != nil {
			break
		}
		file := f.path
		slug := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
		if first, ok := bySlug[slug]; ok {
			fmt.Fprintf(e.stderr, "%s: skipped: %s has the same name, and a name is the report's slug %q; rename one of them\n", file, first, slug)
			skipped++
			continue
		}
		bySlug[slug] = file
		src, err := readReport(file, e.stdin, maxSize)
		if err != nil {
			fmt.Fprintln(e.stderr, err)
			failed++
			continue
		}
		doc := markdown.Parse(file, src)
		if doc.HasErrors() {
			printDiagnostics(e.stderr, doc.Diagnostics, markdown.SeverityError)
			skipped++
			continue
		}
		counter, err := loadReport(ctx, s, slug, doc.Report)
		switch {
		case debrief.ErrorCode(err) == debrief.EINVALID:
			fmt.Fprintf(e.stderr, "%s: %s\n", file, debrief.ErrorMessage(err))
			skipped++
			continue
		case err != nil:
			fmt.Fprintf(e.stderr, "%s: %v\n", file, storeError(err))
			failed++
			continue
		}
		switch counter {
		case "created":
			created++
		case "updated":
			updated++
		default:
			unchanged++
		}
	}
	fmt.Fprintf(e.stdout, "%d created, %d updated, %d unchanged, %d skipped, %d failed\n", created, updated, unchanged, skipped, failed)
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case failed > 0:
		return &exitError{code: 2}
	case skipped > 0:
		return errFindings
	}
	return nil
}

// cliContext is the context of a command that works on the database
// directly: Debrief acting for the operating-system user, whom the audit
// log names ("cli:alice").
func cliContext(ctx context.Context) context.Context {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	return debrief.NewSystemContext(ctx, "cli:"+name)
}

// loadReport stores r under slug and says what happened: "created",
// "updated" or "unchanged". The store does it in one transaction, so that
// loads of one folder at the same time wait for each other.
func loadReport(ctx context.Context, s *sqlstore.Store, slug string, r *debrief.Report) (string, error) {
	outcome, _, err := s.PutReport(ctx, slug, r)
	return string(outcome), err
}
