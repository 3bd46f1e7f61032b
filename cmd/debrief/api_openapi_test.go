package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	liberrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	"github.com/pb33f/libopenapi/datamodel/high/base"
)

// apiContract is the OpenAPI document of the service, ready to check
// requests and responses against.
type apiContract struct {
	v validator.Validator
	// methods are the documented methods of each path template.
	methods map[string][]string
	// errors are the schemas of the errors an undocumented method or path
	// gets (405, 404), which no operation can hold.
	errors map[int]*base.Schema
	schema schema_validation.SchemaValidator
}

// loadContract reads web/openapi.json once per test binary: it is the file
// serve embeds and answers GET /api/v1/openapi.json with.
var loadContract = sync.OnceValues(func() (*apiContract, error) {
	raw, err := os.ReadFile("../../web/openapi.json")
	if err != nil {
		return nil, err
	}
	doc, err := libopenapi.NewDocument(raw)
	if err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		return nil, fmt.Errorf("openapi.json: %v", errs)
	}
	c := &apiContract{v: v, methods: map[string][]string{}, errors: map[int]*base.Schema{}, schema: schema_validation.NewSchemaValidator()}
	for path, item := range model.Model.Paths.PathItems.FromOldest() {
		for method := range item.GetOperations().FromOldest() {
			c.methods[path] = append(c.methods[path], strings.ToUpper(method))
		}
	}
	for status, name := range map[int]string{http.StatusNotFound: "NotFoundError", http.StatusMethodNotAllowed: "MethodNotAllowedError"} {
		proxy := model.Model.Components.Schemas.GetOrZero(name)
		if proxy == nil {
			return nil, fmt.Errorf("openapi.json has no schema %s", name)
		}
		c.errors[status] = proxy.Schema()
	}
	return c, nil
})

