-- The list filters compare text with debrief_lower(), which lower-cases by
-- Unicode's rules: SQLite's lower() folds ASCII letters only, so "émile zola"
-- did not find "Émile Zola". Debrief defines debrief_lower() on its own
-- connections; these indexes replace the lower() ones of 0002, which no
-- query uses any more.
DROP INDEX report_items_lower;
DROP INDEX action_items_lower_owner;
DROP INDEX reports_lower_author;
CREATE INDEX report_items_lower ON report_items (kind, debrief_lower(text));
CREATE INDEX action_items_lower_owner ON action_items (debrief_lower(owner));
CREATE INDEX reports_lower_author ON reports (debrief_lower(author));
