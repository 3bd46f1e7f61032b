package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/debrief-oss/debrief"
)

// writeJSON writes v as the response, with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b := encodeJSON(v)
	if b == nil {
		http.Error(w, `{"error":{"code":"internal","message":"internal error"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

// encodeJSON encodes v as the API writes JSON: compact, with a final
// newline (indenting took most of the time of a list; "| jq" makes it
// readable); nil when v cannot be encoded.
func encodeJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return append(b, '\n')
}

// readBody reads a request's body, at most the server's MaxBody bytes:
// beyond that it returns 413.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, httpError(http.StatusRequestEntityTooLarge, "too_large", "the body is larger than %d bytes", s.cfg.MaxBody)
	}
	if err != nil {
		return nil, httpError(http.StatusBadRequest, debrief.EINVALID, "the body could not be read")
	}
	return b, nil
}

// mediaType returns the media type of a request's body, in lower case,
// without parameters: "" when there is none.
func mediaType(r *http.Request) string {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Type")))
	}
	return mt
}

// unsupported is the error of a body of a media type a route does not take.
func unsupported(r *http.Request, want ...string) error {
	return httpError(http.StatusUnsupportedMediaType, "unsupported_media_type", "a body of type %q is not accepted here; send %s", r.Header.Get("Content-Type"), strings.Join(want, " or "))
}

// decodeJSON reads a JSON body into v, refusing another media type (415),
// a body over the limit (413), a key v does not have, and anything after
// the value (400, naming the field or the place).
func (s *Server) decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if mt := mediaType(r); mt != "application/json" {
		return unsupported(r, "application/json")
	}
	body, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	return decodeStrict(body, v)
}

// decodeStrict decodes one JSON value into v, refusing unknown keys and
// trailing data.
func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if k, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			k = strings.Trim(k, `"`)
			return debrief.FieldErrorf(debrief.EINVALID, k, "not a key this request takes")
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			// Go's message names Go types ("Go struct field
			// reportInput.slug of type string"): say it in JSON's words.
			if te.Field == "" {
				return debrief.Errorf(debrief.EINVALID, "the body must be a JSON object: %s", debrief.JSONTypeMessage(te))
			}
			return debrief.FieldErrorf(debrief.EINVALID, te.Field, "%s", debrief.JSONTypeMessage(te))
		}
		if errors.Is(err, io.EOF) {
			return debrief.Errorf(debrief.EINVALID, "the body is empty; send a JSON object")
		}
		return debrief.Errorf(debrief.EINVALID, "the body is not valid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if dec.More() {
		return debrief.Errorf(debrief.EINVALID, "more JSON after the object")
	}
	return nil
}

// jsonKind names the JSON value a Go type is decoded from, with its
