-- Alert sources and what their notifications did. A source keeps only the
-- SHA-256 of its secret. alert_groups ties a group key to the draft it
-- opened; alert_payloads remembers each notification received, so that a
-- re-sent one changes nothing.
CREATE TABLE alert_sources (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    kind        TEXT    NOT NULL,
    secret_hash TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    created_by  TEXT    NOT NULL
);

CREATE TABLE alert_groups (
    id        INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES alert_sources (id) ON DELETE CASCADE,
    group_key TEXT    NOT NULL,
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    opened_at INTEGER NOT NULL,
    last_at   INTEGER NOT NULL
);
CREATE INDEX alert_groups_key ON alert_groups (source_id, group_key, last_at);

CREATE TABLE alert_payloads (
    source_id   INTEGER NOT NULL REFERENCES alert_sources (id) ON DELETE CASCADE,
    sha256      TEXT    NOT NULL,
    report_id   INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (source_id, sha256)
);
