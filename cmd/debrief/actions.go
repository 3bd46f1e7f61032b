package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/markdown"
)

// loadDocs parses every report of paths (files, "-" for standard input, or
// folders searched like lint does), one worker per core, in file order. A
// path or file that cannot be read is named on standard error and counted
// in failed, and the others are read all the same.
func loadDocs(ctx context.Context, e *env, paths []string, max *byteSize) (docs []*markdown.Document, failed int, err error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	w := findReports(e, paths, max)
	files := w.files
	all := make([]*markdown.Document, len(files))
	errs := make([]error, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				src, err := readReport(files[i].path, e.stdin, max)
				if err != nil {
					errs[i] = err
					continue
				}
				all[i] = markdown.Parse(files[i].name(), src)
			}
		})
	}
	for i := range files {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	failed = w.failed
	for i, err := range errs {
		if err != nil {
			fmt.Fprintln(e.stderr, err)
			failed++
			continue
		}
		docs = append(docs, all[i])
	}
	return docs, failed, nil
}

// unreadError ends a command that covered only the files it could read.
func unreadError(cmd string, failed, read int) error {
	if failed == 0 {
		return nil
	}
	return &exitError{code: 2, msg: fmt.Sprintf("%s: %s could not be read (see above); the output covers the other %s", cmd, plural(failed, "path"), plural(read, "report"))}
}

// actionRow is one action item with the report it belongs to.
type actionRow struct {
	File     string `json:"file"`
	Report   string `json:"report"`
	Line     int    `json:"line"`
	Priority string `json:"priority"`
	Action   string `json:"action"`
	Owner    string `json:"owner"`
	Due      string `json:"due"`
	Status   string `json:"status"`
	AgeDays  *int   `json:"age_days"` // since the report (or incident) date
	Open     bool   `json:"open"`
	Overdue  bool   `json:"overdue"`
	// DaysOverdue counts the days past the due date of an overdue item.
	DaysOverdue int `json:"days_overdue,omitempty"`

	level debrief.Level
	due   debrief.Date
}

func runActions(ctx context.Context, e *env) error {
	fs := newFlagSet("actions", "[PATHS]", `List the action items of every report (default: the reports under the current
folder), most urgent first: overdue items by days overdue, then open items by
priority and due date, then closed items.`, e)
	openOnly := fs.Bool("open", false, "only items not Done or Won't Do")
	overdueOnly := fs.Bool("overdue", false, "only items past their due date and still open")
	owner := fs.String("owner", "", "only items whose owner contains `NAME` (any case)")
	format := fs.String("format", "table", "output `format`: table, csv, json or markdown")
	now := fs.String("now", "", "today's `date` (YYYY-MM-DD)")
	maxSize := maxSizeFlag(fs)
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	switch *format {
	case "table", "csv", "json", "markdown":
	default:
		return usageErrorf("actions: unknown format %q (want table, csv, json or markdown)", *format)
	}
	today, err := parseNow(*now)
	if err != nil {
		return usageErrorf("actions: --now: %v", err)
	}
	docs, failed, err := loadDocs(ctx, e, fs.Args(), maxSize)
	if err != nil {
		return fmt.Errorf("actions: %w", err)
	}
	rows := actionRows(docs, today)
	kept := rows[:0]
	for _, r := range rows {
		if (*openOnly && !r.Open) || (*overdueOnly && !r.Overdue) ||
			(*owner != "" && !strings.Contains(strings.ToLower(r.Owner), strings.ToLower(*owner))) {
			continue
		}
		kept = append(kept, r)
	}
	if err := writeActions(e, *format, kept); err != nil {
		return err
	}
	return unreadError("actions", failed, len(docs))
}

