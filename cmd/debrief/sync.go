package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/markdown"
)

// push and pull keep a folder of Markdown reports and the service in step.
// Each side may change between two syncs; the sync record, a file in the
// folder, remembers for each report the service's version and the hash of
// the text both sides agreed on at the last push or pull, so that a change
// on one side is carried to the other and a change on both is reported as a
// conflict instead of overwriting either. docs/sync.md has the rules as a
// table.

// syncRecordName is the sync record's file name in the folder.
const syncRecordName = ".debrief-sync.json"

// syncFormat names the layout of the sync record.
const syncFormat = "debrief-sync/1"

// Limits on what push and pull read from the service; a report's Markdown
// is bounded by --max-size.
const (
	maxAPIErrorBody = 1 << 20  // an error answer
	maxAPIListBody  = 16 << 20 // one page of the list of reports
	maxSyncRecord   = 64 << 20 // the sync record
)

// syncOptions are the flags push and pull share.
type syncOptions struct {
	server, token string
	timeout       time.Duration
	maxSize       *byteSize
	force         bool
}

// syncFlags registers the flags push and pull share.
func syncFlags(fs *flagSet, forceHelp string) *syncOptions {
	o := &syncOptions{}
	fs.StringVar(&o.server, "server", "", "the service's `URL`, e.g. https://debrief.example.com (DEBRIEF_SERVER)")
	fs.StringVar(&o.token, "token", "", "an API `token` of the service (DEBRIEF_TOKEN, which keeps it out of the process list)")
	fs.DurationVar(&o.timeout, "timeout", time.Minute, "how long one request to the service may take")
	fs.BoolVar(&o.force, "force", false, forceHelp)
	o.maxSize = maxSizeFlag(fs)
	return o
}

const pushHelp = `Create or update the service's reports from the Markdown reports in DIR and
its subfolders (as every folder command finds them). A report is named by
its file name without .md, its slug. A file whose report the service lacks is
created as a draft; a file that differs from the service's report updates it
when the service's report has not changed since the last push or pull.

Nothing is overwritten that changed on the service: a report changed on the
service, whose file did not change, is left for "debrief pull"; one changed
on both sides since the last sync, or that differs with no record of a sync,
is a conflict, listed and not pushed. --force pushes such files anyway,
replacing the service's version. DIR/` + syncRecordName + ` records what was
last synced (see docs/sync.md).

The token comes from --token or DEBRIEF_TOKEN, the address from --server or
DEBRIEF_SERVER. Exit code 0 when all is in step, 1 when there were conflicts
or files not pushed, 2 for a usage, network or service error.`

const pullHelp = `Write the service's reports into DIR as SLUG.md in canonical Markdown, all
but the archived ones (--archived includes them). DIR is created when
needed; a report whose file is in a subfolder of DIR is written there.

A new report is written to a new file. A file that did not change since the
last push or pull is replaced with the service's version; a file changed
here, whose report did not change on the service, is kept for "debrief push".
A file changed on both sides since the last sync, or that differs with no
record of a sync, is a conflict, listed and kept; --force replaces it with
the service's version. DIR/` + syncRecordName + ` records what was last synced
(see docs/sync.md).

The token comes from --token or DEBRIEF_TOKEN, the address from --server or
DEBRIEF_SERVER. Exit code 0 when all is in step, 1 when there were conflicts
or files kept, 2 for a usage, network or service error.`

func runPush(ctx context.Context, e *env) error {
	fs := newFlagSet("push", "DIR", pushHelp, e)
	o := syncFlags(fs, "push files that conflict with the service's version, replacing it")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf("push takes one DIR")
	}
	dir := fs.Arg(0)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return usageErrorf("push: %s is not a folder", dir)
	}
	s, err := newSyncer(ctx, e, fs, o, "push", dir)
	if err != nil {
		return err
	}
	return s.finish(ctx, s.push(ctx))
}

func runPull(ctx context.Context, e *env) error {
	fs := newFlagSet("pull", "DIR", pullHelp, e)
	o := syncFlags(fs, "replace files that conflict with the service's version")
	archived := fs.Bool("archived", false, "pull the archived reports too")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf("pull takes one DIR")
	}
	dir := fs.Arg(0)
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return usageErrorf("pull: %s is not a folder", dir)
	}
	s, err := newSyncer(ctx, e, fs, o, "pull", dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("pull: %w", err)
	}
	return s.finish(ctx, s.pull(ctx, *archived))
}

