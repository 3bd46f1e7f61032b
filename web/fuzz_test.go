package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"regexp"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/markdown"
)

// goWords finds what an error message of the API must not say: Go's names
// of types and packages.
var goWords = regexp.MustCompile(`\bGo (struct field|value)\b|\b(debrief|web|json|markdown)\.[a-z]\w*|\bof type\b`)

// FuzzDecode drives the API's decoders with one body: decodeStrict into
// each of the input types, and readReport's two ways of reading a report,
// JSON (decodeStrict into reportInput, then debrief.DecodeJSONStrict) and
// Markdown (markdown.CheckSource, then markdown.Parse). None may panic;
// each error is the API's own, in JSON's words; and what decodes encodes
// back to a body that decodes to the same value. For a report, the same
// value is the same JSON form: what GET /api/v1/reports/{id} answers, and
// what a client sends back with PUT.
func FuzzDecode(f *testing.F) {
	example, err := os.ReadFile("../examples/2026-03-14-checkout-outage.md")
	if err != nil {
		f.Fatal(err)
	}
	doc := markdown.Parse("example.md", example)
	if doc.HasErrors() {
		f.Fatal("the example has errors")
	}
	reportJSON, err := json.Marshal(doc.Report)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range [][]byte{
		example,
		markdown.Render(doc.Report),
		reportJSON,
		[]byte(`{"slug": "2026-03-14-checkout-outage", "report": ` + string(reportJSON) + `}`),
		[]byte(`{"slug": "x", "report": {"title": 5}}`),
		[]byte(`{"report": {"overview": {"sevrity": "High"}}}`),
		[]byte(`{"email": "admin@example.com", "password": "correct horse battery"}`),
		[]byte(`{"token": "dbsetup_x", "email": "a@example.com", "name": "A", "password": "correct horse battery"}`),
		[]byte(`{"email": "a@example.com", "name": "A", "role": "viewer", "password": "p", "current_password": "q"}`),
		[]byte(`{"name": "ci", "expires_in": "90d"}`),
		[]byte(`{"to": "in_review", "comment": "ready", "version": 3}`),
		[]byte(`{"status": "Done"}`),
		[]byte(`{"name": "prod-am", "kind": "alertmanager"}`),
		[]byte(`{"version": "1", "key": "grafana/checkout", "status": "resolved", "title": "Checkout 5xx", "severity": "critical", "services": ["checkout"], "started_at": "2026-11-27T08:00:00Z", "ended_at": "2026-11-27T08:40:00+01:00", "labels": {"team": "payments"}}`),
		[]byte("---\nid: x\n# Unclosed\n"),
		[]byte("\x00\x01binary"),
		[]byte(""),
	} {
		f.Add(seed)
	}
	s := New(Services{}, Config{})
	f.Fuzz(func(t *testing.T, body []byte) {
		checkInputTypes(t, body)
		if _, err := decodeGeneric(body); err != nil {
			checkDecodeError(t, err)
		}
		for _, mt := range []string{"application/json", "text/markdown"} {
			checkReadReport(t, s, mt, body)
		}
	})
}

// checkInputTypes decodes body into each input type: a value that decodes
// must encode to a body that decodes to it again.
func checkInputTypes(t *testing.T, body []byte) {
	for _, newInput := range []func() any{
		func() any { return new(signInInput) },
		func() any { return new(setupInput) },
		func() any { return new(userInput) },
		func() any { return new(tokenInput) },
		func() any { return new(transitionInput) },
		func() any { return new(statusInput) },
		func() any { return new(sourceInput) },
		func() any { return new(genericAlertInput) },
		func() any { return new(reportInput) },
	} {
		v := newInput()
		if err := decodeStrict(body, v); err != nil {
			checkDecodeError(t, err)
			continue
		}
		again, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%T: %v", v, err)
		}
		back := newInput()
		if err := decodeStrict(again, back); err != nil {
			t.Fatalf("%T encodes to %s, which does not decode: %v", v, again, err)
		}
		if in, ok := v.(*reportInput); ok {
			// A raw report is compared by its value, not its spaces or
			// escapes.
			out := back.(*reportInput)
			if !reflect.DeepEqual(jsonValueOf(t, in.Report), jsonValueOf(t, out.Report)) {
				t.Fatalf("report %s encodes to %s, which decodes to %s", in.Report, again, out.Report)
			}
			in.Report, out.Report = nil, nil
		}
		if !reflect.DeepEqual(v, back) {
			t.Fatalf("%T %+v encodes to %s, which decodes to %+v", v, v, again, back)
		}
	}
}

// checkReadReport reads body as a report of media type mt, the way the
// service does: an error must be one of the API's; a report must encode
// to JSON that reads back to the same JSON, and to Markdown that reads
// back to the same Markdown.
func checkReadReport(t *testing.T, s *Server, mt string, body []byte) {
	rep, err := readReportBody(s, mt, body)
	if err != nil {
		checkDecodeError(t, err)
		return
	}
	if rep == nil {
		t.Fatal("readReport returned no report and no error")
	}
	form, err := json.Marshal(rep)
	if err != nil {
		t.Fatalf("a report read from %s does not encode: %v", mt, err)
	}
	back, err := readReportBody(s, "application/json", []byte(`{"report": `+string(form)+`}`))
	if err != nil {
		t.Fatalf("a report read from %s encodes to JSON the service refuses: %v\n%s", mt, err, form)
	}
	if again, _ := json.Marshal(back); !bytes.Equal(form, again) {
		t.Fatalf("a report read from %s encodes to\n%s\nwhich reads back as\n%s", mt, form, again)
	}
	md := markdown.Render(rep)
	back, err = readReportBody(s, "text/markdown", md)
	if err != nil {
		t.Fatalf("a report read from %s renders to Markdown the service refuses: %v\n%s", mt, err, md)
	}
	if again := markdown.Render(back); !bytes.Equal(md, again) {
		t.Fatalf("a report read from %s renders to\n%s\nwhich reads back and renders as\n%s", mt, md, again)
	}
}

// readReportBody calls readReport on a request with body, as the handlers
// of POST and PUT do.
func readReportBody(s *Server, mt string, body []byte) (*debrief.Report, error) {
	r := httptest.NewRequest(http.MethodPost, "/api/v1/reports", bytes.NewReader(body))
	r.Header.Set("Content-Type", mt)
	_, rep, err := s.readReport(httptest.NewRecorder(), r)
	return rep, err
}

// checkDecodeError fails the test unless err is an error of the API's,
// invalid input or a body too large, that speaks JSON rather than Go.
func checkDecodeError(t *testing.T, err error) {
	t.Helper()
	var se *statusError
	var ae *debrief.Error
	switch {
	case errors.As(err, &se):
		if se.status != http.StatusRequestEntityTooLarge {
			t.Fatalf("decoding: status %d: %v", se.status, err)
		}
	case errors.As(err, &ae):
		if ae.Code != debrief.EINVALID {
			t.Fatalf("decoding: code %s: %v", ae.Code, err)
		}
		if goWords.MatchString(ae.Message) {
			t.Fatalf("decoding: the message speaks Go: %q", ae.Message)
		}
	default:
		t.Fatalf("decoding: not an error of the API (it would be a 500): %v", err)
	}
}

// jsonValueOf decodes raw JSON into Go's generic values, numbers as
// written.
func jsonValueOf(t *testing.T, raw json.RawMessage) any {
	if raw == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("raw JSON that is not JSON: %v", err)
	}
	return v
}
