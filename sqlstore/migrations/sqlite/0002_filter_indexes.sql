-- Indexes for the list filters, which compare text case-insensitively.
CREATE INDEX report_items_lower ON report_items (kind, lower(text));
CREATE INDEX action_items_lower_owner ON action_items (lower(owner));
CREATE INDEX reports_severity ON reports (severity_level);
CREATE INDEX reports_lower_author ON reports (lower(author));
