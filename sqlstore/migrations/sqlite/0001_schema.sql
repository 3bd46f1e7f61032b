-- The first schema: reports and their sections, users, tokens, sessions,
-- the audit log and the full-text index. Times are microseconds since the
-- Unix epoch (UTC); text fields keep what people wrote.

CREATE TABLE reports (
    id                  INTEGER PRIMARY KEY,
    slug                TEXT    NOT NULL UNIQUE,
    version             INTEGER NOT NULL,
    state               TEXT    NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    created_by          TEXT    NOT NULL,
    updated_by          TEXT    NOT NULL,
    title               TEXT    NOT NULL,
    front_id            TEXT    NOT NULL,
    incident_date       TEXT    NOT NULL,
    incident_day        TEXT    NOT NULL, -- YYYY-MM-DD, '' when not a date: sorts and filters
    report_date         TEXT    NOT NULL,
    duration            TEXT    NOT NULL,
    author              TEXT    NOT NULL,
    severity            TEXT    NOT NULL,
    severity_level      INTEGER NOT NULL,
    what_happened       TEXT    NOT NULL,
    users_affected      TEXT    NOT NULL,
    data_loss           INTEGER,          -- NULL when not answered
    data_loss_details   TEXT    NOT NULL,
    financial_impact    TEXT    NOT NULL,
    cause_what          TEXT    NOT NULL,
    cause_why           TEXT    NOT NULL,
    cause_why_not_caught TEXT   NOT NULL,
    how_fixed           TEXT    NOT NULL,
    verification        TEXT    NOT NULL,
    surprises           TEXT    NOT NULL,
    time_to_detection   TEXT    NOT NULL,
    time_to_resolution  TEXT    NOT NULL,
    total_downtime      TEXT    NOT NULL,
    metrics_users       TEXT    NOT NULL,
    error_rate          TEXT    NOT NULL,
    reviewed_by         TEXT    NOT NULL,
    sign_off_date       TEXT    NOT NULL,
    next_review_date    TEXT    NOT NULL
);
CREATE INDEX reports_order ON reports (incident_day DESC, id DESC);
CREATE INDEX reports_state ON reports (state);

-- Lists of plain strings: services, tags, services_down, immediate_actions,
-- went_well, to_improve.
CREATE TABLE report_items (
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    kind      TEXT    NOT NULL,
    position  INTEGER NOT NULL,
    text      TEXT    NOT NULL,
    PRIMARY KEY (report_id, kind, position)
);
CREATE INDEX report_items_text ON report_items (kind, text);

CREATE TABLE timeline_events (
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    time      TEXT    NOT NULL,
    event     TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    PRIMARY KEY (report_id, position)
);

CREATE TABLE action_items (
    report_id      INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    priority       TEXT    NOT NULL,
    priority_level INTEGER NOT NULL,
    action         TEXT    NOT NULL,
    owner          TEXT    NOT NULL,
    due            TEXT    NOT NULL,
    due_day        TEXT    NOT NULL, -- YYYY-MM-DD, '' when not a date
    status         TEXT    NOT NULL,
    status_value   INTEGER NOT NULL,
    PRIMARY KEY (report_id, position)
);
CREATE INDEX action_items_owner ON action_items (owner);
CREATE INDEX action_items_due ON action_items (due_day);

CREATE TABLE prevention_items (
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    horizon   TEXT    NOT NULL, -- short_term, medium_term, long_term
    position  INTEGER NOT NULL,
    text      TEXT    NOT NULL,
    done      INTEGER NOT NULL,
    PRIMARY KEY (report_id, horizon, position)
);

CREATE TABLE documents (
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    kind      TEXT    NOT NULL, -- incident_logs, monitoring_screenshots, related_tickets
    position  INTEGER NOT NULL,
    ref       TEXT    NOT NULL,
    PRIMARY KEY (report_id, kind, position)
);

CREATE TABLE extra_sections (
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    heading   TEXT    NOT NULL,
    level     INTEGER NOT NULL,
    body      TEXT    NOT NULL,
    after_key TEXT    NOT NULL,
    PRIMARY KEY (report_id, position)
);

CREATE VIRTUAL TABLE report_search USING fts5 (title, body, tokenize = 'porter unicode61');

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    token_hash TEXT    NOT NULL UNIQUE, -- SHA-256 of the secret, hex
    created_at INTEGER NOT NULL,
    last_used  INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    entity    TEXT    NOT NULL,
    entity_id INTEGER NOT NULL,
    detail    TEXT    NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