// syncer is one push or pull of a folder.
type syncer struct {
	e      *env
	name   string // "push" or "pull"
	api    *apiClient
	dir    string
	force  bool
	max    *byteSize
	record *syncRecord
	tally  syncTally
}

// syncTally counts what happened to the files.
type syncTally struct {
	created, updated, unchanged, conflicts int
	// otherSide counts the files left for the other command: changed on
	// the service (push) or here (pull).
	otherSide int
	refused   int // not synced: errors, a published report, a name
	failed    int // files that could not be read or written
}

// newSyncer checks the flags, reads the sync record and makes sure the
// service answers and takes the token.
func newSyncer(ctx context.Context, e *env, fs *flagSet, o *syncOptions, name, dir string) (*syncer, error) {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, v := range []struct {
		flag, variable string
		dst            *string
	}{{"server", "DEBRIEF_SERVER", &o.server}, {"token", "DEBRIEF_TOKEN", &o.token}} {
		if !given[v.flag] {
			if val, ok := e.getenv(v.variable); ok {
				*v.dst = val
			}
		}
	}
	o.token = strings.TrimSpace(o.token)
	if o.server == "" {
		return nil, usageErrorf("%s needs the service's address: --server URL or DEBRIEF_SERVER", name)
	}
	base, err := serverURL(o.server)
	if err != nil {
		return nil, usageErrorf("%s: --server: %v", name, err)
	}
	if o.token == "" {
		return nil, usageErrorf("%s needs an API token: --token or DEBRIEF_TOKEN (\"debrief token create EMAIL NAME\" makes one)", name)
	}
	if o.timeout <= 0 {
		return nil, usageErrorf("%s: --timeout must be positive", name)
	}
	if base.Scheme == "http" && !loopback(base.Hostname()) {
		fmt.Fprintf(e.stderr, "warning: the token goes to %s over plain http, readable on the way; use https\n", base.Host)
	}
	rec, err := readSyncRecord(dir, base.String())
	if err != nil {
		return nil, err
	}
	s := &syncer{
		e: e, name: name, dir: dir, force: o.force, max: o.maxSize, record: rec,
		api: newAPIClient(base, o.token, o.timeout),
	}
	if err := s.api.checkSignIn(ctx); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

// finish saves the sync record, prints the summary and maps the outcome to
// an exit code. err ends the command: it is returned after the record of
// what was done before it is saved.
func (s *syncer) finish(ctx context.Context, err error) error {
	if serr := s.record.save(); serr != nil {
		if err == nil {
			err = serr
		} else {
			fmt.Fprintln(s.e.stderr, serr)
		}
	}
	t := s.tally
	summary := fmt.Sprintf("%d created, %d updated, %d unchanged, %s", t.created, t.updated, t.unchanged, plural(t.conflicts, "conflict"))
	if t.otherSide > 0 {
		if s.name == "push" {
			summary += fmt.Sprintf(", %d changed on the service (pull first)", t.otherSide)
		} else {
			summary += fmt.Sprintf(", %d changed here (push them)", t.otherSide)
		}
	}
	if t.refused > 0 {
		summary += fmt.Sprintf(", %d not %sed", t.refused, s.name)
	}
	if t.failed > 0 {
		summary += fmt.Sprintf(", %d failed", t.failed)
	}
	fmt.Fprintln(s.e.stdout, summary)
	switch {
	case err != nil:
		if errors.Is(err, context.Canceled) {
			return err
		}
		return fmt.Errorf("%s: %w", s.name, err)
	case ctx.Err() != nil:
		return ctx.Err()
	case t.failed > 0:
		return &exitError{code: 2}
	case t.conflicts+t.otherSide+t.refused > 0:
		return errFindings
	}
	return nil
}

// say prints one line about a file.
func (s *syncer) say(path, format string, args ...any) {
	fmt.Fprintf(s.e.stdout, "%s: %s\n", path, fmt.Sprintf(format, args...))
}

// folderReports finds the report files of the folder by slug. A second
// file of one slug is refused, as load refuses it.
func (s *syncer) folderReports() (slugs []string, paths map[string]string) {
	w := findReports(s.e, []string{s.dir}, s.max)
	s.tally.failed += w.failed
	paths = map[string]string{}
	for _, f := range w.files {
		slug := strings.TrimSuffix(filepath.Base(f.path), filepath.Ext(f.path))
		if first, ok := paths[slug]; ok {
			s.say(f.path, "not %sed: %s has the same name, and a name is the report's slug %q; rename one of them", s.name, first, slug)
			s.tally.refused++
			continue
		}
		paths[slug] = f.path
		slugs = append(slugs, slug)
	}
	return slugs, paths
}

// localReport is a report file of the folder as sync compares it.
type localReport struct {
	src   []byte // the file
	doc   *markdown.Document
	canon []byte // its canonical form; nil when it has errors
	hash  string // of canon, or of src when it has errors
}

// readLocal reads and parses a report file.
func (s *syncer) readLocal(path string) (*localReport, error) {
	src, err := readReport(path, nil, s.max)
	if err != nil {
		return nil, err
	}
	l := &localReport{src: src, doc: markdown.Parse(path, src)}
	if l.doc.HasErrors() {
		l.hash = hashOf(src)
		return l, nil
	}
	l.canon = markdown.Render(l.doc.Report)
	l.hash = hashOf(l.canon)
	return l, nil
}

// hashOf is the hash the sync record keeps of a text.
func hashOf(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// remoteReports lists the service's reports: all but the archived ones,
// and those too with archived.
func (s *syncer) remoteReports(ctx context.Context, archived bool) ([]remoteReport, error) {
	all, err := s.api.listReports(ctx, "")
	if err != nil {
		return nil, err
	}
	if archived {
		more, err := s.api.listReports(ctx, string(debrief.StateArchived))
		if err != nil {
			return nil, err
		}
		all = append(all, more...)
	}
	return all, nil
}

// refusedByService reports an error the service answered about one file:
// an error of the whole service (unreachable, the token refused, a failure)
// ends the command and is returned; any other is printed with the lines it
// names, and the file counted as not synced.
func (s *syncer) refusedByService(path string, err error) error {
	var tl *tooLargeError
	if errors.As(err, &tl) {
		s.say(path, "not %sed: %v", s.name, err)
		s.tally.refused++
		return nil
	}
	var ae *apiError
	if !errors.As(err, &ae) || ae.fatal() {
		return fmt.Errorf("%s: %w", path, err)
	}
	s.say(path, "not %sed: the service refused it: %s", s.name, ae.message)
	for _, p := range ae.problems {
		switch {
		case p.Line > 0:
			fmt.Fprintf(s.e.stdout, "%s:%d:%d: %s\n", path, p.Line, max(p.Column, 1), p.Message)
		case p.Field != "":
			fmt.Fprintf(s.e.stdout, "%s: %s: %s\n", path, p.Field, p.Message)
		}
	}
	s.tally.refused++
	return nil
}

// push pushes every report of the folder. It returns an error only when
// the command must stop.
func (s *syncer) push(ctx context.Context) error {
	slugs, paths := s.folderReports()
	remote, err := s.remoteReports(ctx, true)
	if err != nil {
		return err
	}
	bySlug := make(map[string]remoteReport, len(remote))
	for _, r := range remote {
		bySlug[r.Slug] = r
	}
	for _, slug := range slugs {
		if err := ctx.Err(); err != nil {
			return err
		}
		path := paths[slug]
		if err := debrief.ValidateSlug(slug); err != nil {
			s.say(path, "not pushed: its name without .md is the report's slug, and %q is not one (%s); rename the file", slug, debrief.ErrorMessage(err))
			s.tally.refused++
			continue
		}
		r, ok := bySlug[slug]
		if err := s.pushFile(ctx, path, slug, r, ok); err != nil {
			return err
		}
	}
	return nil
}

// pushFile pushes one file, whose report r the service has when exists.
func (s *syncer) pushFile(ctx context.Context, path, slug string, r remoteReport, exists bool) error {
	l, err := s.readLocal(path)
	if err != nil {
		fmt.Fprintln(s.e.stderr, err)
		s.tally.failed++
		return nil
	}
	if l.canon == nil {
		printDiagnostics(s.e.stderr, l.doc.Diagnostics, markdown.SeverityError)
		s.say(path, "not pushed: the file has errors (above)")
		s.tally.refused++
		return nil
	}
	if !exists {
		id, version, err := s.api.createReport(ctx, slug, l.src)
		var ae *apiError
		switch {
		case err == nil:
			s.record.set(slug, syncEntry{ID: id, Version: version, SHA256: l.hash})
			s.say(path, "created")
			s.tally.created++
			return nil
		case errors.As(err, &ae) && ae.status == http.StatusConflict:
			s.say(path, "conflict: a report %q was made on the service while pushing; not pushed: push again to compare", slug)
			s.tally.conflicts++
			return nil
		}
		return s.refusedByService(path, err)
	}
	rec, known := s.record.get(slug, r.ID)
	if known && rec.Version == r.Version {
		if rec.SHA256 == l.hash {
			s.tally.unchanged++
			return nil
		}
		// The service's report is the one last synced: the file
		// changed, and replaces it.
		return s.put(ctx, path, slug, r, r.Version, l)
	}
	// The service's report changed since the last sync, or there is no
	// record of one: compare the texts.
	text, version, err := s.api.reportMarkdown(ctx, r.ID, int64(*s.max))
	if err != nil {
		return s.refusedByService(path, err)
	}
	if bytes.Equal(text, l.canon) {
		s.record.set(slug, syncEntry{ID: r.ID, Version: version, SHA256: l.hash})
		s.tally.unchanged++
		return nil
	}
	switch {
	case s.force:
		return s.put(ctx, path, slug, r, version, l)
	case known && rec.SHA256 == l.hash:
		s.say(path, "changed on the service since the last sync (now version %d), not here; pull first: not pushed", version)
		s.tally.otherSide++
	case known:
		s.say(path, "conflict: changed here and on the service (now version %d) since the last sync; not pushed. Merge the service's version into the file and push with --force, or push --force to replace it", version)
		s.tally.conflicts++
	default:
		s.say(path, "conflict: differs from the service's version %d, and no sync record says which is newer; not pushed. Compare with the service's (debrief pull into another folder), then push --force to replace it", version)
		s.tally.conflicts++
	}
	return nil
}

// put replaces report r, at version, with the file.
func (s *syncer) put(ctx context.Context, path, slug string, r remoteReport, version int, l *localReport) error {
	newVersion, err := s.api.updateReport(ctx, r.ID, version, l.src)
	var ae *apiError
	switch {
	case err == nil:
		s.record.set(slug, syncEntry{ID: r.ID, Version: newVersion, SHA256: l.hash})
		if newVersion == version {
			// The service found nothing to change.
			s.tally.unchanged++
			return nil
		}
		s.say(path, "updated")
		s.tally.updated++
		return nil
	case errors.As(err, &ae) && ae.status == http.StatusPreconditionFailed:
		s.say(path, "conflict: changed on the service while pushing; not pushed: push again to compare")
		s.tally.conflicts++
		return nil
	case errors.As(err, &ae) && ae.status == http.StatusConflict && r.State == debrief.StatePublished:
		s.say(path, "not pushed: published on the service: reopen it as a draft there to change it")
		s.tally.refused++
		return nil
	case errors.As(err, &ae) && ae.status == http.StatusConflict && r.State == debrief.StateArchived:
		s.say(path, "not pushed: archived on the service: an admin can unarchive it there to change it")
		s.tally.refused++
		return nil
	}
	return s.refusedByService(path, err)
}

// pull writes the service's reports into the folder. It returns an error
// only when the command must stop.
func (s *syncer) pull(ctx context.Context, archived bool) error {
	_, paths := s.folderReports()
	remote, err := s.remoteReports(ctx, archived)
	if err != nil {
		return err
	}
	sort.Slice(remote, func(i, j int) bool { return remote[i].Slug < remote[j].Slug })
	for _, r := range remote {
		if err := ctx.Err(); err != nil {
			return err
		}
		// The slug becomes a file name: one the service should never
		// give, with a slash or a leading dot, would leave the folder.
		if err := debrief.ValidateSlug(r.Slug); err != nil {
			fmt.Fprintf(s.e.stderr, "report %d: not pulled: its slug %q cannot name a file (%s)\n", r.ID, r.Slug, debrief.ErrorMessage(err))
			s.tally.refused++
			continue
		}
		if err := s.pullReport(ctx, r, paths[r.Slug]); err != nil {
			return err
		}
	}
	return nil
}

// pullReport writes report r to its file at path, or to a new file when
// path is "".
func (s *syncer) pullReport(ctx context.Context, r remoteReport, path string) error {
	if path == "" {
		path = filepath.Join(s.dir, r.Slug+".md")
		text, version, err := s.api.reportMarkdown(ctx, r.ID, int64(*s.max))
		if err != nil {
			return s.refusedByService(path, err)
		}
		if err := createFile(path, text); err != nil {
			if errors.Is(err, fs.ErrExist) {
				s.say(path, "not pulled: a file of this name is there, and it is not read as a report (see above); move it away")
				s.tally.refused++
				return nil
			}
			fmt.Fprintln(s.e.stderr, err)
			s.tally.failed++
			return nil
		}
		s.record.set(r.Slug, syncEntry{ID: r.ID, Version: version, SHA256: hashOf(text)})
		s.say(path, "created")
		s.tally.created++
		return nil
	}
	l, err := s.readLocal(path)
	if err != nil {
		fmt.Fprintln(s.e.stderr, err)
		s.tally.failed++
		return nil
	}
	rec, known := s.record.get(r.Slug, r.ID)
	if known && rec.Version == r.Version {
		if rec.SHA256 == l.hash {
			s.tally.unchanged++
			return nil
		}
		if !s.force {
			s.say(path, "changed here since the last sync, not on the service: push it (kept)")
			s.tally.otherSide++
			return nil
		}
	}
	text, version, err := s.api.reportMarkdown(ctx, r.ID, int64(*s.max))
	if err != nil {
		return s.refusedByService(path, err)
	}
	hash := hashOf(text)
	if hash == l.hash {
		s.record.set(r.Slug, syncEntry{ID: r.ID, Version: version, SHA256: hash})
		s.tally.unchanged++
		return nil
	}
	switch {
	case s.force, known && rec.SHA256 == l.hash:
		if err := rewriteFile(path, text); err != nil {
			fmt.Fprintln(s.e.stderr, err)
			s.tally.failed++
			return nil
		}
		s.record.set(r.Slug, syncEntry{ID: r.ID, Version: version, SHA256: hash})
		s.say(path, "updated")
		s.tally.updated++
	case known:
		s.say(path, "conflict: changed here and on the service (now version %d) since the last sync; kept. Merge the two and push --force, or pull --force to take the service's", version)
		s.tally.conflicts++
	default:
		s.say(path, "conflict: differs from the service's version %d, and no sync record says which is newer; kept. Push --force to keep this file, or pull --force to take the service's", version)
		s.tally.conflicts++
	}
	return nil
}

// syncEntry is what the sync record keeps of one report: the service's ID
// and version, and the hash of the canonical Markdown both sides had, at
// the last push or pull.
type syncEntry struct {
	ID      int64  `json:"id"`
	Version int    `json:"version"`
	SHA256  string `json:"sha256"`
}

// syncRecord is the sync record of a folder: its entries by service
// address and slug. An entry is a fact about the service (version V of
// report ID had this text), so a record that is old or lost never lets a
// change be overwritten: it can only make a push or pull report a conflict.
type syncRecord struct {
	path    string
	server  string // the service synced with now
	servers map[string]map[string]syncEntry
	changed bool
}

// syncFile is the sync record as JSON.
type syncFile struct {
	Format  string                          `json:"format"`
	Servers map[string]map[string]syncEntry `json:"servers"`
}

// readSyncRecord reads dir's sync record, or starts an empty one.
func readSyncRecord(dir, server string) (*syncRecord, error) {
	r := &syncRecord{path: filepath.Join(dir, syncRecordName), server: server, servers: map[string]map[string]syncEntry{}}
	f, err := os.Open(r.path)
	if errors.Is(err, fs.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSyncRecord+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.path, err)
	}
	var sf syncFile
	if len(b) > maxSyncRecord {
		err = fmt.Errorf("larger than %d bytes", maxSyncRecord)
	} else if err = json.Unmarshal(b, &sf); err == nil && sf.Format != syncFormat {
		err = fmt.Errorf("format %q, not %q", sf.Format, syncFormat)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: not a sync record this Debrief reads (%v); remove it to start again: where the folder and the service differ, push and pull then report a conflict", r.path, err)
	}
	for server, entries := range sf.Servers {
		if entries != nil {
			r.servers[server] = entries
		}
	}
	return r, nil
}

// get returns the entry of slug, when it is of the report with the ID: a
// report made again under the same slug is another report.
func (r *syncRecord) get(slug string, id int64) (syncEntry, bool) {
	e, ok := r.servers[r.server][slug]
	return e, ok && e.ID == id
}

// set records that the folder and the service agree on slug.
func (r *syncRecord) set(slug string, e syncEntry) {
	entries := r.servers[r.server]
	if entries == nil {
		entries = map[string]syncEntry{}
		r.servers[r.server] = entries
	}
	if old, ok := entries[slug]; ok && old == e {
		return
	}
	entries[slug] = e
	r.changed = true
}

// save writes the record when it changed, whole or not at all. One entry a
// line, in order, keeps its diffs in version control small.
func (r *syncRecord) save() error {
	if !r.changed {
		return nil
	}
	data := r.text()
	err := createFile(r.path, data)
	if errors.Is(err, fs.ErrExist) {
		err = rewriteFile(r.path, data)
	}
	if err != nil {
		return fmt.Errorf("the sync record: %w", err)
	}
	r.changed = false
	return nil
}

// text is the record as it is written.
func (r *syncRecord) text() []byte {
	quote := func(s string) string {
		b, _ := json.Marshal(s)
		return string(b)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "{\n  \"format\": %s,\n  \"servers\": {", quote(syncFormat))
	servers := make([]string, 0, len(r.servers))
	for s, entries := range r.servers {
		if len(entries) > 0 {
			servers = append(servers, s)
		}
	}
	sort.Strings(servers)
	for i, server := range servers {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "\n    %s: {", quote(server))
		entries := r.servers[server]
		slugs := make([]string, 0, len(entries))
		for slug := range entries {
			slugs = append(slugs, slug)
		}
		sort.Strings(slugs)
		for j, slug := range slugs {
			if j > 0 {
				b.WriteString(",")
			}
			e, _ := json.Marshal(entries[slug])
			fmt.Fprintf(&b, "\n      %s: %s", quote(slug), e)
		}
		b.WriteString("\n    }")
	}
	if len(servers) > 0 {
		b.WriteString("\n  ")
	}
	b.WriteString("}\n}\n")
	return b.Bytes()
}

