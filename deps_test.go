package debrief_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyRule keeps the architecture true: the root package imports
// only the standard library, and adapters do not import each other except
// where one is built on another.
func TestDependencyRule(t *testing.T) {
	const mod = "github.com/debrief-oss/debrief"
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}:{{join .Deps \" \"}}", mod+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err) // go runs the tests, so it is there
	}
	allowed := map[string][]string{
		"lint": {"markdown"},
		"web":  {"markdown", "lint", "logscan", "chart", "password", "alertmanager", "promquery"},
	}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, deps, _ := strings.Cut(l, ":")
		rel := strings.TrimPrefix(strings.TrimPrefix(pkg, mod), "/")
		for _, d := range strings.Fields(deps) {
			if !strings.HasPrefix(d, mod) {
				if rel == "" && strings.Contains(strings.SplitN(d, "/", 2)[0], ".") {
					t.Errorf("the root package imports %s: it may import only the standard library", d)
				}
				continue
			}
			drel := strings.TrimPrefix(strings.TrimPrefix(d, mod), "/")
			switch {
			case drel == "" || strings.HasPrefix(drel, "internal/"):
				continue
			case rel == "":
				t.Errorf("the root package imports %s", d)
			case strings.HasPrefix(rel, "cmd/") || strings.HasPrefix(rel, "internal/") || strings.HasPrefix(rel, "bench"):
				continue
			case drel == "web" || strings.HasPrefix(drel, "cmd/"):
				t.Errorf("%s imports %s: nothing may import web or cmd", rel, drel)
			default:
				ok := false
				for _, a := range allowed[rel] {
					ok = ok || a == drel
				}
				if !ok && drel != rel {
					t.Errorf("%s imports %s: adapters do not import each other", rel, drel)
				}
			}
		}
	}
}
