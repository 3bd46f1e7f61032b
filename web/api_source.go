package web

import (
	"net/http"

	"github.com/debrief-oss/debrief"
)

// sourceJSON is an alert source as the API gives it: never its secret.
type sourceJSON struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Hook      string `json:"hook"`
	CreatedAt string `json:"created_at"`
	CreatedBy string `json:"created_by"`
}

func newSourceJSON(src *debrief.Source) sourceJSON {
	return sourceJSON{
		ID: src.ID, Name: src.Name, Kind: string(src.Kind), Hook: "/api/v1/hooks/" + string(src.Kind) + "/" + src.Name,
		CreatedAt: timeJSON(src.CreatedAt), CreatedBy: src.CreatedBy,
	}
}

// listSources answers GET /api/v1/sources (admins).
func (s *Server) listSources(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Sources.Sources(r.Context())
	if err != nil {
		return err
	}
	out := struct {
		Sources []sourceJSON `json:"sources"`
	}{Sources: []sourceJSON{}}
	for _, src := range list {
		out.Sources = append(out.Sources, newSourceJSON(src))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// sourceInput creates a source.
type sourceInput struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// createSource answers POST /api/v1/sources (admins) with the source and
// its secret, shown this once.
func (s *Server) createSource(w http.ResponseWriter, r *http.Request) error {
	if _, err := debrief.Authorize(r.Context(), debrief.RoleAdmin); err != nil {
		return err
	}
	var in sourceInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Kind == "" {
		in.Kind = string(debrief.SourceAlertmanager)
	}
	secret, src, err := s.svc.Sources.CreateSource(r.Context(), in.Name, debrief.SourceKind(in.Kind))
	if err != nil {
		return err
	}
	out := struct {
		sourceJSON
		Secret string `json:"secret"`
	}{newSourceJSON(src), secret}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// deleteSource answers DELETE /api/v1/sources/{name} (admins).
func (s *Server) deleteSource(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Sources.DeleteSource(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
