package sqlstore

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/debrief-oss/debrief"
)

var (
	_ debrief.SourceService = (*Store)(nil)
	_ debrief.AlertService  = (*Store)(nil)
)

// newSourceSecret returns a source's secret: "dbs_" and 64 random bytes.
// It is longer than SHA-256's block (64 bytes), so HMAC keys itself with
// the secret's SHA-256 (RFC 2104): the hash the store keeps checks a
// bearer token by its hash and a signature by keying HMAC with it, and the
// secret itself is never stored.
func newSourceSecret() string { return newSecretOf("dbs_", 64) }

// CreateSource stores a source and returns its secret.
func (s *Store) CreateSource(ctx context.Context, name string, kind debrief.SourceKind) (string, *debrief.Source, error) {
	if _, err := debrief.Authorize(ctx, debrief.RoleAdmin); err != nil {
		return "", nil, err
	}
	if err := debrief.ValidateSourceName(name); err != nil {
		return "", nil, err
	}
	if !kind.Valid() {
		return "", nil, debrief.FieldErrorf(debrief.EINVALID, "kind", "%q is not alertmanager or generic", kind)
	}
	secret := newSourceSecret()
	src := &debrief.Source{Name: name, Kind: kind, CreatedBy: debrief.ActorFromContext(ctx)}
	err := s.write(ctx, func(t *tx) error {
		now := s.nowMicros()
		err := t.queryRow(ctx, `INSERT INTO alert_sources (name, kind, secret_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			name, string(kind), hashSecret(secret), now, src.CreatedBy).Scan(&src.ID)
		if t.d.isUnique(err) {
			return debrief.FieldErrorf(debrief.ECONFLICT, "name", "a source named %q exists", name)
		} else if err != nil {
			return fmt.Errorf("insert source: %w", err)
		}
		src.CreatedAt = fromMicros(now)
		return t.audit(ctx, now, "source.create", "source", src.ID, name+" ("+string(kind)+")")
	})
	if err != nil {
		return "", nil, err
	}
	return secret, src, nil
}

// Sources returns every source, by name.
func (s *Store) Sources(ctx context.Context) ([]*debrief.Source, error) {
	if _, err := debrief.Authorize(ctx, debrief.RoleAdmin); err != nil {
		return nil, err
	}
	out := []*debrief.Source{}
	err := s.read(ctx, func(t *tx) error {
		return t.each(ctx, `SELECT id, name, kind, created_at, created_by FROM alert_sources ORDER BY name`, nil, func(rows *sql.Rows) error {
			src := &debrief.Source{}
			var kind string
			var created int64
			if err := rows.Scan(&src.ID, &src.Name, &kind, &created, &src.CreatedBy); err != nil {
				return err
			}
			src.Kind, src.CreatedAt = debrief.SourceKind(kind), fromMicros(created)
			out = append(out, src)
			return nil
		})
	})
	return out, err
}

// DeleteSource removes a source; the reports it opened stay.
func (s *Store) DeleteSource(ctx context.Context, name string) error {
	if _, err := debrief.Authorize(ctx, debrief.RoleAdmin); err != nil {
		return err
	}
	return s.write(ctx, func(t *tx) error {
		var id int64
		err := t.queryRow(ctx, `SELECT id FROM alert_sources WHERE name = ?`, name).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return debrief.Errorf(debrief.ENOTFOUND, "source %q not found", name)
		} else if err != nil {
			return err
		}
		// alert_groups and alert_payloads go with it (ON DELETE CASCADE;
		// SQLite enforces it with foreign_keys=ON).
		for _, q := range []string{`DELETE FROM alert_payloads WHERE source_id = ?`, `DELETE FROM alert_groups WHERE source_id = ?`, `DELETE FROM alert_sources WHERE id = ?`} {
			if _, err := t.exec(ctx, q, id); err != nil {
				return fmt.Errorf("delete source: %w", err)
			}
		}
		return t.audit(ctx, s.nowMicros(), "source.delete", "source", id, name)
	})
}

// noSourceHash is checked when a hook names no source, so that an unknown
// name takes as long as a wrong secret.
var noSourceHash = strings.Repeat("0", 64)

// AuthenticateSource returns the source when cred proves it: the bearer
// token's hash, or the body's HMAC keyed with the stored hash, compared in
// constant time.
func (s *Store) AuthenticateSource(ctx context.Context, name string, cred debrief.SourceCredential) (*debrief.Source, error) {
	src := &debrief.Source{}
	stored := noSourceHash
	err := s.readOne(ctx, func(t *tx) error {
		var kind string
		var created int64
		err := t.queryRow(ctx, `SELECT id, name, kind, secret_hash, created_at, created_by FROM alert_sources WHERE name = ?`, name).
			Scan(&src.ID, &src.Name, &kind, &stored, &created, &src.CreatedBy)
		if errors.Is(err, sql.ErrNoRows) {
			src = nil
			return nil
		}
		src.Kind, src.CreatedAt = debrief.SourceKind(kind), fromMicros(created)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !sourceCredentialValid(stored, cred) || src == nil {
		return nil, debrief.Errorf(debrief.EUNAUTHORIZED, "the hook needs its source's secret: Authorization: Bearer SECRET, or X-Debrief-Signature: sha256=HMAC-SHA256 of the body")
	}
	return src, nil
}

// sourceCredentialValid checks a credential against a stored secret hash.
func sourceCredentialValid(stored string, cred debrief.SourceCredential) bool {
	key, err := hex.DecodeString(stored)
	if err != nil || len(key) != sha256.Size {
		return false
	}
	if cred.Token != "" {
		h := sha256.Sum256([]byte(cred.Token))
		return subtle.ConstantTimeCompare(h[:], key) == 1
	}
	if cred.Signature != "" {
		got, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(cred.Signature), "sha256="))
		if err != nil {
			return false
		}
		m := hmac.New(sha256.New, key)
		m.Write(cred.Body)
		return hmac.Equal(got, m.Sum(nil))
	}
	return false
}
