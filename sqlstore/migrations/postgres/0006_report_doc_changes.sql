-- Each report's whole text in Debrief's JSON format, beside its rows, so
-- that a report is read with one query ('' until 0006's step fills it, or
-- when a report cannot be written so; it is then read from its rows).
ALTER TABLE reports ADD COLUMN doc TEXT NOT NULL DEFAULT '';

-- A counter of changes to reports, moved by every write of one: a list or
-- search remembered at a count is still true while the count is the same.
CREATE TABLE changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO changes (id, n) VALUES (1, 0);
