-- The filters that ignore case (author, service, services down, action-item
-- owner) compare columns that hold the text case-folded by Debrief itself,
-- written with the text on every insert and update, against the filter's
-- text folded the same way. Both databases then compare alike whatever
-- their locale, and the indexes are plain ones that any tool can maintain.
-- They replace the lower() indexes of 0002.
DROP INDEX report_items_lower;
DROP INDEX action_items_lower_owner;
DROP INDEX reports_lower_author;
ALTER TABLE reports ADD COLUMN author_fold TEXT NOT NULL DEFAULT '';
ALTER TABLE report_items ADD COLUMN text_fold TEXT NOT NULL DEFAULT '';
ALTER TABLE action_items ADD COLUMN owner_fold TEXT NOT NULL DEFAULT '';
-- Debrief fills them for the rows written before, folded as it folds new
-- ones, in the same transaction right after this file (refoldAll).
CREATE INDEX reports_author_fold ON reports (author_fold);
-- report_id in the indexes lets the filters' subqueries read them alone.
CREATE INDEX report_items_text_fold ON report_items (kind, text_fold, report_id);
CREATE INDEX action_items_owner_fold ON action_items (owner_fold, report_id);