// mustContract returns the service's OpenAPI document.
func mustContract(tb testing.TB) *apiContract {
	tb.Helper()
	c, err := loadContract()
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// template returns the documented path template that path falls under, or
// "".
func (c *apiContract) template(path string) string {
	segs := strings.Split(path, "/")
	for tmpl := range c.methods {
		tsegs := strings.Split(tmpl, "/")
		if len(tsegs) != len(segs) {
			continue
		}
		match := true
		for i, ts := range tsegs {
			if strings.HasPrefix(ts, "{") {
				match = match && segs[i] != ""
			} else {
				match = match && ts == segs[i]
			}
		}
		if match {
			return tmpl
		}
	}
	return ""
}

// check validates one exchange with the service against the document and
// returns what does not agree with it. Every response is checked: its
// status must be documented for the operation, its body must match the
// schema of that status (errors included) and its documented headers must
// be there. The request is checked too when the service took it (a status
// below 400): whatever the service accepts, the document must describe. A
// method or path the document does not have must get 405 with Allow, or
// 404, in the one error shape.
func (c *apiContract) check(method, url string, reqHeader http.Header, reqBody []byte, status int, respHeader http.Header, respBody []byte) []string {
	if c == nil {
		return nil
	}
	req, err := http.NewRequest(method, url, bytes.NewReader(reqBody))
	if err != nil {
		return []string{err.Error()}
	}
	req.Header = reqHeader.Clone()
	resp := &http.Response{
		StatusCode: status, Header: respHeader.Clone(), Request: req,
		Body: io.NopCloser(bytes.NewReader(respBody)), ContentLength: int64(len(respBody)),
	}
	tmpl := c.template(req.URL.Path)
	if !slices.Contains(c.methods[tmpl], method) {
		return c.checkUndocumented(tmpl, status, respHeader, respBody)
	}
	var errs []*liberrors.ValidationError
	if status < 400 {
		_, errs = c.v.ValidateHttpRequestResponse(req, resp)
	} else {
		_, errs = c.v.ValidateHttpResponse(req, resp)
	}
	var out []string
	for _, e := range errs {
		msg := e.Message
		if e.Reason != "" {
			msg += ": " + e.Reason
		}
		for _, f := range e.SchemaValidationErrors {
			msg += fmt.Sprintf("\n\t%s (%s): %s", f.FieldPath, f.KeywordLocation, f.Reason)
		}
		out = append(out, msg)
	}
	return out
}

// checkUndocumented checks the answer to a method or path the document
// does not have.
func (c *apiContract) checkUndocumented(tmpl string, status int, respHeader http.Header, respBody []byte) []string {
	var out []string
	switch {
	case tmpl != "" && status == http.StatusMethodNotAllowed:
		allow := strings.Split(respHeader.Get("Allow"), ", ")
		if want := c.methods[tmpl]; !sameSet(allow, want) {
			out = append(out, fmt.Sprintf("405 with Allow %q, want the documented %q", respHeader.Get("Allow"), strings.Join(want, ", ")))
		}
	case tmpl == "" && status == http.StatusNotFound:
	default:
		return []string{fmt.Sprintf("status %d for an undocumented method or path, want 405 (documented path) or 404", status)}
	}
	if _, errs := c.schema.ValidateSchemaBytes(c.errors[status], respBody); len(errs) > 0 {
		for _, e := range errs {
			msg := e.Message
			for _, f := range e.SchemaValidationErrors {
				msg += fmt.Sprintf("\n\t%s: %s", f.FieldPath, f.Reason)
			}
			out = append(out, msg)
		}
	}
	return out
}

// sameSet reports whether a and b hold the same strings.
func sameSet(a, b []string) bool {
	return len(a) == len(b) && !slices.ContainsFunc(a, func(s string) bool { return !slices.Contains(b, s) })
}

// TestOpenAPIServed checks that serve answers GET /api/v1/openapi.json
// with the document the tests check against.
func TestOpenAPIServed(t *testing.T) {
	s := startServe(t, serveDatabases[0].dsn(t))
	r := s.must(http.StatusOK, req{method: "GET", path: "/api/v1/openapi.json"})
	file, err := os.ReadFile("../../web/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(r.body, file) {
		t.Error("GET /api/v1/openapi.json is not web/openapi.json")
	}
	if !json.Valid(r.body) {
		t.Error("the document is not JSON")
	}
}

// TestOpenAPIContractCatches checks the checker: answers that break the
// document are reported.
func TestOpenAPIContractCatches(t *testing.T) {
	c := mustContract(t)
	json := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	token := http.Header{"Authorization": {"Bearer dbt_x"}}
	for _, tc := range []struct {
		name         string
		method, path string
		status       int
		header       http.Header
		body         string
		ok           bool
	}{
		{"a user as written", "GET", "/api/v1/me", 200, json,
			`{"id": 1, "email": "a@example.com", "name": "A", "role": "admin", "has_password": true, "created_at": "2026-03-14T10:00:00Z"}`, true},
		{"a key the document lacks", "GET", "/api/v1/me", 200, json,
			`{"id": 1, "email": "a@example.com", "name": "A", "role": "admin", "has_password": true, "created_at": "2026-03-14T10:00:00Z", "password_hash": "x"}`, false},
		{"a missing key", "GET", "/api/v1/me", 200, json, `{"id": 1}`, false},
		{"an undocumented status", "GET", "/api/v1/me", 409, json, `{"error": {"code": "conflict", "message": "m"}}`, false},
		{"an error in its shape", "GET", "/api/v1/reports/1", 404, json, `{"error": {"code": "not_found", "message": "no report"}}`, true},
		{"an error out of shape", "GET", "/api/v1/reports/1", 404, json, `{"error": "no report"}`, false},
		{"an error of another code", "GET", "/api/v1/reports/1", 404, json, `{"error": {"code": "invalid", "message": "no report"}}`, false},
		{"an internal error that tells", "GET", "/api/v1/reports/1", 500, json, `{"error": {"code": "internal", "message": "pq: relation does not exist"}}`, false},
		{"a 401 without WWW-Authenticate", "GET", "/api/v1/me", 401, json, `{"error": {"code": "unauthorized", "message": "sign in"}}`, false},
		{"a 405 without Allow", "PATCH", "/api/v1/reports", 405, json, `{"error": {"code": "method_not_allowed", "message": "no"}}`, false},
		{"a 405 with Allow", "PATCH", "/api/v1/reports", 405, http.Header{"Content-Type": json["Content-Type"], "Allow": {"GET, POST"}},
			`{"error": {"code": "method_not_allowed", "message": "no"}}`, true},
		{"an unknown path", "GET", "/api/v1/nothing", 404, json, `{"error": {"code": "not_found", "message": "no"}}`, true},
		{"an unknown path that answers", "GET", "/api/v1/nothing", 200, json, `{}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := c.check(tc.method, "http://127.0.0.1"+tc.path, token, nil, tc.status, tc.header, []byte(tc.body))
			if got := len(errs) == 0; got != tc.ok {
				t.Errorf("valid %v, want %v: %v", got, tc.ok, errs)
			}
		})
	}
}

// contractFor returns the OpenAPI contract for a request under /api/, and
// nil for the operational endpoints (/healthz, /readyz, /metrics).
func contractFor(t *testing.T, path string) *apiContract {
	if !strings.HasPrefix(path, "/api/") {
		return nil
	}
	return mustContract(t)
}
