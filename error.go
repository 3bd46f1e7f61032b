package debrief

import (
	"errors"
	"fmt"
)

// Application error codes. Services return errors carrying one of them;
// anything else is internal and shown to users only as "internal error".
const (
	ECONFLICT       = "conflict"        // a duplicate, or a change the current state does not allow
	ESTALE          = "stale"           // a version that is no longer the current one
	EINTERNAL       = "internal"        // anything unexpected
	EINVALID        = "invalid"         // bad input, named by field
	ENOTFOUND       = "not_found"       // no such thing
	EUNAUTHORIZED   = "unauthorized"    // not signed in
	EFORBIDDEN      = "forbidden"       // signed in, not allowed
	ENOTIMPLEMENTED = "not_implemented" // a feature this build lacks
	EUNPROCESSABLE  = "unprocessable"   // well-formed input refused for what it says (a report with lint errors cannot be approved)
)

// Error is an application error: a code from the list above and a message
// safe to show to the user.
type Error struct {
	Code    string
	Message string // begins with "Field: " when Field is set
	// Field is the path of the input field the error is about, as in
	// Debrief's JSON ("slug", "timeline[3].event"), or "".
	Field string
	// Problems lists what is wrong in detail, when there is a list: the
	// lint findings that block an approval, the diagnostics of a report.
	Problems []Problem
}

// Problem is one thing wrong with an input, at a place in it.
type Problem struct {
	Line     int    // 1-based; 0 when not known
	Column   int    // 1-based; 0 when not known
	Field    string // field path, or ""
	Rule     string // the lint rule, or ""
	Severity string // "error" or "warning"
	Message  string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("debrief error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns an *Error about one input field, whose message is
// "field: " followed by the formatted text.
func FieldErrorf(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: field + ": " + fmt.Sprintf(format, args...)}
}

// ErrorField returns the field of the application error in err's chain, or
// "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// ErrorCode returns the code of the application error in err's chain, "" for
// nil, and EINTERNAL for any other error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the application error in err's chain,
// "" for nil, and "internal error" for any other error.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
