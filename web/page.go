package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

// The pages people use are html/template files and a few static assets,
// embedded in the binary and parsed once, when the server is made.
//
//go:embed templates/*.html static/*
var pageFiles embed.FS

// pages holds the parsed templates, one per page, each with the layout.
type pages struct {
	byName map[string]*template.Template
	// assets are the static files by name, and their version (a hash of
	// their bytes) that their addresses carry, so that a browser may keep
	// them for good.
	assets  map[string][]byte
	version map[string]string
}

// loadPages parses every template under templates/ with the layout.
func loadPages(funcs template.FuncMap) (*pages, error) {
	p := &pages{byName: map[string]*template.Template{}, assets: map[string][]byte{}, version: map[string]string{}}
	statics, err := fs.Glob(pageFiles, "static/*")
	if err != nil {
		return nil, err
	}
	for _, name := range statics {
		b, err := pageFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		base := path.Base(name)
		p.assets[base] = b
		p.version[base] = hex.EncodeToString(sum[:6])
	}
	funcs["asset"] = func(name string) (string, error) {
		v, ok := p.version[name]
		if !ok {
			return "", fmt.Errorf("no static file %q", name)
		}
		return "/static/" + name + "?v=" + v, nil
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(pageFiles, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(pageFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		name := path.Base(f)
		if name == "layout.html" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(pageFiles, f)
		if err != nil {
			return nil, err
		}
		p.byName[strings.TrimSuffix(name, ".html")] = t
	}
	return p, nil
}

// view is what every page's template gets: the signed-in user (nil when
// none), the page's title and section for the navigation, a message, and
// the page's own data.
type view struct {
	User    *debrief.User
	Title   string
	Nav     string
	Notice  string
	Problem string
	Data    any
}

// Can reports whether the user may do what role allows, for showing a
// control: the services decide whether the action is allowed.
func (v view) Can(role string) bool {
	return v.User != nil && (v.User.System || v.User.Role.Can(debrief.Role(role)))
}

// render writes a page with a status. The page is made in a buffer first,
// so that a template error is an internal error, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) error {
	t := s.pages.byName[name]
	if t == nil {
		return fmt.Errorf("no page %q", name)
	}
	v.User = debrief.UserFromContext(r.Context())
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		return fmt.Errorf("page %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
	return nil
}

// page turns a page handler into an http.Handler. Its errors are pages
// too: a request without a user goes to the sign-in page (and comes back
// after), the other errors say what went wrong with their status.
func (s *Server) page(h func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return routed(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.pageError(w, r, err)
		}
	}))
}

func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	var se *statusError
	var ae *debrief.Error
	status, msg := http.StatusInternalServerError, "internal error"
	switch {
	case errors.As(err, &se):
		status, msg = se.status, se.msg
	case errors.As(err, &ae):
		if st := statusOf[ae.Code]; st != 0 {
			status, msg = st, ae.Message
		}
	}
	if status == http.StatusUnauthorized && debrief.UserFromContext(r.Context()) == nil {
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(localPath(r.URL.RequestURI())), http.StatusSeeOther)
		return
	}
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "internal error", "method", r.Method, "path", r.URL.Path, "err", err.Error())
		msg = "internal error"
	}
	if rerr := s.render(w, r, status, "error", view{Title: http.StatusText(status), Problem: msg}); rerr != nil {
		s.log.ErrorContext(r.Context(), "internal error", "method", r.Method, "path", r.URL.Path, "err", rerr.Error())
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
}

// localPath returns p when it is a path of this site, or "/reports": a
// "next" address never leads elsewhere.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/reports"
	}
	return p
}

// readForm reads a form body, bounded like every body.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return httpError(http.StatusRequestEntityTooLarge, "too_large", "the form is larger than %d bytes", s.cfg.MaxBody)
		}
		return httpError(http.StatusBadRequest, debrief.EINVALID, "the form could not be read")
	}
	return nil
}

// static serves the embedded assets. Their addresses carry their version,
// so they may be kept for a year.
func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	b, ok := s.pages.assets[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	switch path.Ext(name) {
	case ".css":
		h.Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		h.Set("Content-Type", "text/javascript; charset=utf-8")
	case ".svg":
		h.Set("Content-Type", "image/svg+xml")
	}
	if r.URL.Query().Get("v") == s.pages.version[name] {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	w.Write(b)
}

// pageFuncs are the functions the templates call.
func (s *Server) pageFuncs() template.FuncMap {
	return template.FuncMap{
		"stateName": stateName,
		"lower":     strings.ToLower,
		"join":      strings.Join,
		"highlight": highlight,
		"paras":     paragraphs,
		"when": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.UTC().Format("2006-01-02 15:04 UTC")
		},
		"add": func(a, b int) int { return a + b },
		"iso": func(d debrief.Date) string {
			if d.Valid() {
				return d.ISO()
			}
			return ""
		},
		"minutes": debrief.FormatMinutes,
		"dateType": func(text string) string {
			// A date input shows only a valid day: any other text a
			// report has stays in a text field, where it is not lost.
			if t := strings.TrimSpace(text); t == "" || debrief.ParseDate(t).ISO() == t {
				return "date"
			}
			return "text"
		},
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
	}
}

// stateName names a report state for people.
func stateName(st debrief.ReportState) string {
	switch st {
	case debrief.StateDraft:
		return "Draft"
	case debrief.StateInReview:
		return "In review"
	case debrief.StatePublished:
		return "Published"
	case debrief.StateArchived:
		return "Archived"
	}
	return string(st)
}

// highlight turns a search snippet, whose matched words the store wraps in
// [ and ], into HTML with those words in <mark>. Every piece of the text is
// escaped.
func highlight(snippet string) template.HTML {
	var b strings.Builder
	for {
		open := strings.IndexByte(snippet, '[')
		if open < 0 {
			break
		}
		end := strings.IndexByte(snippet[open:], ']')
		if end < 0 {
			break
		}
		b.WriteString(template.HTMLEscapeString(snippet[:open]))
		b.WriteString("<mark>")
		b.WriteString(template.HTMLEscapeString(snippet[open+1 : open+end]))
		b.WriteString("</mark>")
		snippet = snippet[open+end+1:]
	}
	b.WriteString(template.HTMLEscapeString(snippet))
	return template.HTML(b.String())
}

// paragraphs splits Markdown text into its paragraphs, shown as plain
// text: a report's text is never read as HTML.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
