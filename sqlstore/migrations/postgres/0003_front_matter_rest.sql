-- Front-matter keys Debrief does not use ("owner_team: sre"), kept as the
-- YAML lines were written so that a report exported again has them.
ALTER TABLE reports ADD COLUMN front_matter_rest TEXT NOT NULL DEFAULT '';
