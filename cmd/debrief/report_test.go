package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief/internal/testenv"
	"github.com/debrief-oss/debrief/markdown"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

func filledReport(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "2026-03-14-checkout-outage.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestNew(t *testing.T) {
	dir := t.TempDir()
	out, errOut, code := runCLI(t, "", "new", "--title", "Checkout outage!", "--date", "2026-03-14", "--severity", "high", "--author", "Priya Raman", "--dir", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	path := filepath.Join(dir, "2026-03-14-checkout-outage.md")
	if strings.TrimSpace(out) != path {
		t.Errorf("printed %q, want %q", out, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# Incident Post-Mortem Report: Checkout outage!\n", "**Incident Date**: 2026-03-14  \n", "**Severity**: High\n", "**Report Author**: Priya Raman  \n", "| HH:MM | Incident began | - |"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("new report lacks %q", want)
		}
	}
	// Never overwrite.
	if err := os.WriteFile(path, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runCLI(t, "", "new", "--title", "Checkout outage!", "--date", "2026-03-14", "--dir", dir); code != 2 || !strings.Contains(errOut, "already exists") {
		t.Errorf("second new: exit %d, stderr %q", code, errOut)
	}
	if b, _ := os.ReadFile(path); string(b) != "mine" {
		t.Errorf("existing file was overwritten")
	}
	if _, errOut, code := runCLI(t, "", "new", "--date", "14/03/2026", "--dir", dir); code != 2 || !strings.Contains(errOut, "--date") {
		t.Errorf("bad date: exit %d, stderr %q", code, errOut)
	}
	if _, _, code := runCLI(t, "", "new", "--severity", "apocalyptic", "--dir", dir); code != 2 {
		t.Errorf("bad severity: exit %d", code)
	}
}

func TestFmt(t *testing.T) {
	dir := t.TempDir()
	canonical := filledReport(t)
	messy := strings.NewReplacer("\n", "\r\n", "- ✅ ", "* ", "**Severity**: High", "**Severity**: high").Replace(canonical)
	must := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := must("good.md", canonical)
	bad := must("bad.md", messy)
	must("README.md", "# Notes\n\nNot a report.\n")

	out, _, code := runCLI(t, "", "fmt", "-l", dir)
	if code != 1 || strings.TrimSpace(out) != bad {
		t.Errorf("fmt -l: exit %d, listed %q, want only %s", code, out, bad)
	}
	out, _, code = runCLI(t, "", "fmt", "-d", bad)
	if code != 0 || !strings.Contains(out, "-**Severity**: high\r") || !strings.Contains(out, "+**Severity**: High") {
		t.Errorf("fmt -d: exit %d, diff:\n%s", code, out)
	}
	if _, errOut, code := runCLI(t, "", "fmt", "-w", dir); code != 0 {
		t.Fatalf("fmt -w: exit %d: %s", code, errOut)
	}
	if b, _ := os.ReadFile(bad); string(b) != canonical {
		t.Errorf("fmt -w did not write the canonical form")
	}
	if b, _ := os.ReadFile(good); string(b) != canonical {
		t.Errorf("fmt -w changed a canonical file")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "README.md")); string(b) != "# Notes\n\nNot a report.\n" {
		t.Errorf("fmt -w rewrote a file that is not a report")
	}
	if out, _, code := runCLI(t, "", "fmt", "-l", dir); code != 0 || out != "" {
		t.Errorf("after fmt -w, fmt -l: exit %d, %q", code, out)
	}
	// Standard input.
	if out, _, code := runCLI(t, messy, "fmt", "-"); code != 0 || out != canonical {
		t.Errorf("fmt - : exit %d", code)
	}
	if _, errOut, code := runCLI(t, "", "fmt", filepath.Join(dir, "missing.md")); code != 2 || !strings.Contains(errOut, "missing.md") {
		t.Errorf("missing file: exit %d, stderr %q", code, errOut)
	}

	// Files fmt refuses to write, each left as it was: a file named on the
	// command line that is not a report, a report with a parse error (here
	// front matter whose closing line is missing, which would otherwise
	// swallow the report).
	unclosed := strings.Replace(canonical, "\n---\n\n# Incident", "\n\n# Incident", 1)
	if unclosed == canonical {
		t.Fatal("the example has no front matter to break")
	}
	for name, text := range map[string]string{"README.md": "# Notes\n\nNot a report.\n", "unclosed.md": unclosed} {
		p := must(name, text)
		_, errOut, code := runCLI(t, "", "fmt", "-w", p)
		if b, _ := os.ReadFile(p); code != 2 || string(b) != text || !strings.Contains(errOut, p) {
			t.Errorf("fmt -w %s: exit %d, changed %v, stderr %q", name, code, string(b) != text, errOut)
		}
	}
}

func TestShowJSONMatchesSchema(t *testing.T) {
	schemaPath := filepath.Join(testenv.RepoRoot(t), "docs", "report.schema.json")
	f, err := os.Open(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	// An absolute address: a relative one is resolved against the working
	// folder, which breaks when its path holds a space.
	const url = "https://debrief.invalid/schemas/report.schema.json"
	c := jsonschema.NewCompiler()
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	inputs := map[string]string{"filled": filledReport(t)}
	if tmpl, err := os.ReadFile(testenv.Template(t)); err == nil {
		inputs["template"] = string(tmpl)
	}
	for _, fx := range testenv.FixtureFiles(t, "postmortems", ".md") {
		b, err := os.ReadFile(fx)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(fx)] = string(b)
	}
	for name, src := range inputs {
		out, errOut, code := runCLI(t, src, "show", "--json", "-")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, errOut)
		}
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(v); err != nil {
			t.Errorf("%s: show --json does not match the schema: %v", name, err)
		}
	}
	// Keys the format promises.
	out, _, _ := runCLI(t, filledReport(t), "show", "--json", "-")
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	impact := m["summary"].(map[string]any)["impact"].(map[string]any)
	if impact["data_loss"] != false || impact["services_down"].([]any)[1] != "payments-api" {
		t.Errorf("impact = %v", impact)
	}
	tmplOut, _, _ := runCLI(t, "# Incident Post-Mortem Report\n", "show", "--json", "-")
	if !strings.Contains(tmplOut, `"data_loss": null`) || !strings.Contains(tmplOut, `"incident_date": ""`) {
		t.Errorf("empty report JSON: %s", tmplOut)
	}
}