// serverURL reads --server: an http or https address, without a
// password, query or fragment. Its String is the record's key for the
// service.
func serverURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http or https URL", s)
	}
	if u.User != nil {
		return nil, errors.New("the URL holds a user name or password: give the API token with --token or DEBRIEF_TOKEN")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("the URL has a query or a fragment; give the service's address only")
	}
	return &url.URL{Scheme: u.Scheme, Host: strings.ToLower(u.Host), Path: strings.TrimRight(u.Path, "/")}, nil
}

// loopback reports whether host is this machine.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// apiClient calls the service's REST API with an API token. Every answer
// is read up to a limit, and every request has a timeout.
type apiClient struct {
	base  string // the service's address, without a trailing slash
	token string
	hc    *http.Client
}

func newAPIClient(base *url.URL, token string, timeout time.Duration) *apiClient {
	return &apiClient{base: base.String(), token: token, hc: &http.Client{
		Timeout: timeout,
		// A redirect is answered as it is: following one would send a
		// PUT on as a GET, or the token to another address.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// apiReply is a successful answer, read whole.
type apiReply struct {
	header http.Header
	body   []byte
}

// apiError is an answer of the service that is not a success: the API's
// JSON error, or something else when code is "".
type apiError struct {
	request  string // "GET /api/v1/me"
	status   int
	code     string
	message  string
	problems []apiProblem
	location string // where a redirect points
}

// apiProblem is a line or field an error names.
type apiProblem struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *apiError) Error() string {
	switch {
	case e.code != "" && e.status == http.StatusUnauthorized:
		return fmt.Sprintf("the service refused the token: %s (HTTP 401); check --token or DEBRIEF_TOKEN", e.message)
	case e.code != "":
		return fmt.Sprintf("the service refused %s: %s (HTTP %d)", e.request, e.message, e.status)
	case e.location != "":
		return fmt.Sprintf("%s: the service redirects to %s (HTTP %d): give that address as --server", e.request, e.location, e.status)
	}
	return fmt.Sprintf("%s: HTTP %d, and not an answer of Debrief's API: is --server the service's address?", e.request, e.status)
}

// fatal reports whether the error is of the whole service rather than of
// one report: the answer is not the API's, the token or user is refused,
// the service fails or is busy.
func (e *apiError) fatal() bool {
	return e.code == "" || e.status == http.StatusUnauthorized || e.status == http.StatusForbidden ||
		e.status == http.StatusTooManyRequests || e.status >= 500
}

// do sends a request and reads the answer's body up to limit bytes.
func (c *apiClient) do(ctx context.Context, method, path string, header map[string]string, body []byte, limit int64) (*apiReply, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("User-Agent", "debrief/"+version)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	request := method + " " + strings.SplitN(path, "?", 2)[0]
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("cannot reach the service: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, readAPIError(request, resp)
	}
	b, err := readLimited(resp.Body, limit)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", request, err)
	}
	return &apiReply{header: resp.Header, body: b}, nil
}

// tooLargeError is the error of an answer over its limit.
type tooLargeError struct{ limit int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("the answer is larger than %d bytes (--max-size raises the limit of a report)", e.limit)
}

// readLimited reads r whole, refusing more than limit bytes.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	if int64(len(b)) > limit {
		return nil, &tooLargeError{limit}
	}
	return b, nil
}

