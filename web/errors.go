package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/debrief-oss/debrief"
)

// statusOf maps each application error code to its HTTP status: the one
// table of it.
var statusOf = map[string]int{
	debrief.EINVALID:        http.StatusBadRequest,
	debrief.EUNAUTHORIZED:   http.StatusUnauthorized,
	debrief.EFORBIDDEN:      http.StatusForbidden,
	debrief.ENOTFOUND:       http.StatusNotFound,
	debrief.ECONFLICT:       http.StatusConflict,
	debrief.ESTALE:          http.StatusPreconditionFailed,
	debrief.EUNPROCESSABLE:  http.StatusUnprocessableEntity,
	debrief.ENOTIMPLEMENTED: http.StatusNotImplemented,
	debrief.EINTERNAL:       http.StatusInternalServerError,
}

// statusError is an error of HTTP itself, with its status: a method not
// allowed, a body too large, a missing If-Match.
type statusError struct {
	status int
	code   string
	msg    string
}

func (e *statusError) Error() string { return e.msg }

// httpError returns a statusError with a formatted message.
func httpError(status int, code, format string, args ...any) error {
	return &statusError{status: status, code: code, msg: fmt.Sprintf(format, args...)}
}

// errorBody is the API's one shape of an error:
// {"error": {"code", "message", "field", "line", "problems"}}.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code     string    `json:"code"`
	Message  string    `json:"message"`
	Field    string    `json:"field,omitempty"`
	Line     int       `json:"line,omitempty"`
	Problems []problem `json:"problems,omitempty"`
}

// problem is one finding or diagnostic in an error.
type problem struct {
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
	Field    string `json:"field,omitempty"`
	Rule     string `json:"rule,omitempty"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

func problemsJSON(ps []debrief.Problem) []problem {
	out := make([]problem, len(ps))
	for i, p := range ps {
		out[i] = problem{Line: p.Line, Column: p.Column, Field: p.Field, Rule: p.Rule, Severity: p.Severity, Message: p.Message}
	}
	return out
}

// writeError writes err in the API's shape with its status. An internal
// error is logged and shown only as "internal error": no SQL, path or stack
// reaches the client.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var se *statusError
	var ae *debrief.Error
	var body errorBody
	status := http.StatusInternalServerError
	switch {
	case errors.As(err, &se):
		status, body.Error = se.status, errorDetail{Code: se.code, Message: se.msg}
	case errors.As(err, &ae):
		status = statusOf[ae.Code]
		if status == 0 {
			status = http.StatusInternalServerError
		}
		body.Error = errorDetail{Code: ae.Code, Message: ae.Message, Field: ae.Field, Problems: problemsJSON(ae.Problems)}
		if len(ae.Problems) > 0 {
			body.Error.Line = ae.Problems[0].Line
		}
	default:
		body.Error = errorDetail{Code: debrief.EINTERNAL, Message: "internal error"}
	}
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "internal error", "method", r.Method, "path", r.URL.Path, "err", err.Error())
		body.Error = errorDetail{Code: debrief.EINTERNAL, Message: "internal error"}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="debrief"`)
	}
	writeJSON(w, status, body)
}
