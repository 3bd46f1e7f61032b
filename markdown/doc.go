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
// empty report gives the template. A canonical file parses and renders back
// byte for byte. Text that fits no field of the template is kept as an
// extra section, anchored to the template section it followed and written
// back after it, so that formatting loses nothing; Lost checks that for any
// rewrite, and the fuzz target checks it for any input.
package markdown