// checkSignIn makes sure that the address is Debrief's API and that it
// takes the token, before anything is sent or written.
func (c *apiClient) checkSignIn(ctx context.Context) error {
	r, err := c.do(ctx, "GET", "/api/v1/me", map[string]string{"Accept": "application/json"}, nil, maxAPIErrorBody)
	if err != nil {
		return err
	}
	var me struct {
		Role string `json:"role"`
	}
	if json.Unmarshal(r.body, &me) != nil || me.Role == "" {
		return errors.New("GET /api/v1/me: not an answer of Debrief's API: is --server the service's address?")
	}
	return nil
}

// readAPIError reads an answer that is not a success.
func readAPIError(request string, resp *http.Response) error {
	e := &apiError{request: request, status: resp.StatusCode}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		e.location = resp.Header.Get("Location")
	}
	b, _ := readLimited(resp.Body, maxAPIErrorBody)
	var body struct {
		Error struct {
			Code     string       `json:"code"`
			Message  string       `json:"message"`
			Problems []apiProblem `json:"problems"`
		} `json:"error"`
	}
	if json.Unmarshal(b, &body) == nil && body.Error.Code != "" {
		e.code, e.message, e.problems = body.Error.Code, visible(body.Error.Message), body.Error.Problems
		for i := range e.problems {
			e.problems[i].Message = visible(e.problems[i].Message)
		}
	}
	return e
}

