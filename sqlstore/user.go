package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

// newSecret returns a random secret of 256 bits with a prefix that tells
// what it is ("dbt_" for API tokens).
func newSecret(prefix string) string {
	b := make([]byte, 32)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// hashSecret is what the database keeps of a secret. The secrets are random
// and long, so a plain SHA-256 is enough: nothing to guess.
func hashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

const userColumns = `id, email, name, role, password_hash, created_at`

// scanUser reads userColumns, after any columns in dest.
func scanUser(row interface{ Scan(...any) error }, dest ...any) (*debrief.User, error) {
	u := &debrief.User{}
	var role string
	var created int64
	if err := row.Scan(append(dest, &u.ID, &u.Email, &u.Name, &role, &u.PasswordHash, &created)...); err != nil {
		return nil, err
	}
	u.Role, u.CreatedAt = debrief.Role(role), fromMicros(created)
	return u, nil
}

// CreateUser stores u, setting its ID and CreatedAt.
func (s *Store) CreateUser(ctx context.Context, u *debrief.User) error {
	if u == nil {
		return debrief.Errorf(debrief.EINVALID, "user: missing")
	}
	u.Email = strings.TrimSpace(u.Email)
	if !strings.Contains(u.Email, "@") {
		return debrief.Errorf(debrief.EINVALID, "email: %q is not an email address", u.Email)
	}
	if !u.Role.Valid() {
		return debrief.Errorf(debrief.EINVALID, "role: %q is not viewer, editor or admin", u.Role)
	}
	for _, f := range []struct{ name, v string }{{"email", u.Email}, {"name", u.Name}, {"password_hash", u.PasswordHash}} {
		if err := debrief.ValidateText(f.name, f.v); err != nil {
			return err
		}
	}
	return s.write(ctx, func(t *tx) error {
		now := s.nowMicros()
		err := t.queryRow(ctx, `INSERT INTO users (email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			strings.ToLower(u.Email), u.Name, string(u.Role), u.PasswordHash, now).Scan(&u.ID)
		if s.d.isUnique(err) {
			return debrief.Errorf(debrief.ECONFLICT, "email: a user with %q exists", u.Email)
		} else if err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		u.Email, u.CreatedAt = strings.ToLower(u.Email), fromMicros(now)
		return t.audit(ctx, now, "user.create", "user", u.ID, u.Email+" as "+string(u.Role))
	})
}

// userBy reads one user.
func (s *Store) userBy(ctx context.Context, where string, arg any, missing error) (*debrief.User, error) {
	var u *debrief.User
	err := s.read(ctx, func(t *tx) error {
		var err error
		u, err = scanUser(t.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
		if errors.Is(err, sql.ErrNoRows) {
			return missing
		}
		return err
	})
	return u, err
}

// User returns the user with the ID.
func (s *Store) User(ctx context.Context, id int64) (*debrief.User, error) {
	return s.userBy(ctx, "id = ?", id, debrief.Errorf(debrief.ENOTFOUND, "user %d not found", id))
}

// UserByEmail returns the user with the email.
func (s *Store) UserByEmail(ctx context.Context, email string) (*debrief.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	return s.userBy(ctx, "email = ?", email, debrief.Errorf(debrief.ENOTFOUND, "user %q not found", email))
}

// Users returns every user by email.
func (s *Store) Users(ctx context.Context) ([]*debrief.User, error) {
	var users []*debrief.User
	err := s.read(ctx, func(t *tx) error {
		return t.each(ctx, `SELECT `+userColumns+` FROM users ORDER BY email`, nil, func(rows *sql.Rows) error {
			u, err := scanUser(rows)
			users = append(users, u)
			return err
		})
	})
	return users, err
}

// SetUserRole changes a user's role.
func (s *Store) SetUserRole(ctx context.Context, id int64, role debrief.Role) error {
	if !role.Valid() {
		return debrief.Errorf(debrief.EINVALID, "role: %q is not viewer, editor or admin", role)
	}
	return s.write(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `UPDATE users SET role = ? WHERE id = ?`, string(role), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return debrief.Errorf(debrief.ENOTFOUND, "user %d not found", id)
		}
		return t.audit(ctx, s.nowMicros(), "user.role", "user", id, string(role))
	})
}

// CreateAPIToken makes a token for the user and returns its secret.
func (s *Store) CreateAPIToken(ctx context.Context, userID int64, name string) (string, *debrief.APIToken, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return "", nil, debrief.Errorf(debrief.EINVALID, "name: a token needs a name of 1 to 200 bytes")
	}
	if err := debrief.ValidateText("name", name); err != nil {
		return "", nil, err
	}
	secret := newSecret("dbt_")
	tok := &debrief.APIToken{UserID: userID, Name: name}
	err := s.write(ctx, func(t *tx) error {
		if err := t.userExists(ctx, userID); err != nil {
			return err
		}
		now := s.nowMicros()
		if err := t.queryRow(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at, last_used) VALUES (?, ?, ?, ?, 0) RETURNING id`,
			userID, name, hashSecret(secret), now).Scan(&tok.ID); err != nil {
			return fmt.Errorf("insert token: %w", err)
		}
		tok.CreatedAt = fromMicros(now)
		return t.audit(ctx, now, "api_token.create", "user", userID, name)
	})
	if err != nil {
		return "", nil, err
	}
	return secret, tok, nil
}

// UserByAPIToken returns the owner of the token secret and notes its use.
// The time of use is written at most once a minute per token, so that API
// requests stay reads.
func (s *Store) UserByAPIToken(ctx context.Context, secret string) (*debrief.User, error) {
	var u *debrief.User
	var lastUsed int64
	hash := hashSecret(secret)
	err := s.read(ctx, func(t *tx) error {
		row := t.queryRow(ctx, `SELECT k.last_used, u.id, u.email, u.name, u.role, u.password_hash, u.created_at
			FROM api_tokens k JOIN users u ON u.id = k.user_id WHERE k.token_hash = ?`, hash)
		var err error
		u, err = scanUser(row, &lastUsed)
		if errors.Is(err, sql.ErrNoRows) {
			return debrief.Errorf(debrief.EUNAUTHORIZED, "unknown token")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if now := s.nowMicros(); now-lastUsed >= time.Minute.Microseconds() {
		err = s.write(ctx, func(t *tx) error {
			_, err := t.exec(ctx, `UPDATE api_tokens SET last_used = ? WHERE token_hash = ?`, now, hash)
			return err
		})
	}
	return u, err
}

// APITokens returns the user's tokens, oldest first.
func (s *Store) APITokens(ctx context.Context, userID int64) ([]*debrief.APIToken, error) {
	var toks []*debrief.APIToken
	err := s.read(ctx, func(t *tx) error {
		return t.each(ctx, `SELECT id, user_id, name, created_at, last_used FROM api_tokens WHERE user_id = ? ORDER BY id`, []any{userID},
			func(rows *sql.Rows) error {
				k := &debrief.APIToken{}
				var created, used int64
				if err := rows.Scan(&k.ID, &k.UserID, &k.Name, &created, &used); err != nil {
					return err
				}
				k.CreatedAt, k.LastUsed = fromMicros(created), fromMicros(used)
				toks = append(toks, k)
				return nil
			})
	})
	return toks, err
}

// DeleteAPIToken revokes a token of the user.
func (s *Store) DeleteAPIToken(ctx context.Context, userID, tokenID int64) error {
	return s.write(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `DELETE FROM api_tokens WHERE id = ? AND user_id = ?`, tokenID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return debrief.Errorf(debrief.ENOTFOUND, "token %d not found", tokenID)
		}
		return t.audit(ctx, s.nowMicros(), "api_token.delete", "user", userID, fmt.Sprint(tokenID))
	})
}

// CreateSession starts a session for the user and returns its secret.
func (s *Store) CreateSession(ctx context.Context, userID int64, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", debrief.Errorf(debrief.EINVALID, "ttl: must be positive")
	}
	secret := newSecret("dbs_")
	err := s.write(ctx, func(t *tx) error {
		if err := t.userExists(ctx, userID); err != nil {
			return err
		}
		now := s.now().UTC()
		_, err := t.exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			hashSecret(secret), userID, now.UnixMicro(), now.Add(ttl).UnixMicro())
		if err != nil {
			return fmt.Errorf("insert session: %w", err)
		}
		// Expired sessions are swept as new ones start.
		_, err = t.exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now.UnixMicro())
		return err
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// UserBySession returns the user of an unexpired session.
func (s *Store) UserBySession(ctx context.Context, secret string) (*debrief.User, error) {
	var u *debrief.User
	err := s.read(ctx, func(t *tx) error {
		var err error
		u, err = scanUser(t.queryRow(ctx, `SELECT u.id, u.email, u.name, u.role, u.password_hash, u.created_at
			FROM sessions x JOIN users u ON u.id = x.user_id WHERE x.token_hash = ? AND x.expires_at > ?`,
			hashSecret(secret), s.nowMicros()))
		if errors.Is(err, sql.ErrNoRows) {
			return debrief.Errorf(debrief.EUNAUTHORIZED, "no such session")
		}
		return err
	})
	return u, err
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, secret string) error {
	return s.write(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashSecret(secret))
		return err
	})
}

