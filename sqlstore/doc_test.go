package sqlstore

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/markdown"
)

// TestReportDoc checks that a report is read from its doc when it has one,
// that one the format cannot give back exactly has none and still reads
// back as written, that the doc follows an action item's change, and that
// a report whose doc is missing or damaged is read from its rows.
func TestReportDoc(t *testing.T) {
	ctx := debrief.NewSystemContext(context.Background(), "test")
	s, err := Open(ctx, filepath.Join(t.TempDir(), "d.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join("..", "examples", "2026-03-14-checkout-outage.md"))
	if err != nil {
		t.Fatal(err)
	}
	canonical := markdown.Parse("x.md", src).Report
	written := canonical.Clone()
	written.ActionItems[0].Status = debrief.ParseStatus("done") // the format writes "Done"
	a, err := s.CreateReport(ctx, "canonical", canonical)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.CreateReport(ctx, "as-written", written)
	if err != nil {
		t.Fatal(err)
	}
	doc := func(id int64) string {
		var d string
		if err := s.c.reader.QueryRow(`SELECT doc FROM reports WHERE id = ?`, id).Scan(&d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	if doc(a.ID) == "" || doc(b.ID) != "" {
		t.Fatalf("docs: canonical %d bytes, as written %d bytes; want one and none", len(doc(a.ID)), len(doc(b.ID)))
	}
	read := func(id int64) *debrief.Report {
		var sr *debrief.StoredReport
		if err := s.read(ctx, func(t *tx) error { var err error; sr, err = t.getReport(ctx, "id", id); return err }); err != nil {
			t.Fatal(err)
		}
		return sr.Report
	}
	if got := read(b.ID).ActionItems[0].Status.Text; got != "done" {
		t.Errorf("status read back %q, want done as written", got)
	}
	if _, err := s.SetActionItemStatus(ctx, a.ID, a.Version, 1, debrief.ParseStatus("Done")); err != nil {
		t.Fatal(err)
	}
	if got := read(a.ID).ActionItems[1].Status.Text; got != "Done" || doc(a.ID) == "" {
		t.Errorf("after a status change: %q, doc %d bytes", got, len(doc(a.ID)))
	}
	for _, bad := range []string{"{not json", ""} {
		if _, err := s.c.writer.Exec(`UPDATE reports SET doc = ? WHERE id = ?`, bad, a.ID); err != nil {
			t.Fatal(err)
		}
		if got := read(a.ID); len(debrief.ChangedSections(got, read(a.ID))) != 0 || got.ActionItems[1].Status.Text != "Done" {
			t.Errorf("doc %q: read back wrong", bad)
		}
	}
	if err := s.write(ctx, func(t *tx) error { return fillDocs(ctx, t) }); err != nil {
		t.Fatal(err)
	}
	if d := doc(a.ID); d == "" || d[0] != '{' || len(d) < 100 {
		t.Errorf("fillDocs wrote doc %q", d)
	}
}