// actionRows collects the action items of docs, sorted by urgency.
func actionRows(docs []*markdown.Document, now time.Time) []actionRow {
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	var rows []actionRow
	for _, doc := range docs {
		r := doc.Report
		since := r.Overview.ReportDate
		if !since.Valid() {
			since, _ = r.IncidentDay()
		}
		title := r.Title
		if title == "" {
			title = doc.File
		}
		for i, a := range r.ActionItems {
			row := actionRow{
				File: doc.File, Report: title, Line: doc.Pos(fmt.Sprintf("action_items[%d]", i)).Line,
				Priority: a.Priority.Canonical(), Action: a.Action, Owner: a.Owner, Due: a.Due.Text,
				Status: a.Status.Canonical(), Open: a.Open(), Overdue: a.Overdue(now),
				level: a.Priority.Level, due: a.Due,
			}
			if since.Valid() {
				age := int(today.Sub(since.Time()).Hours() / 24)
				row.AgeDays = &age
			}
			if row.Overdue {
				row.DaysOverdue = int(today.Sub(a.Due.Time()).Hours() / 24)
			}
			rows = append(rows, row)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return moreUrgent(rows[i], rows[j]) })
	return rows
}

// moreUrgent orders action items: overdue (longest first), open (highest
// priority, then earliest due date; no date last), closed.
func moreUrgent(a, b actionRow) bool {
	rank := func(r actionRow) int {
		switch {
		case r.Overdue:
			return 0
		case r.Open:
			return 1
		}
		return 2
	}
	if ra, rb := rank(a), rank(b); ra != rb {
		return ra < rb
	}
	if a.Overdue && a.DaysOverdue != b.DaysOverdue {
		return a.DaysOverdue > b.DaysOverdue
	}
	if a.level != b.level {
		return a.level > b.level
	}
	if a.due.Valid() != b.due.Valid() {
		return a.due.Valid()
	}
	if a.due.Valid() && a.due.Time() != b.due.Time() {
		return a.due.Before(b.due)
	}
	if a.File != b.File {
		return a.File < b.File
	}
	return a.Line < b.Line
}

// writeActions writes the rows in a format.
func writeActions(e *env, format string, rows []actionRow) error {
	header := []string{"Report", "Line", "Priority", "Action", "Owner", "Due", "Status", "Age"}
	cells := func(r actionRow) []string {
		age := ""
		if r.AgeDays != nil {
			age = fmt.Sprintf("%dd", *r.AgeDays)
		}
		status := r.Status
		if r.Overdue {
			status += fmt.Sprintf(" (overdue %dd)", r.DaysOverdue)
		}
		return []string{r.File, fmt.Sprint(r.Line), r.Priority, r.Action, r.Owner, r.Due, status, age}
	}
	switch format {
	case "json":
		if rows == nil {
			rows = []actionRow{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(rows)
	case "csv":
		w := csv.NewWriter(e.stdout)
		w.Write(append(header[:7:7], "Age (days)", "Overdue"))
		for _, r := range rows {
			age := ""
			if r.AgeDays != nil {
				age = fmt.Sprint(*r.AgeDays)
			}
			w.Write([]string{r.File, fmt.Sprint(r.Line), r.Priority, r.Action, r.Owner, r.Due, r.Status, age, fmt.Sprint(r.Overdue)})
		}
		w.Flush()
		return w.Error()
	case "markdown":
		out := e.textOutput()
		fmt.Fprintf(out, "| %s |\n|%s\n", strings.Join(header, " | "), strings.Repeat("---|", len(header)))
		for _, r := range rows {
			c := cells(r)
			for i := range c {
				c[i] = strings.ReplaceAll(strings.ReplaceAll(c[i], "|", `\|`), "\n", " ")
			}
			fmt.Fprintf(out, "| %s |\n", strings.Join(c, " | "))
		}
		return nil
	}
	if len(rows) == 0 {
		fmt.Fprintln(e.stderr, "no action items")
		return nil
	}
	tw := tabwriter.NewWriter(e.textOutput(), 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.ToUpper(strings.Join(header, "\t")))
	for _, r := range rows {
		c := cells(r)
		c[3] = clip(c[3], 60)
		fmt.Fprintln(tw, strings.Join(c, "\t"))
	}
	return tw.Flush()
}

// clip shortens text for a table cell.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