// AuditLog returns audit entries, newest first.
func (s *Store) AuditLog(ctx context.Context, f debrief.AuditFilter) ([]*debrief.AuditEntry, error) {
	limit, err := pageLimit(f.Limit, 100, 1000)
	if err != nil {
		return nil, err
	}
	where, args := []string{"1 = 1"}, []any{}
	if f.Entity != "" {
		where, args = append(where, "entity = ?"), append(args, f.Entity)
	}
	if f.EntityID != 0 {
		where, args = append(where, "entity_id = ?"), append(args, f.EntityID)
	}
	var out []*debrief.AuditEntry
	err = s.read(ctx, func(t *tx) error {
		return t.each(ctx, `SELECT id, at, actor, action, entity, entity_id, detail FROM audit_log WHERE `+
			strings.Join(where, " AND ")+` ORDER BY id DESC LIMIT ?`, append(args, limit),
			func(rows *sql.Rows) error {
				e := &debrief.AuditEntry{}
				var at int64
				if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.Detail); err != nil {
					return err
				}
				e.At = fromMicros(at)
				out = append(out, e)
				return nil
			})
	})
	return out, err
}

// userExists returns ENOTFOUND when there is no user with the ID.
func (t *tx) userExists(ctx context.Context, id int64) error {
	var n int
	if err := t.queryRow(ctx, `SELECT count(*) FROM users WHERE id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return debrief.Errorf(debrief.ENOTFOUND, "user %d not found", id)
	}
	return nil
}
