package lint

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// officialSARIFSchema returns the official OASIS SARIF 2.1.0 JSON schema,
// which the go-sarif module ships as the text of a Go constant.
func officialSARIFSchema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/owenrumney/go-sarif/v3").Output()
	if err != nil {
		tb.Fatalf("go list: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "pkg", "report", "v210", "sarif", "schema.go"))
	if err != nil {
		tb.Fatal(err)
	}
	_, text, ok := strings.Cut(string(src), "const schema = `")
	text, _, ok2 := strings.Cut(text, "`")
	if !ok || !ok2 || !strings.Contains(text, "sarif-schema-2.1.0.json") {
		tb.Fatal("no SARIF 2.1.0 schema in go-sarif's schema.go")
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
	if err != nil {
		tb.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		tb.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// TestSARIFOfficialSchema validates the SARIF output against the official
// schema, and decodes it strictly into go-sarif's types: every property we
// write is one SARIF defines, with the type it defines.
func TestSARIFOfficialSchema(t *testing.T) {
	schema := officialSARIFSchema(t)
	fs := mustLint(t, "planted.md")
	fs = append(fs, Finding{File: "dir with space/r.md", Line: 3, Column: 1, Rule: "not-a-rule", Severity: Warning, Message: "x"})
	for _, findings := range [][]Finding{fs, nil} {
		var buf bytes.Buffer
		if err := WriteSARIF(&buf, findings, WriteOptions{Rules: All(), Version: "test"}); err != nil {
			t.Fatal(err)
		}
		mustValidate(t, schema, buf.Bytes())
		dec := json.NewDecoder(bytes.NewReader(buf.Bytes()))
		dec.DisallowUnknownFields()
		var rep sarif.Report
		if err := dec.Decode(&rep); err != nil {
			t.Fatalf("decode: %v", err)
		}
		if got := len(rep.Runs[0].Results); got != len(findings) {
			t.Errorf("%d results, want %d", got, len(findings))
		}
	}
	// The schema is strict where it matters.
	for _, bad := range []string{
		`{"version":"2.0.0","runs":[]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"d"}},"results":[{"message":{"text":"m"},"level":"fatal"}]}]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"d"}},"results":[{"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.md"},"region":{"startLine":0}}}]}]}]}`,
	} {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		if schema.Validate(inst) == nil {
			t.Errorf("official schema accepts %s", bad)
		}
	}
}
