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
	"strconv"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

// newSecret returns a random secret of 256 bits with a prefix that tells
// what it is ("dbt_" for API tokens).
func newSecret(prefix string) string { return newSecretOf(prefix, 32) }

// newSecretOf returns a random secret of n bytes with a prefix.
func newSecretOf(prefix string, n int) string {
	b := make([]byte, n)
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
	if _, err := debrief.Authorize(ctx, debrief.RoleAdmin); err != nil {
		return err
	}
	if err := checkNewUser(u); err != nil {
		return err
	}
	return s.write(ctx, func(t *tx) error { return t.insertUser(ctx, s.nowMicros(), u) })
}

// checkNewUser returns EINVALID for a user that cannot be stored.
func checkNewUser(u *debrief.User) error {
	if u == nil {
		return debrief.FieldErrorf(debrief.EINVALID, "user", "missing")
	}
	u.Email = strings.TrimSpace(u.Email)
	if i := strings.IndexByte(u.Email, '@'); i <= 0 || i == len(u.Email)-1 || strings.ContainsAny(u.Email, " \t\r\n") {
		return debrief.FieldErrorf(debrief.EINVALID, "email", "%q is not an email address", u.Email)
	}
	if !u.Role.Valid() {
		return debrief.FieldErrorf(debrief.EINVALID, "role", "%q is not viewer, editor, reviewer or admin", u.Role)
	}
	for _, f := range []struct{ name, v string }{{"email", u.Email}, {"name", u.Name}, {"password_hash", u.PasswordHash}} {
		if len(f.v) > 1000 {
			return debrief.FieldErrorf(debrief.EINVALID, f.name, "longer than 1000 bytes")
		}
		if err := debrief.ValidateText(f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

// insertUser stores u, setting its ID, lower-case email and CreatedAt.
func (t *tx) insertUser(ctx context.Context, now int64, u *debrief.User) error {
	email := strings.ToLower(u.Email)
	err := t.queryRow(ctx, `INSERT INTO users (email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		email, u.Name, string(u.Role), u.PasswordHash, now).Scan(&u.ID)
	if t.d.isUnique(err) {
		return debrief.FieldErrorf(debrief.ECONFLICT, "email", "a user with %q exists", u.Email)
	} else if err != nil {
		return fmt.Errorf("insert user: %w", err)
	}
	u.Email, u.CreatedAt = email, fromMicros(now)
	return t.audit(ctx, now, "user.create", "user", u.ID, u.Email+" as "+string(u.Role))
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
	if _, err := debrief.AuthorizeUser(ctx, id); err != nil {
		return nil, err
	}
	return s.userBy(ctx, "id = ?", id, debrief.Errorf(debrief.ENOTFOUND, "user %d not found", id))
}

// UserByEmail returns the user with the email.
func (s *Store) UserByEmail(ctx context.Context, email string) (*debrief.User, error) {
	if _, err := debrief.Authorize(ctx, debrief.RoleAdmin); err != nil {
		return nil, err
	}
	return s.userByEmail(ctx, email)
}

func (s *Store) userByEmail(ctx context.Context, email string) (*debrief.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	return s.userBy(ctx, "email = ?", email, debrief.Errorf(debrief.ENOTFOUND, "user %q not found", email))
}

// PasswordUser returns the user with the email, with its password hash.
func (s *Store) PasswordUser(ctx context.Context, email string) (*debrief.User, error) {
	return s.userByEmail(ctx, email)
}

// Users returns a page of users by email.
func (s *Store) Users(ctx context.Context, f debrief.UserFilter) (*debrief.Page[*debrief.User], error) {
	if _, err := debrief.Authorize(ctx, debrief.RoleAdmin); err != nil {
		return nil, err
	}
	limit, err := pageLimit(f.Limit, 100, 1000)
	if err != nil {
		return nil, err
	}
	after := ""
	if f.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(f.Cursor)
		if err != nil || len(b) < 2 || b[0] != 'e' {
			return nil, debrief.FieldErrorf(debrief.EINVALID, "cursor", "not a cursor this list returned")
		}
		after = string(b[1:])
	}
	page := &debrief.Page[*debrief.User]{}
	err = s.read(ctx, func(t *tx) error {
		return t.each(ctx, `SELECT `+userColumns+` FROM users WHERE email > ? ORDER BY email LIMIT ?`, []any{after, limit + 1}, func(rows *sql.Rows) error {
			u, err := scanUser(rows)
			page.Items = append(page.Items, u)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		page.Next = base64.RawURLEncoding.EncodeToString([]byte("e" + page.Items[limit-1].Email))
	}
	return page, nil
}

// SetUserRole changes a user's role.
func (s *Store) SetUserRole(ctx context.Context, id int64, role debrief.Role) error {
	if _, err := debrief.Authorize(ctx, debrief.RoleAdmin); err != nil {
		return err
	}
	if !role.Valid() {
		return debrief.FieldErrorf(debrief.EINVALID, "role", "%q is not viewer, editor, reviewer or admin", role)
	}
	return s.write(ctx, func(t *tx) error {
		var old string
		err := t.queryRow(ctx, `SELECT role FROM users WHERE id = ?`+s.d.lockRow, id).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return debrief.Errorf(debrief.ENOTFOUND, "user %d not found", id)
		} else if err != nil {
			return err
		}
		if debrief.Role(old) == debrief.RoleAdmin && role != debrief.RoleAdmin {
			var admins int
			if err := t.queryRow(ctx, `SELECT count(*) FROM users WHERE role = ?`, string(debrief.RoleAdmin)).Scan(&admins); err != nil {
				return err
			}
			if admins <= 1 {
				return debrief.FieldErrorf(debrief.ECONFLICT, "role", "user %d is the only admin: make another user admin first", id)
			}
		}
		if _, err := t.exec(ctx, `UPDATE users SET role = ? WHERE id = ?`, string(role), id); err != nil {
			return err
		}
		return t.audit(ctx, s.nowMicros(), "user.role", "user", id, old+" -> "+string(role))
	})
}

// SetUserPassword replaces a user's password hash and ends their sessions.
func (s *Store) SetUserPassword(ctx context.Context, id int64, hash string) error {
	if _, err := debrief.AuthorizeUser(ctx, id); err != nil {
		return err
	}
	if err := debrief.ValidateText("password_hash", hash); err != nil {
		return err
	}
	return s.write(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return debrief.Errorf(debrief.ENOTFOUND, "user %d not found", id)
		}
		if _, err := t.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return err
		}
		return t.audit(ctx, s.nowMicros(), "user.password", "user", id, "password changed, sessions ended")
	})
}

// CreateAPIToken makes a token for the user and returns its secret.
func (s *Store) CreateAPIToken(ctx context.Context, userID int64, name string, expires time.Time) (string, *debrief.APIToken, error) {
	if _, err := debrief.AuthorizeUser(ctx, userID); err != nil {
		return "", nil, err
	}
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return "", nil, debrief.FieldErrorf(debrief.EINVALID, "name", "a token needs a name of 1 to 200 bytes")
	}
	if err := debrief.ValidateText("name", name); err != nil {
		return "", nil, err
	}
	now := s.now()
	if !expires.IsZero() && !expires.After(now) {
		return "", nil, debrief.FieldErrorf(debrief.EINVALID, "expires_at", "%s is not in the future", expires.UTC().Format(time.RFC3339))
	}
	secret := newSecret("dbt_")
	tok := &debrief.APIToken{UserID: userID, Name: name, ExpiresAt: expires.UTC()}
	var expiresMicros int64
	if !expires.IsZero() {
		expiresMicros = expires.UTC().UnixMicro()
	}
	err := s.write(ctx, func(t *tx) error {
		if err := t.userExists(ctx, userID); err != nil {
			return err
		}
		micros := now.UTC().UnixMicro()
		if err := t.queryRow(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at, last_used, expires_at) VALUES (?, ?, ?, ?, 0, ?) RETURNING id`,
			userID, name, hashSecret(secret), micros, expiresMicros).Scan(&tok.ID); err != nil {
			return fmt.Errorf("insert token: %w", err)
		}
		tok.CreatedAt = fromMicros(micros)
		return t.audit(ctx, micros, "api_token.create", "user", userID, name)
	})
	if err != nil {
		return "", nil, err
	}
	return secret, tok, nil
}

// UserByAPIToken returns the owner of an unexpired token secret and notes
// the token's use, at most once a minute, when it can: a failed note (a busy
// writer, a read-only database) does not fail the sign-in.
func (s *Store) UserByAPIToken(ctx context.Context, secret string) (*debrief.User, error) {
	var u *debrief.User
	var lastUsed, expires int64
	hash := hashSecret(secret)
	now := s.nowMicros()
	err := s.readOne(ctx, func(t *tx) error {
		row := t.queryRow(ctx, `SELECT k.last_used, k.expires_at, u.id, u.email, u.name, u.role, u.password_hash, u.created_at
			FROM api_tokens k JOIN users u ON u.id = k.user_id WHERE k.token_hash = ?`, hash)
		var err error
		u, err = scanUser(row, &lastUsed, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return debrief.Errorf(debrief.EUNAUTHORIZED, "unknown token")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if expires != 0 && now >= expires {
		return nil, debrief.Errorf(debrief.EUNAUTHORIZED, "the token expired")
	}
	if now-lastUsed >= time.Minute.Microseconds() && !s.c.readOnly {
		// Best effort, and brief: a sign-in never waits long on a writer.
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 200*time.Millisecond)
		s.write(wctx, func(t *tx) error {
			_, err := t.exec(wctx, `UPDATE api_tokens SET last_used = ? WHERE token_hash = ?`, now, hash)
			return err
		})
		cancel()
	}
	return u, nil
}

// APITokens returns the user's tokens, oldest first.
func (s *Store) APITokens(ctx context.Context, userID int64) ([]*debrief.APIToken, error) {
	if _, err := debrief.AuthorizeUser(ctx, userID); err != nil {
		return nil, err
	}
	var toks []*debrief.APIToken
	err := s.read(ctx, func(t *tx) error {
		return t.each(ctx, `SELECT id, user_id, name, created_at, last_used, expires_at FROM api_tokens WHERE user_id = ? ORDER BY id`, []any{userID},
			func(rows *sql.Rows) error {
				k := &debrief.APIToken{}
				var created, used, expires int64
				if err := rows.Scan(&k.ID, &k.UserID, &k.Name, &created, &used, &expires); err != nil {
					return err
				}
				k.CreatedAt, k.LastUsed, k.ExpiresAt = fromMicros(created), fromMicros(used), fromMicros(expires)
				toks = append(toks, k)
				return nil
			})
	})
	return toks, err
}

// DeleteAPIToken revokes a token of the user.
func (s *Store) DeleteAPIToken(ctx context.Context, userID, tokenID int64) error {
	if _, err := debrief.AuthorizeUser(ctx, userID); err != nil {
		return err
	}
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
	if _, err := debrief.AuthorizeUser(ctx, userID); err != nil {
		return "", err
	}
	if ttl <= 0 {
		return "", debrief.FieldErrorf(debrief.EINVALID, "ttl", "must be positive")
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
	err := s.readOne(ctx, func(t *tx) error {
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

// HasUsers reports whether any user exists.
func (s *Store) HasUsers(ctx context.Context) (bool, error) {
	var n int
	err := s.read(ctx, func(t *tx) error {
		return t.queryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM users LIMIT 1) x`).Scan(&n)
	})
	return n > 0, err
}

// CreateSetupToken returns a one-time secret that creates the first admin.
func (s *Store) CreateSetupToken(ctx context.Context, ttl time.Duration) (string, error) {
	if u := debrief.UserFromContext(ctx); u == nil || !u.System {
		return "", debrief.Errorf(debrief.EFORBIDDEN, "only the service itself makes setup tokens")
	}
	if ttl <= 0 {
		return "", debrief.FieldErrorf(debrief.EINVALID, "ttl", "must be positive")
	}
	secret := newSecret("dbsetup_")
	err := s.write(ctx, func(t *tx) error {
		if err := t.noUsers(ctx); err != nil {
			return err
		}
		now := s.now().UTC()
		_, err := t.exec(ctx, `INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES (?, ?, ?)`,
			hashSecret(secret), now.UnixMicro(), now.Add(ttl).UnixMicro())
		return err
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// CompleteSetup creates the first admin with a setup token.
func (s *Store) CompleteSetup(ctx context.Context, secret string, u *debrief.User) error {
	if u != nil {
		u.Role = debrief.RoleAdmin
	}
	if err := checkNewUser(u); err != nil {
		return err
	}
	return s.write(ctx, func(t *tx) error {
		now := s.nowMicros()
		res, err := t.exec(ctx, `DELETE FROM setup_tokens WHERE token_hash = ? AND expires_at > ?`, hashSecret(secret), now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return debrief.Errorf(debrief.EUNAUTHORIZED, "this setup link is not valid: it was used, or it expired; restart the service for a new one")
		}
		if err := t.noUsers(ctx); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `DELETE FROM setup_tokens`); err != nil {
			return err
		}
		sctx := debrief.NewContextWithUser(ctx, u)
		return t.insertUser(sctx, now, u)
	})
}

// noUsers returns ECONFLICT when a user exists.
func (t *tx) noUsers(ctx context.Context) error {
	var n int
	if err := t.queryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM users LIMIT 1) x`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return debrief.Errorf(debrief.ECONFLICT, "Debrief is already set up: an admin can add users")
	}
	return nil
}

// AuditLog returns a page of audit entries, newest first.
func (s *Store) AuditLog(ctx context.Context, f debrief.AuditFilter) (*debrief.Page[*debrief.AuditEntry], error) {
	need := debrief.RoleAdmin
	if f.Entity == "report" && f.EntityID != 0 {
		need = debrief.RoleViewer
	}
	if _, err := debrief.Authorize(ctx, need); err != nil {
		return nil, err
	}
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
	if f.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(f.Cursor)
		before, err2 := strconv.ParseInt(strings.TrimPrefix(string(b), "a"), 10, 64)
		if err != nil || err2 != nil || len(b) < 2 || b[0] != 'a' {
			return nil, debrief.FieldErrorf(debrief.EINVALID, "cursor", "not a cursor this list returned")
		}
		where, args = append(where, "id < ?"), append(args, before)
	}
	var out []*debrief.AuditEntry
	err = s.read(ctx, func(t *tx) error {
		return t.each(ctx, `SELECT id, at, actor, action, entity, entity_id, detail FROM audit_log WHERE `+
			strings.Join(where, " AND ")+` ORDER BY id DESC LIMIT ?`, append(args, limit+1),
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
	if err != nil {
		return nil, err
	}
	page := &debrief.Page[*debrief.AuditEntry]{Items: out}
	if len(out) > limit {
		page.Items = out[:limit]
		page.Next = base64.RawURLEncoding.EncodeToString([]byte("a" + strconv.FormatInt(out[limit-1].ID, 10)))
	}
	return page, nil
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
