-- Notifications to deliver: one row per event and target, written in the
-- transaction of the change it tells, so that a restart loses none. The
-- rows stay as the delivery log.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    target      TEXT    NOT NULL,
    dedupe_key  TEXT    NOT NULL UNIQUE,
    event       TEXT    NOT NULL, -- JSON of the event
    state       TEXT    NOT NULL, -- pending, delivered, failed
    attempts    INTEGER NOT NULL,
    next_at     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    last_status INTEGER NOT NULL,
    last_error  TEXT    NOT NULL
);
CREATE INDEX outbox_due ON outbox (state, next_at);
