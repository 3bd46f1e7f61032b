package web

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
)

// operation is one method of one path of the OpenAPI document, as the tests
// here read it.
type operation struct {
	OperationID string                     `json:"operationId"`
	Parameters  []map[string]any           `json:"parameters"`
	RequestBody json.RawMessage            `json:"requestBody"`
	Responses   map[string]json.RawMessage `json:"responses"`
}

// documentOperations reads the document's operations, keyed "METHOD /path".
func documentOperations(t *testing.T) map[string]operation {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	ops := map[string]operation{}
	for path, item := range doc.Paths {
		for method, raw := range item {
			switch method {
			case "get", "put", "post", "delete", "patch", "head", "options", "trace":
			default:
				continue
			}
			var op operation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			ops[strings.ToUpper(method)+" "+path] = op
		}
	}
	return ops
}

// TestOpenAPIValid checks the document against the OpenAPI 3.1
// specification's schema, and that every reference in it resolves.
func TestOpenAPIValid(t *testing.T) {
	doc, err := libopenapi.NewDocument(openAPIDoc)
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if v := doc.GetVersion(); v != "3.1.0" {
		t.Errorf("OpenAPI version %q, want 3.1.0", v)
	}
	if _, err := doc.BuildV3Model(); err != nil {
		t.Fatalf("openapi.json does not build: %v", err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("openapi.json: %v", errs)
	}
	ok, verrs := v.ValidateDocument()
	for _, e := range verrs {
		msg := e.Message
		for _, se := range e.SchemaValidationErrors {
			msg += fmt.Sprintf("\n\t%s (%s): %s", se.FieldPath, se.KeywordLocation, se.Reason)
		}
		t.Errorf("openapi.json: %s", msg)
	}
	if !ok && len(verrs) == 0 {
		t.Error("openapi.json is not valid, for no reason given")
	}
}

// TestOpenAPIRoutes checks that the document and the route table describe
// the same API: every route the mux serves is documented, and every
// documented operation is a route.
func TestOpenAPIRoutes(t *testing.T) {
	s := New(Services{}, Config{})
	ops := documentOperations(t)
	served := map[string]bool{}
	for _, rt := range s.api {
		key := rt.method + " " + rt.path
		served[key] = true
		if _, ok := ops[key]; !ok {
			t.Errorf("%s is served but not in openapi.json", key)
		}
	}
	for key := range ops {
		if !served[key] {
			t.Errorf("%s is in openapi.json but not served", key)
		}
	}
	if len(served) != len(s.api) {
		t.Errorf("the route table has %d routes, %d of them distinct", len(s.api), len(served))
	}
}

// TestOpenAPIStatuses checks that each operation documents the statuses the
// middleware can give it whatever its handler does: 401 for a token or
// session that is not valid and 500 everywhere; 403 for a cross-origin
// change; 400, 413 and 415 wherever a body is read. It also checks that
// each path parameter of the route is documented.
func TestOpenAPIStatuses(t *testing.T) {
	ids := map[string]string{}
	for key, op := range documentOperations(t) {
		method, path, _ := strings.Cut(key, " ")
		if op.OperationID == "" {
			t.Errorf("%s has no operationId", key)
		} else if other, ok := ids[op.OperationID]; ok {
			t.Errorf("%s and %s have operationId %s", key, other, op.OperationID)
		}
		ids[op.OperationID] = key
		want := []string{"401", "500"}
		if method != "GET" {
			want = append(want, "403")
		}
		if op.RequestBody != nil {
			want = append(want, "400", "413", "415")
		}
		for _, code := range want {
			if _, ok := op.Responses[code]; !ok {
				t.Errorf("%s does not document %s", key, code)
			}
		}
		ok2xx := false
		for code := range op.Responses {
			ok2xx = ok2xx || strings.HasPrefix(code, "2")
		}
		if !ok2xx {
			t.Errorf("%s documents no success", key)
		}
		var params []string
		for _, p := range op.Parameters {
			if ref, ok := p["$ref"].(string); ok {
				params = append(params, pathParamOfRef(t, ref)...)
			} else if p["in"] == "path" {
				params = append(params, p["name"].(string))
			}
		}
		for _, seg := range strings.Split(path, "/") {
			if name, ok := strings.CutPrefix(seg, "{"); ok {
				name = strings.TrimSuffix(name, "}")
				if !slices.Contains(params, name) {
					t.Errorf("%s does not document its path parameter %s", key, name)
				}
			}
		}
	}
}

// pathParamOfRef returns the name of the parameter ref points to when it
// is in the path.
func pathParamOfRef(t *testing.T, ref string) []string {
	t.Helper()
	var doc struct {
		Components struct {
			Parameters map[string]struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	name, ok := strings.CutPrefix(ref, "#/components/parameters/")
	p, found := doc.Components.Parameters[name]
	if !ok || !found {
		t.Errorf("parameter %s is not in components", ref)
		return nil
	}
	if p.In != "path" {
		return nil
	}
	return []string{p.Name}
}