// remoteReport is a report as the service lists it.
type remoteReport struct {
	ID      int64               `json:"id"`
	Slug    string              `json:"slug"`
	Version int                 `json:"version"`
	State   debrief.ReportState `json:"state"`
}

// listReports returns every report of the state ("" for all but the
// archived ones), following the list's cursor.
func (c *apiClient) listReports(ctx context.Context, state string) ([]remoteReport, error) {
	var all []remoteReport
	seen := map[string]bool{}
	cursor := ""
	for {
		q := url.Values{"limit": {"500"}}
		if state != "" {
			q.Set("state", state)
		}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		r, err := c.do(ctx, "GET", "/api/v1/reports?"+q.Encode(), map[string]string{"Accept": "application/json"}, nil, maxAPIListBody)
		if err != nil {
			return nil, err
		}
		var page struct {
			Reports []remoteReport `json:"reports"`
			Next    string         `json:"next"`
		}
		if err := json.Unmarshal(r.body, &page); err != nil {
			return nil, fmt.Errorf("GET /api/v1/reports: the answer is not the API's list of reports: %w", err)
		}
		all = append(all, page.Reports...)
		if page.Next == "" {
			return all, nil
		}
		if seen[page.Next] {
			return nil, errors.New("GET /api/v1/reports: the list's cursor goes round in a circle")
		}
		seen[page.Next], cursor = true, page.Next
	}
}