func TestImport(t *testing.T) {
	canonical := filledReport(t)
	js, _, code := runCLI(t, canonical, "show", "--json", "-")
	if code != 0 {
		t.Fatal("show --json failed")
	}
	out, errOut, code := runCLI(t, js, "import", "--from", "json", "-")
	if code != 0 || out != canonical {
		t.Errorf("import --from json: exit %d (%s); round trip differs", code, errOut)
	}
	_, errOut, code = runCLI(t, "{\n  \"title\": 3\n}", "import", "--from", "json", "-")
	if code != 2 || !strings.Contains(errOut, "line 2") {
		t.Errorf("bad JSON: exit %d, stderr %q", code, errOut)
	}
	for _, fx := range testenv.FixtureFiles(t, "postmortems", ".md") {
		out, errOut, code := runCLI(t, "", "import", fx)
		if code != 0 || !strings.HasPrefix(out, "# Incident Post-Mortem Report") {
			t.Errorf("import %s: exit %d: %s", filepath.Base(fx), code, errOut)
		}
	}
	if out, _, code := runCLI(t, canonical, "show", "-"); code != 0 || !strings.Contains(out, "Checkout outage after connection pool exhaustion") || !strings.Contains(out, "Marco Silva") {
		t.Errorf("show: exit %d:\n%s", code, out)
	}
}

func TestSlug(t *testing.T) {
	for title, want := range map[string]string{
		"Checkout outage!":           "checkout-outage",
		"Ausfall über Köln":          "ausfall-uber-koln",
		"Straße & Œuvre: ÉTÉ 2026":   "strasse-oeuvre-ete-2026",
		"":                           "incident",
		"故障":                         "incident",
		"DB  down -- again (part 2)": "db-down-again-part-2",
	} {
		if got := markdown.Slug(title); got != want {
			t.Errorf("Slug(%q) = %q, want %q", title, got, want)
		}
	}
}
