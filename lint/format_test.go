package lint

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/debrief-oss/debrief/markdown"
)

// mustSchema compiles a JSON schema of testdata, asserting formats.
func mustSchema(tb testing.TB, name string) *jsonschema.Schema {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		tb.Fatal(err)
	}
	// An absolute address: a relative one is resolved against the working
	// folder, which breaks when its path holds a space.
	url := "https://debrief.invalid/schemas/" + name
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(url, doc); err != nil {
		tb.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// mustValidate checks that data is JSON valid against a schema.
func mustValidate(tb testing.TB, s *jsonschema.Schema, data []byte) {
	tb.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		tb.Fatalf("not JSON: %v\n%s", err, data)
	}
	if err := s.Validate(inst); err != nil {
		tb.Fatalf("invalid: %v\n%s", err, data)
	}
}

func TestJSONValid(t *testing.T) {
	s := mustSchema(t, "findings.schema.json")
	fs := mustLint(t, "planted.md")
	var buf bytes.Buffer
	if err := Write(&buf, "json", fs, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	mustValidate(t, s, buf.Bytes())
	var back []Finding
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || len(back) != len(fs) {
		t.Fatalf("decoded %d findings (%v), want %d", len(back), err, len(fs))
	}
	buf.Reset()
	if err := Write(&buf, "json", nil, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(buf.String()); got != "[]" {
		t.Errorf("no findings written as %q, want []", got)
	}
	// The schema is not a formality: a finding without a line fails it.
	bad := []byte(`[{"file":"a.md","line":0,"column":1,"rule":"blame","severity":"error","message":"x"}]`)
	inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(bad))
	if s.Validate(inst) == nil {
		t.Error("the findings schema accepts line 0")
	}
}

func TestSARIFValid(t *testing.T) {
	s := mustSchema(t, "sarif-2.1.0-subset.schema.json")
	fs := mustLint(t, "planted.md")
	fs = append(fs, Finding{File: "dir with space/r.md", Line: 3, Column: 1, Rule: "unknown-rule", Severity: Warning, Message: "x"})
	for _, findings := range [][]Finding{fs, nil} {
		var buf bytes.Buffer
		if err := Write(&buf, "sarif", findings, WriteOptions{Rules: All(), Version: "test"}); err != nil {
			t.Fatal(err)
		}
		mustValidate(t, s, buf.Bytes())
	}
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, fs[:1], WriteOptions{Rules: All()}); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID string }
				}
			}
			Results []struct {
				RuleID    string
				RuleIndex int
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results[0]
	if got := log.Runs[0].Tool.Driver.Rules[res.RuleIndex].ID; got != res.RuleID {
		t.Errorf("ruleIndex points at %s, want %s", got, res.RuleID)
	}
	loc := res.Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "testdata/planted.md" || loc.Region.StartLine != fs[0].Line || res.Level != "error" {
		t.Errorf("result = %+v", res)
	}
}

// TestSARIFColumns checks that SARIF columns count code points, as the log
// declares, while the other formats count bytes like the parser.
func TestSARIFColumns(t *testing.T) {
	src := "# Report\n\n## Summary\n\nL’équipe forgot the step.\n"
	doc := markdown.Parse("r.md", []byte(src))
	fs := Check(doc, []*Rule{blameRule()}, &Config{}, testNow)
	if len(fs) != 1 || fs[0].Column != 13 {
		t.Fatalf("findings = %v, want one at byte column 13", fs)
	}
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, fs, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"startColumn": 10`) || !strings.Contains(buf.String(), `"columnKind": "unicodeCodePoints"`) {
		t.Errorf("sarif:\n%s", buf.String())
	}
}

func TestTextAndGitHub(t *testing.T) {
	fs := []Finding{
		{File: "docs/a.md", Line: 3, Column: 7, Rule: "blame", Severity: Error, Message: "100% wrong, really"},
		{File: "b,c.md", Line: 1, Column: 1, Rule: "overdue", Severity: Warning, Message: "two\nlines"},
	}
	var buf bytes.Buffer
	if err := Write(&buf, "text", fs, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "docs/a.md:3:7: error: blame: 100% wrong, really\nb,c.md:1:1: warning: overdue: two\nlines\n"; got != want {
		t.Errorf("text =\n%s\nwant\n%s", got, want)
	}
	buf.Reset()
	if err := Write(&buf, "github", fs, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	want := "::error file=docs/a.md,line=3,col=7,title=debrief blame::100%25 wrong, really\n" +
		"::warning file=b%2Cc.md,line=1,col=1,title=debrief overdue::two%0Alines\n"
	if got := buf.String(); got != want {
		t.Errorf("github =\n%s\nwant\n%s", got, want)
	}
	if err := Write(&buf, "xml", fs, WriteOptions{}); err == nil {
		t.Error("unknown format accepted")
	}
}