// markdownHeaders ask for and send a report as Markdown.
func markdownHeaders(extra ...string) map[string]string {
	h := map[string]string{"Accept": "text/markdown", "Content-Type": "text/markdown; charset=utf-8"}
	for i := 0; i+1 < len(extra); i += 2 {
		h[extra[i]] = extra[i+1]
	}
	return h
}

// reportMarkdown returns report id's canonical Markdown and its version.
func (c *apiClient) reportMarkdown(ctx context.Context, id int64, limit int64) ([]byte, int, error) {
	path := "/api/v1/reports/" + strconv.FormatInt(id, 10)
	r, err := c.do(ctx, "GET", path, map[string]string{"Accept": "text/markdown"}, nil, limit)
	if err != nil {
		return nil, 0, err
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/markdown") {
		return nil, 0, fmt.Errorf("GET %s: the answer is %q, not Markdown", path, ct)
	}
	version, err := etagVersion(r.header, id)
	if err != nil {
		return nil, 0, fmt.Errorf("GET %s: %w", path, err)
	}
	return r.body, version, nil
}

// createReport makes a draft of the Markdown under slug and returns its ID
// and version.
func (c *apiClient) createReport(ctx context.Context, slug string, text []byte) (int64, int, error) {
	r, err := c.do(ctx, "POST", "/api/v1/reports?"+url.Values{"slug": {slug}}.Encode(), markdownHeaders(), text, maxAPIErrorBody+int64(len(text)))
	if err != nil {
		return 0, 0, err
	}
	id, version, err := parseETag(r.header.Get("ETag"))
	if err != nil {
		return 0, 0, fmt.Errorf("POST /api/v1/reports: %w", err)
	}
	return id, version, nil
}

