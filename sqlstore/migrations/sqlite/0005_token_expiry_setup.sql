-- API tokens may expire (0: never). A setup token, made when the service
-- starts with no user, creates the first admin once; only its hash is kept.
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;

CREATE TABLE setup_tokens (
    token_hash TEXT   PRIMARY KEY,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
