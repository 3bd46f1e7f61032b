// Package markdown reads and writes post-mortem reports as Markdown, the
// text form of a debrief.Report.
//
// Reading is lenient. Parse accepts the template itself, filled reports, and
// what people really write: headings one level deeper or shallower, sections
// in another order or missing, sections the template does not have, other
// bullet and table styles, CRLF line endings, a byte-order mark, YAML front
// matter, and reports laid out by other teams ("Root Causes", "Contributing
// Factors", "Stats", timelines as bullets or as one heading per entry). It
// never stops at the first problem: it returns the report, every diagnostic
// with its line and column, where each value came from (Document.Fields,
// for the linter), and the template placeholders still in the text. The
// template's placeholders read as "not filled in", never as values.
//
// Writing is canonical. Render writes exactly the template's layout, with
// the template's placeholders where nothing is filled in, so rendering an
// empty report gives the template. The canonical form of any report parses
// back as that report, so a canonical file parses and renders back byte for
// byte: where the author's text would read as structure at its place (a
// heading, a list marker in a list, a label, a placeholder), Render puts a
// backslash before it and Parse takes it away again; what the form cannot
// hold (a line break in a table cell) is written as it reads back. Text
// that fits no field of the template is kept as an extra section, anchored
// to the template section it followed and written back after it, so that
// formatting loses nothing; Lost checks that for any rewrite.
// FuzzModelRoundTrip checks the round trip for any report; FuzzParse checks
// it, the fixed point and Lost for any input.
package markdown