// updateReport replaces report id at version with the Markdown and returns
// the version it is at now.
func (c *apiClient) updateReport(ctx context.Context, id int64, version int, text []byte) (int, error) {
	path := "/api/v1/reports/" + strconv.FormatInt(id, 10)
	r, err := c.do(ctx, "PUT", path, markdownHeaders("If-Match", fmt.Sprintf(`"%d-%d"`, id, version)), text, maxAPIErrorBody+int64(len(text)))
	if err != nil {
		return 0, err
	}
	v, err := etagVersion(r.header, id)
	if err != nil {
		return 0, fmt.Errorf("PUT %s: %w", path, err)
	}
	return v, nil
}

// etagVersion reads the version of report id from an answer's ETag.
func etagVersion(h http.Header, id int64) (int, error) {
	gotID, version, err := parseETag(h.Get("ETag"))
	if err != nil {
		return 0, err
	}
	if gotID != id {
		return 0, fmt.Errorf("the answer is of report %d, not %d", gotID, id)
	}
	return version, nil
}

// parseETag reads a report's ETag, "ID-VERSION" in quotes.
func parseETag(tag string) (id int64, version int, err error) {
	t := strings.Trim(strings.TrimPrefix(strings.TrimSpace(tag), "W/"), `"`)
	idPart, v, ok := strings.Cut(t, "-")
	id, err1 := strconv.ParseInt(idPart, 10, 64)
	version, err2 := strconv.Atoi(v)
	if !ok || err1 != nil || err2 != nil || id <= 0 || version <= 0 {
		return 0, 0, fmt.Errorf("the answer's ETag %q is not a report's version", tag)
	}
	return id, version, nil
}
